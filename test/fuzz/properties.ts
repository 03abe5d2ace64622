import fc from 'fast-check';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { ProjectionClient } from '../../src/client';
import { PROJECTION_CHANNELS } from '../../src/server/channels';
import { eventually, getJson, metricValue, type Harness } from '../server/harness';
import { nthEvent } from '../server/fixtures';

/**
 * Fuzzing the running server over real sockets: adversarial HTTP requests (raw TCP, any bytes),
 * WebSocket connections with random queries, subprotocols and frame sequences, and random Redis
 * payloads. After every case: the process answers /health and counted no handler fault; after a
 * run, a well-behaved client converges on the server's state.
 */

const NASTY_SEGMENTS = [
  '%', '%E0%A4%A', '%zz', '%00', '%2e%2e', '..', '.', '__proto__', 'constructor', 'prototype', 'snapshot', 'health', 'metrics',
  'rejected', 'ws', 'risk.state', 'system', '*', '%2F', '\u00e9', '\ud83d\ude00', 'a'.repeat(5000), '?', '#', ';', '\\', '//',
];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT', 'BREW', 'get', ''];
const HEADER_NAMES = ['Host', 'Origin', 'Authorization', 'X-Forwarded-For', 'Upgrade', 'Connection', 'Sec-WebSocket-Key', 'Sec-WebSocket-Version', 'Sec-WebSocket-Protocol', 'Content-Length', 'Transfer-Encoding', 'Range', 'If-None-Match'];

const arbPath = fc
  .array(fc.oneof(fc.constantFrom(...NASTY_SEGMENTS), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 })), { maxLength: 6 })
  .map((segments) => `/${segments.join('/')}`);

const arbHeader = fc.tuple(
  fc.oneof(fc.constantFrom(...HEADER_NAMES), fc.stringMatching(/^[A-Za-z-]{1,20}$/)),
  fc.oneof(fc.string({ maxLength: 100 }), fc.string({ unit: 'binary', maxLength: 60 }), fc.constantFrom('Bearer x.y.z', 'websocket', 'Upgrade', '-1', '99999999999', 'chunked', 'http://evil.example')),
);

/** A raw HTTP request: any method, path and headers, possibly malformed, possibly with a body. */
export const arbHttpRequest = fc
  .record({
    method: fc.oneof(fc.constantFrom(...METHODS), fc.stringMatching(/^[A-Z]{1,12}$/)),
    path: arbPath,
    headers: fc.array(arbHeader, { maxLength: 8 }),
    body: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
  })
  .map(({ method, path, headers, body }) => {
    const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...headers.map(([n, v]) => `${n}: ${v}`)];
    return `${lines.join('\r\n')}\r\n\r\n${body ?? ''}`;
  });

const arbChannelName = fc.oneof(fc.constantFrom(...PROJECTION_CHANNELS, '*', '', '__proto__', 'constructor'), fc.string({ maxLength: 30 }));

/** One frame a client might send: well-formed messages with hostile fields, JSON junk, text junk, binary. */
export const arbFrame: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.constant('{"type":"ping"}'),
  fc.array(arbChannelName, { maxLength: 10 }).map((channels) => JSON.stringify({ type: 'subscribe', channels })),
  fc.array(arbChannelName, { maxLength: 10 }).map((channels) => JSON.stringify({ type: 'unsubscribe', channels })),
  arbChannelName.map((channel) => JSON.stringify({ type: 'resync', channel })),
  fc.string({ maxLength: 200 }).map((token) => JSON.stringify({ type: 'refresh', token })),
  fc.record({ type: fc.oneof(fc.constantFrom('subscribe', 'resync', 'refresh', 'ping', '__proto__'), fc.string()), channels: fc.anything(), channel: fc.anything(), token: fc.anything() }, { requiredKeys: [] }).map((m) => JSON.stringify(m) ?? 'null'),
  fc.json({ maxDepth: 4 }),
  fc.string({ maxLength: 300 }),
  fc.constant(`${'['.repeat(8000)}${']'.repeat(8000)}`),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
);

const arbQueryValue = fc.oneof(fc.string({ maxLength: 60 }).map(encodeURIComponent), fc.constantFrom('%', '%E0%A4%A', '*', 'risk.state,system', 'risk.state:1', 'x:y:z', 'a.b.c'));

/** A query string for `/ws`, with known and unknown parameters, repeats and bad escapes. */
export const arbQuery = fc
  .array(fc.tuple(fc.constantFrom('channels', 'epoch', 'since', 'token', 'x', ''), arbQueryValue), { maxLength: 5 })
  .map((pairs) => pairs.map(([k, v]) => (k === '' ? v : `${k}=${v}`)).join('&'));

/** Subprotocol lists `ws` accepts (token characters only), with and without a bearer. */
export const arbProtocols = fc.option(
  fc.array(fc.oneof(fc.constant('pm-arb.v1'), fc.stringMatching(/^bearer\.[A-Za-z0-9._-]{0,40}$/), fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/)), { minLength: 1, maxLength: 3 }).map((ps) => [...new Set(ps)]),
  { nil: undefined },
);

const validPayloads = Array.from({ length: 8 }, (_, n) => nthEvent(n, 'fuzz'));

/** A Redis message: a valid event with one field replaced by anything, junk JSON, junk bytes, or unsafe keys. */
export const arbRedisMessage = fc.record({
  channel: fc.constantFrom('agent.updates', 'trade.results', 'risk.state', 'strategy.performance', 'portfolio.summary'),
  payload: fc.oneof(
    fc.tuple(fc.constantFrom(...validPayloads), fc.constantFrom('v', 'id', 'agent', 'seq', 'ts', 'type', 'data'), fc.anything()).map(([m, key, value]) => {
      const event = JSON.parse(m.payload) as Record<string, unknown>;
      event[key] = value;
      return JSON.stringify(event) ?? '';
    }),
    fc.tuple(fc.constantFrom(...validPayloads), fc.string({ maxLength: 20 }), fc.anything()).map(([m, key, value]) => {
      const event = JSON.parse(m.payload) as { data: Record<string, unknown> };
      event.data[key] = value;
      return JSON.stringify(event) ?? '';
    }),
    fc.json({ maxDepth: 5 }),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.constant('{"__proto__":{"polluted":1},"v":1}'),
    fc.constant(`${'{"a":'.repeat(8000)}1${'}'.repeat(8000)}`),
  ),
});

/** Writes a raw request and reads whatever comes back within `quietMs` (or until the server closes). */
export function rawExchange(port: number, bytes: string, quietMs = 15): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes, 'latin1'));
    let out = '';
    const done = (): void => {
      socket.destroy();
      resolve(out);
    };
    let timer = setTimeout(done, quietMs * 4);
    socket.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      clearTimeout(timer);
      timer = setTimeout(done, quietMs);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    socket.on('error', () => undefined);
  });
}

/** Connects with `query` and `protocols`, sends `frames`, waits a little for replies, closes. */
export async function wsSession(h: Harness, query: string, protocols: string[] | undefined, frames: readonly (string | Buffer)[]): Promise<void> {
  let socket: WebSocket;
  try {
    socket = new WebSocket(`${h.ws}?${query}`, protocols, { maxPayload: 0 });
  } catch {
    return; // `ws` itself refused the URL or protocols: nothing reached the server.
  }
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const opened = await Promise.race([new Promise<boolean>((resolve) => socket.once('open', () => resolve(true))), closed.then(() => false)]);
  if (opened) {
    for (const frame of frames) if (socket.readyState === WebSocket.OPEN) socket.send(frame, { binary: typeof frame !== 'string' });
    await new Promise((r) => setTimeout(r, 20));
  }
  socket.terminate();
  await closed;
}

/** The server is alive, answers /health, and counted no handler fault. */
export async function assertServerWell(h: Harness): Promise<void> {
  const health = await getJson(`${h.http}/health`);
  if (health.status !== 200) throw new Error(`/health answered ${health.status}`);
  const faults = await metricValue(h.admin, 'pmarb_handler_faults_total');
  if (faults > 0) throw new Error(`${faults} handler fault(s)`);
}

/** A well-behaved client subscribed to everything, to check that it keeps converging. */
export async function startObserver(h: Harness): Promise<ProjectionClient> {
  const observer = new ProjectionClient({ url: h.ws, channels: ['*'], WebSocket });
  await observer.whenLive();
  return observer;
}

/** After a run: valid events still flow, and the observer reaches the server's versions and states. */
export async function assertConverges(h: Harness, observer: ProjectionClient, run: string): Promise<void> {
  const applied = h.server.projections.counters.applied;
  await h.publish(Array.from({ length: 8 }, (_, n) => nthEvent(n, run)));
  await eventually(() => h.server.projections.counters.applied >= applied + 8 && !h.server.hasPending, 10_000, 'fresh events applied');
  const channels = PROJECTION_CHANNELS.filter((c) => c !== 'system');
  await eventually(() => channels.every((c) => observer.version(c) === h.server.versions()[c]), 10_000, 'observer at the server\'s versions');
  for (const channel of channels) {
    const http = (await getJson(`${h.http}/snapshot/${channel}`)).body as { state: unknown };
    if (JSON.stringify(http.state) !== JSON.stringify(observer.state(channel))) {
      // Key order aside: compare as parsed values.
      const { isDeepStrictEqual } = await import('node:util');
      if (!isDeepStrictEqual(http.state, observer.state(channel))) throw new Error(`observer's ${channel} differs from the server's`);
    }
  }
}

/** The three fuzz properties, each an async property over real sockets. */
export function fuzzProperties(h: Harness) {
  return {
    http: fc.asyncProperty(arbHttpRequest, async (request) => {
      await rawExchange(h.server.port, request);
      await assertServerWell(h);
    }),
    websocket: fc.asyncProperty(arbQuery, arbProtocols, fc.array(arbFrame, { maxLength: 12 }), async (query, protocols, frames) => {
      await wsSession(h, query, protocols, frames);
      await assertServerWell(h);
    }),
    redis: fc.asyncProperty(fc.array(arbRedisMessage, { minLength: 1, maxLength: 10 }), async (messages) => {
      await h.publish(messages);
      await assertServerWell(h);
    }),
  };
}
