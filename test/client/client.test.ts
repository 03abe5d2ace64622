import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectionClient, type ClientStatus } from '../../src/client';

/** A scripted fake server: the test sends frames by hand and sees what the client sends. */
interface Fake {
  readonly url: string;
  readonly received: Record<string, unknown>[];
  readonly urls: string[];
  socket(): WebSocket;
  send(frame: unknown): void;
  dropAll(): void;
  close(): Promise<void>;
}

async function fakeServer(): Promise<Fake> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  const received: Record<string, unknown>[] = [];
  const urls: string[] = [];
  let current: WebSocket | undefined;
  wss.on('connection', (socket, req) => {
    current = socket;
    urls.push(req.url ?? '');
    socket.on('message', (data) => received.push(JSON.parse(data.toString()) as Record<string, unknown>));
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`,
    received,
    urls,
    socket: () => {
      if (current === undefined) throw new Error('no connection yet');
      return current;
    },
    send: (frame) => current?.send(JSON.stringify(frame)),
    dropAll: () => {
      for (const c of wss.clients) c.terminate();
    },
    close: () =>
      new Promise((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

async function until(predicate: () => boolean, what = 'condition', timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what} not met in time`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('ProjectionClient against a scripted server', () => {
  let fake: Fake;
  let client: ProjectionClient;
  const statuses: ClientStatus[] = [];

  beforeEach(async () => {
    fake = await fakeServer();
    statuses.length = 0;
    client = new ProjectionClient({
      url: fake.url,
      channels: ['risk.state'],
      WebSocket,
      backoff: { initialMs: 20, maxMs: 100, factor: 2 },
      resyncTimeoutMs: 100,
    });
    client.on('status', (s) => statuses.push(s));
    await until(() => fake.urls.length === 1, 'connection');
    fake.send({ type: 'subscribed', channels: ['risk.state'] });
    fake.send({ type: 'snapshot', channel: 'risk.state', version: 10, state: { value: '1', list: [] } });
    await client.whenLive();
  });
  afterEach(async () => {
    client.close();
    await fake.close();
  });

  it('subscribes at connect time through the URL and goes live after the snapshot', () => {
    expect(fake.urls[0]).toBe('/ws?channels=risk.state');
    expect(client.version('risk.state')).toBe(10);
    expect(client.state('risk.state')).toEqual({ value: '1', list: [] });
    expect(statuses).toEqual(['live']);
  });

  it('applies a delta from its version, ignores an old one, and resyncs on a gap', async () => {
    const changes: number[] = [];
    client.on('change', (c) => changes.push(c.version));
    fake.send({ type: 'delta', channel: 'risk.state', from: 10, to: 12, ts: 't', ts_first: 't', ops: [{ op: 'add', path: '/list/0', value: 'a' }] });
    fake.send({ type: 'delta', channel: 'risk.state', from: 9, to: 11, ts: 't', ts_first: 't', ops: [{ op: 'replace', path: '/value', value: 'old' }] });
    fake.send({ type: 'delta', channel: 'risk.state', from: 14, to: 15, ts: 't', ts_first: 't', ops: [] });
    await until(() => fake.received.length === 1, 'resync request');
    expect(fake.received[0]).toEqual({ type: 'resync', channel: 'risk.state' });
    expect(client.state('risk.state')).toEqual({ value: '1', list: ['a'] });
    expect(client.status).toBe('resyncing');
    fake.send({ type: 'delta', channel: 'risk.state', from: 15, to: 16, ts: 't', ts_first: 't', ops: [] });
    fake.send({ type: 'snapshot', channel: 'risk.state', version: 16, state: { value: '2', list: [] } });
    await until(() => client.version('risk.state') === 16, 'snapshot applied');
    expect(client.status).toBe('live');
    expect(changes).toEqual([12, 16]);
  });

  it('resyncs when a heartbeat shows a version ahead of its own, even on a quiet channel', async () => {
    fake.send({ type: 'heartbeat', versions: { 'risk.state': 10, 'trade.results': 99 } });
    await new Promise((r) => setTimeout(r, 30));
    expect(fake.received).toEqual([]);
    fake.send({ type: 'heartbeat', versions: { 'risk.state': 11 } });
    await until(() => fake.received.length === 1, 'resync request');
    expect(fake.received[0]).toEqual({ type: 'resync', channel: 'risk.state' });
  });

  it('sends a resync again when no snapshot answers it', async () => {
    client.resync('risk.state');
    await until(() => fake.received.length >= 3, 'retries');
    expect(fake.received.every((m) => m.type === 'resync')).toBe(true);
    expect(client.stats.resyncRetries).toBeGreaterThanOrEqual(2);
  });

  it('resyncs instead of applying a patch that does not fit', async () => {
    fake.send({ type: 'delta', channel: 'risk.state', from: 10, to: 11, ts: 't', ts_first: 't', ops: [{ op: 'remove', path: '/missing' }] });
    await until(() => fake.received.length === 1, 'resync request');
    expect(client.version('risk.state')).toBe(10);
  });

  it('reconnects with backoff, resubscribes, and keeps the old state until the new snapshot', async () => {
    fake.dropAll();
    await until(() => fake.urls.length === 2, 'reconnection');
    expect(fake.urls[1]).toBe('/ws?channels=risk.state');
    expect(statuses).toContain('reconnecting');
    expect(client.state('risk.state')).toEqual({ value: '1', list: [] });
    fake.send({ type: 'subscribed', channels: ['risk.state'] });
    fake.send({ type: 'snapshot', channel: 'risk.state', version: 3, state: { value: 'new', list: [] } });
    await client.whenLive();
    expect(client.version('risk.state')).toBe(3);
    expect(client.stats.reconnects).toBe(1);
  });

  it('subscribes and unsubscribes later, and forgets unknown channels', async () => {
    client.subscribe(['trade.results', 'nope']);
    await until(() => fake.received.length === 1, 'subscribe');
    expect(fake.received[0]).toEqual({ type: 'subscribe', channels: ['trade.results', 'nope'] });
    fake.send({ type: 'error', code: 'unknown_channel', message: 'Unknown channel "nope"', channel: 'nope' });
    fake.send({ type: 'subscribed', channels: ['trade.results'] });
    fake.send({ type: 'snapshot', channel: 'trade.results', version: 1, state: { trades: [] } });
    await until(() => client.version('trade.results') === 1, 'second snapshot');
    expect(client.channels().sort()).toEqual(['risk.state', 'trade.results']);
    client.unsubscribe(['risk.state']);
    expect(client.state('risk.state')).toBeUndefined();
    fake.dropAll();
    await until(() => fake.urls.length === 2, 'reconnection');
    expect(fake.urls[1]).toBe('/ws?channels=trade.results');
  });
});
