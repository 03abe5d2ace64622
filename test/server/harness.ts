import * as E from 'fp-ts/Either';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import pino from 'pino';
import WebSocket from 'ws';
import { createRedisBus } from '../../src/bus';
import { createRedisLog } from '../../src/eventlog';
import { loadServerConfig, type ServerConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/server/server';
import { uniquePrefix } from '../support/redis';
import type { Outgoing } from './fixtures';

/** A server on a free port with its own channel prefix, and a Redis client to publish with. */
export interface Harness {
  readonly server: RunningServer;
  readonly config: ServerConfig;
  readonly http: string;
  /** The admin listener: /metrics, /rejected. */
  readonly admin: string;
  readonly ws: string;
  /** Where the server serves its Prometheus metrics: ask this, never assume the main port. */
  readonly metrics: string;
  readonly publisher: Redis;
  /** Publishes messages on the prefixed channels, in order. */
  publish(messages: readonly Outgoing[]): Promise<void>;
  /** Stops the server; fails if any handler faulted while it ran (a fault is a bug, even when answered). */
  stop(): Promise<void>;
}

/**
 * Starts a server for one test file; `options` are flags such as `{ '--flush-ms': '0' }`. Tests
 * share 127.0.0.1, so an abuse close makes no one wait unless a test asks (`--abuse-wait`).
 */
export async function startHarness(redisUrl: string, name: string, options: Record<string, string> = {}): Promise<Harness> {
  const prefix = uniquePrefix(name);
  // An empty static root: these tests see the server as it is before the dashboard is built.
  const staticRoot = mkdtempSync(join(tmpdir(), 'pm-arb-static-'));
  const flags = { '--port': '0', '--admin-port': '0', '--abuse-wait': '0', '--redis': redisUrl, '--channel-prefix': prefix, '--static-root': staticRoot, ...options };
  const argv = Object.entries(flags).flat();
  const loaded = loadServerConfig(argv, {});
  if (E.isLeft(loaded)) throw new Error(loaded.left.message);
  const config = loaded.right;
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  const bus = createRedisBus({ url: redisUrl, prefix, logger });
  const log = createRedisLog({ url: redisUrl, prefix, logger, reads: true });
  const server = await startServer({ config, bus, log, logger });
  const publisher = new Redis(redisUrl);
  await eventually(() => bus.connected && server.log.status === 'live');
  return {
    server,
    config,
    http: `http://127.0.0.1:${server.port}`,
    admin: `http://127.0.0.1:${server.adminPort}`,
    ws: `ws://127.0.0.1:${server.port}/ws`,
    metrics: `http://127.0.0.1:${server.adminPort}/metrics`,
    publisher,
    async publish(messages) {
      const pipeline = publisher.pipeline();
      for (const m of messages) pipeline.publish(prefix + m.channel, m.payload);
      await pipeline.exec();
    },
    async stop() {
      const faults = await metricValue(`http://127.0.0.1:${server.adminPort}`, 'pmarb_handler_faults_total');
      await server.stop();
      // The log persists in Redis: leave nothing of this test behind on a shared Redis.
      await deleteKeys(publisher, `${prefix}*`);
      publisher.disconnect();
      assertNoFaults(faults);
    },
  };
}

/** Fails when a test server counted handler faults: each is a bug, even when the request was answered. */
export function assertNoFaults(faults: number): void {
  if (faults > 0) throw new Error(`${faults} handler fault(s) while the server ran: see pmarb_handler_faults_total and the error log`);
}

/** The handler faults a server in this process counted. */
export async function faultsOf(server: RunningServer): Promise<number> {
  return (await server.metrics.handlerFaults.get()).values.reduce((sum, v) => sum + v.value, 0);
}

/** Deletes every key matching `pattern` (SCAN, so a large Redis is not blocked). */
export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Resolves when `predicate` holds, polling; fails after `timeoutMs` with `what`. */
export async function eventually(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A raw `ws` socket that records every frame it receives as parsed JSON. */
export interface RawClient {
  readonly socket: WebSocket;
  readonly frames: Record<string, unknown>[];
  send(message: unknown): void;
  /** Frames of one type received so far. */
  of(type: string): Record<string, unknown>[];
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens a raw socket and waits until it is open; `protocols` and `options` (e.g. `headers`) go to `ws`. */
export async function rawClient(url: string, protocols?: string | string[], options?: WebSocket.ClientOptions): Promise<RawClient> {
  const socket = new WebSocket(url, protocols, options);
  const frames: Record<string, unknown>[] = [];
  socket.on('message', (data, isBinary) => {
    if (!isBinary) frames.push(JSON.parse(data.toString()) as Record<string, unknown>);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    frames,
    closed,
    send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    of: (type) => frames.filter((f) => f.type === type),
  };
}

/** GET a JSON route. */
export async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

/** The value of a counter or gauge in Prometheus text, summed over series matching `labels`; `admin` is the admin listener's URL. */
export async function metricValue(admin: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${admin}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const [series, value] = line.split(' ');
    if (series === undefined || value === undefined) continue;
    if (series !== name && !series.startsWith(`${name}{`)) continue;
    if (labels !== '' && !series.includes(labels)) continue;
    sum += Number(value);
  }
  return sum;
}

/** Resolves once every event the server applied has been flushed; returns the versions /health shows then. */
export async function flushed(h: Harness, timeoutMs = 5_000): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!h.server.hasPending) return ((await getJson(`${h.http}/health`)).body as { versions: Record<string, number> }).versions;
    if (Date.now() > deadline) throw new Error('server did not flush in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Resolves once the server's published versions have not moved for `quietMs` with nothing waiting to
 * be flushed; returns them. For events sent by `publish` (plain PUBLISH), which reach the projections
 * only after the bridge has appended them to the log and the follower has read them back: `flushed`
 * alone can resolve while some are still on that way.
 */
export async function settled(h: Harness, quietMs = 500, timeoutMs = 10_000): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let versions = await flushed(h, timeoutMs);
  let since = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const now = await flushed(h, Math.max(0, deadline - Date.now()));
    if (JSON.stringify(now) !== JSON.stringify(versions)) {
      versions = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return versions;
    if (Date.now() > deadline) throw new Error('server versions did not settle in time');
  }
}
