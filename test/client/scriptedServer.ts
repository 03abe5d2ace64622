import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { ProjectionClient, type ClientOptions } from '../../src/client';

/** What the reference client sent, parsed. */
export type Sent = Record<string, unknown>;

/**
 * An in-process WebSocket server that plays hand-written frames to one reference client and
 * records what the client sends back. Everything goes through real sockets and the client's
 * public API, so the tests hold whatever the client's insides become.
 */
export interface Scripted {
  readonly client: ProjectionClient;
  /** Every message the client sent, in order (barrier subscribes left out). */
  readonly sent: Sent[];
  /** Sends frames and resolves once the client has handled all of them. */
  play(...frames: unknown[]): Promise<void>;
  /**
   * Resolves once everything the client sent before this call has reached the server: the
   * client subscribes to a throwaway channel and the server waits for that message, which TCP
   * delivers after every earlier one. Lets a test say "the client sent nothing" without sleeping.
   */
  barrier(): Promise<void>;
  /** Resolves when the client has sent `count` messages. */
  sentAtLeast(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const BARRIER_PREFIX = 'barrier-';

/** Starts the server and a client subscribed to `channels`, answered with `subscribed`, not yet given snapshots. */
export async function scripted(channels: readonly string[], options: Partial<ClientOptions> = {}): Promise<Scripted> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  const sent: Sent[] = [];
  const barriers = new Set<string>();
  let socket: WebSocket | undefined;
  const connected = new Promise<WebSocket>((resolve) =>
    wss.on('connection', (ws) => {
      socket = ws;
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString()) as Sent;
        const list = message.channels;
        if (message.type === 'subscribe' && Array.isArray(list) && typeof list[0] === 'string' && list[0].startsWith(BARRIER_PREFIX)) {
          barriers.add(list[0]);
        } else {
          sent.push(message);
        }
      });
      resolve(ws);
    }),
  );
  const client = new ProjectionClient({
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`,
    channels,
    WebSocket,
    backoff: { initialMs: 20, maxMs: 100, factor: 2 },
    ...options,
  });
  let handled = 0;
  client.on('frame', () => {
    handled += 1;
  });
  const ws = await connected;
  let played = 0;
  const play = async (...frames: unknown[]): Promise<void> => {
    for (const frame of frames) ws.send(JSON.stringify(frame));
    played += frames.length;
    await until(() => handled >= played, `client handled ${played} frames`);
  };
  await play({ type: 'subscribed', channels });
  let barrierCount = 0;
  return {
    client,
    sent,
    play,
    barrier: async () => {
      barrierCount += 1;
      const name = `${BARRIER_PREFIX}${barrierCount}`;
      client.subscribe([name]);
      await until(() => barriers.has(name), `barrier ${name}`);
    },
    sentAtLeast: (count, timeoutMs) => until(() => sent.length >= count, `${count} messages from the client`, timeoutMs),
    close: async () => {
      client.close();
      socket?.terminate();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

async function until(predicate: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what}: not in time`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
