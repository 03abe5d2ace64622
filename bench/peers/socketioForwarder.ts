import { createServer } from 'node:http';
import Redis from 'ioredis';
import { Server } from 'socket.io';

/**
 * Peer (a): the original plan's design as a Node user would write it — Socket.IO, one Redis
 * subscriber, every message parsed and emitted to every client. argv: port redisUrl prefix channels
 */
const [portArg = '0', redisUrl = 'redis://127.0.0.1:6379', prefix = '', channelsArg = ''] = process.argv.slice(2);
let ingested = 0;

const http = createServer((req, res) => {
  if (req.url === '/stats' || req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'healthy', ingested, connections: io.engine.clientsCount }));
    return;
  }
  res.writeHead(404).end();
});
const io = new Server(http, { cors: { origin: '*' } });

const redis = new Redis(redisUrl);
void redis.subscribe(...channelsArg.split(',').map((c) => prefix + c));
redis.on('message', (channel: string, message: string) => {
  ingested += 1;
  io.emit(channel.slice(prefix.length), JSON.parse(message));
});

http.listen(Number(portArg), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
