import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { ProjectionClient, type ClientOptions } from '../../src/client';

/** What the reference client sent, parsed. */
export type Sent = Record<string, unknown>;

/**
 * An in-process WebSocket server that plays hand-written frames to one reference client and
 * records what the client sends back, and how it connects and closes. Everything goes through
 * real sockets and the client's public API, so the tests hold whatever the client's insides become.
 */
export interface Scripted {
  /** The server's endpoint. */
  readonly url: string;
  readonly client: ProjectionClient;
  /** Every message the client sent, in order, over every connection (barrier subscribes left out). */
  readonly sent: Sent[];
  /** The URL (path and query) of every connection the client made, in order. */
  readonly urls: string[];
  /** How each connection was closed by the client: code and reason. */
  readonly closes: { code: number; reason: string }[];
  /** The subprotocols each connection asked for, in order (empty when none). */
  readonly protocols: string[][];
  /** Sends frames on the current connection and resolves once the client has handled all of them. */
  play(...frames: unknown[]): Promise<void>;
  /** Sends bytes as they are (text, or a binary frame), which the client may not even count as a frame. */
  sendRaw(data: string, binary?: boolean): void;
  /**
   * Resolves once everything the client sent before this call has reached the server: the
   * client subscribes to a throwaway channel and the server waits for that message, which TCP
   * delivers after every earlier one. Lets a test say "the client sent nothing" without sleeping.
   */
  barrier(): Promise<void>;
  /** Resolves when the client has sent `count` messages. */
  sentAtLeast(count: number, timeoutMs?: number): Promise<void>;
  /** Resolves when the client has made `count` connections. */
  connections(count: number, timeoutMs?: number): Promise<void>;
  /** Cuts the current connection from the server side. */
  drop(): void;
  /** Closes the current connection from the server side with a close code and reason. */
  closeWith(code: number, reason: string): void;
  /** Stops the server (the client stays, and tries to reconnect). */
  stopServer(): Promise<void>;
  /** Stops the client and the server. */
  close(): Promise<void>;
}

const BARRIER_PREFIX = 'barrier-';

/** A server and a client made with `options`; nothing is played yet. */
export async function scriptedServer(options: Partial<ClientOptions> = {}): Promise<Scripted> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  const sent: Sent[] = [];
  const urls: string[] = [];
  const closes: { code: number; reason: string }[] = [];
  const protocols: string[][] = [];
  const barriers = new Set<string>();
  let socket: WebSocket | undefined;
  wss.on('connection', (ws, req) => {
    socket = ws;
    urls.push(req.url ?? '');
    protocols.push((req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== ''));
    ws.on('close', (code, reason) => closes.push({ code, reason: reason.toString() }));
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Sent;
      const list = message.channels;
      if (message.type === 'subscribe' && Array.isArray(list) && typeof list[0] === 'string' && list[0].startsWith(BARRIER_PREFIX)) {
        barriers.add(list[0]);
      } else {
        sent.push(message);
      }
    });
  });
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`;
  const client = new ProjectionClient({
    url,
    WebSocket,
    backoff: { initialMs: 20, maxMs: 100, factor: 2 },
    ...options,
  });
  let handled = 0;
  client.on('frame', () => {
    handled += 1;
  });
  let played = 0;
  let barrierCount = 0;
  let stopped: Promise<void> | undefined;
  const stopServer = (): Promise<void> => {
    stopped ??= new Promise((resolve) => {
      for (const ws of wss.clients) ws.terminate();
      wss.close(() => resolve());
    });
    return stopped;
  };
  return {
    url,
    client,
    sent,
    urls,
    closes,
    protocols,
    play: async (...frames) => {
      if (socket === undefined) throw new Error('no connection to play on');
      for (const frame of frames) socket.send(JSON.stringify(frame));
      played += frames.length;
      await until(() => handled >= played, `client handled ${played} frames`);
    },
    sendRaw: (data, binary = false) => socket?.send(binary ? Buffer.from(data) : data, { binary }),
    barrier: async () => {
      barrierCount += 1;
      const name = `${BARRIER_PREFIX}${barrierCount}`;
      client.subscribe([name]);
      await until(() => barriers.has(name), `barrier ${name}`);
    },
    sentAtLeast: (count, timeoutMs) => until(() => sent.length >= count, `${count} messages from the client`, timeoutMs),
    connections: (count, timeoutMs) => until(() => urls.length >= count && socket?.readyState === WebSocket.OPEN, `${count} connections`, timeoutMs),
    drop: () => socket?.terminate(),
    closeWith: (code, reason) => socket?.close(code, reason),
    stopServer,
    close: async () => {
      client.close();
      await stopServer();
    },
  };
}

/** A client subscribed to `channels` at connect time, answered with `subscribed`, not yet given snapshots. */
export async function scripted(channels: readonly string[], options: Partial<ClientOptions> = {}): Promise<Scripted> {
  const s = await scriptedServer({ channels, ...options });
  await s.connections(1);
  await s.play({ type: 'subscribed', channels });
  return s;
}

async function until(predicate: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what}: not in time`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
