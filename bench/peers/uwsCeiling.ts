import Redis from 'ioredis';
import uWS from 'uWebSockets.js';

/**
 * Peer (b), the ceiling: raw uWS topic publish of each Redis message as it arrived
 * (already serialised), no decoding, no state. argv: port redisUrl prefix channels
 */
const [portArg = '0', redisUrl = 'redis://127.0.0.1:6379', prefix = '', channelsArg = ''] = process.argv.slice(2);
const channels = channelsArg.split(',');
let ingested = 0;
let connections = 0;

interface Sub {
  readonly topics: string[];
}

const app = uWS.App();
app.ws<Sub>('/ws', {
  compression: uWS.DISABLED,
  maxPayloadLength: 16 * 1024,
  maxBackpressure: 64 * 1024 * 1024,
  idleTimeout: 0,
  upgrade: (res, req, context) => {
    const wanted = (req.getQuery('channels') ?? '').split(',').filter((c) => channels.includes(c));
    res.upgrade<Sub>(
      { topics: wanted },
      req.getHeader('sec-websocket-key'),
      req.getHeader('sec-websocket-protocol'),
      req.getHeader('sec-websocket-extensions'),
      context,
    );
  },
  open: (ws) => {
    connections += 1;
    for (const topic of ws.getUserData().topics) ws.subscribe(topic);
  },
  close: () => {
    connections -= 1;
  },
});
const stats = (res: uWS.HttpResponse): void => {
  res.writeHeader('content-type', 'application/json').end(JSON.stringify({ status: 'healthy', ingested, connections }));
};
app.get('/stats', stats);
app.get('/health', stats);

const redis = new Redis(redisUrl);
void redis.subscribe(...channels.map((c) => prefix + c));
redis.on('messageBuffer', (channel: Buffer, message: Buffer) => {
  ingested += 1;
  app.publish(channel.toString('latin1').slice(prefix.length), message, false);
});

app.listen('127.0.0.1', Number(portArg), (socket) => {
  if (socket === false) {
    console.error(`uws ceiling: cannot listen on port ${portArg}`);
    process.exit(1);
  }
});
process.on('SIGTERM', () => process.exit(0));
