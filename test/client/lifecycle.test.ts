import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { ProjectionClient, type ChannelChange, type ClientStatus } from '../../src/client';
import { scripted, scriptedServer, type Scripted } from './scriptedServer';

/**
 * The reference client's life around the sync rules: connecting, subscribing and
 * unsubscribing, server errors, reconnecting, going stale, closing. Black-box, through a
 * scripted server and the client's public API.
 */
const CH = 'risk.state';
const OTHER = 'trade.results';
const snapshot = (version: number, state: unknown, channel = CH) => ({ type: 'snapshot', channel, version, state });
const delta = (from: number, to: number, ops: unknown[], channel = CH) => ({ type: 'delta', channel, from, to, ts: 't', ts_first: 't', ops });

let s: Scripted;
afterEach(async () => {
  await s.close();
});

describe('connecting', () => {
  it('given channels, then they go in the URL, escaped, and the client is connecting until every snapshot is in', async () => {
    s = await scriptedServer({ channels: [CH, 'a b'] });
    const statuses: ClientStatus[] = [];
    s.client.on('status', (status) => statuses.push(status));
    await s.connections(1);
    expect(s.urls).toEqual(['/ws?channels=risk.state,a%20b']);
    await s.play({ type: 'subscribed', channels: [CH, 'a b'] });
    expect(s.client.channels()).toEqual([CH, 'a b']);
    expect(s.client.version(CH)).toBeUndefined();
    await s.play(snapshot(1, {}));
    expect(s.client.status).toBe('connecting');
    await s.play(snapshot(4, { n: 1 }, 'a b'));
    expect(statuses).toEqual(['live']);
    expect(s.client.stats).toEqual({ connects: 1, reconnects: 0, snapshots: 2, deltas: 0, heartbeats: 0, resyncs: 0, resyncRetries: 0, resumes: 0 });
  });

  it('given "*", then the URL asks for every channel', async () => {
    s = await scriptedServer({ channels: ['*', CH] });
    await s.connections(1);
    expect(s.urls).toEqual(['/ws?channels=*']);
  });

  it('given a URL with a query already, then the channels are appended to it', async () => {
    s = await scriptedServer({ autoConnect: false });
    const client = new ProjectionClient({ url: `${s.url}?token=x`, channels: [CH], WebSocket });
    await s.connections(1);
    client.close();
    expect(s.urls).toEqual(['/ws?token=x&channels=risk.state']);
  });

  it('given no channels, then the URL is the plain endpoint and the client is live once open', async () => {
    s = await scriptedServer();
    await s.connections(1);
    expect(s.urls).toEqual(['/ws']);
    await s.client.whenLive();
    expect(s.client.status).toBe('live');
    await s.client.whenLive();
  });

  it('given autoConnect false, then nothing connects until connect(), and connect() twice opens one socket', async () => {
    s = await scriptedServer({ channels: [CH], autoConnect: false });
    await new Promise((r) => setTimeout(r, 50));
    expect(s.urls).toEqual([]);
    s.client.connect();
    s.client.connect();
    await s.connections(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.urls).toHaveLength(1);
  });

  it('given a WebSocket constructor that throws, then the client retries later and stays connecting meanwhile', async () => {
    let made = 0;
    class FailsFirst extends WebSocket {
      constructor(url: string) {
        made += 1;
        if (made === 1) throw new Error('no network yet');
        super(url);
      }
    }
    s = await scriptedServer({ channels: [CH], WebSocket: FailsFirst, backoff: { initialMs: 10, maxMs: 10, factor: 1 } });
    const statuses: ClientStatus[] = [];
    s.client.on('status', (status) => statuses.push(status));
    await s.connections(1);
    expect(made).toBe(2);
    await s.play({ type: 'subscribed', channels: [CH] }, snapshot(1, {}));
    expect(statuses).toEqual(['live']);
  });

  it('given the server gone, then reconnect attempts back off: no more than two in the first 400 ms', async () => {
    let made = 0;
    class Counting extends WebSocket {
      constructor(url: string) {
        made += 1;
        super(url);
      }
    }
    s = await scripted([CH], { WebSocket: Counting, backoff: { initialMs: 100, maxMs: 10_000, factor: 10 } });
    await s.play(snapshot(1, {}));
    const before = made;
    await s.stopServer();
    await new Promise((r) => setTimeout(r, 400));
    expect(made - before).toBeGreaterThanOrEqual(1);
    expect(made - before).toBeLessThanOrEqual(2);
  });

  it('given no WebSocket class at all, then the constructor says what to pass', () => {
    s = { close: async () => undefined } as Scripted;
    expect(() => new ProjectionClient({ url: 'ws://127.0.0.1:1/ws', autoConnect: false })).toThrow(/No WebSocket class: pass options.WebSocket/);
  });
});

describe('subscribing and unsubscribing', () => {
  it('given a live client, when it subscribes to new and held channels, then only the new ones are asked for', async () => {
    s = await scripted([CH]);
    await s.play(snapshot(1, {}));
    s.client.subscribe([CH]);
    s.client.subscribe([CH, OTHER]);
    await s.barrier();
    expect(s.sent).toEqual([{ type: 'subscribe', channels: [OTHER] }]);
  });

  it('given two channels, when one is unsubscribed, then it is forgotten, the server is told, and its frames are ignored', async () => {
    s = await scripted([CH, OTHER]);
    await s.play(snapshot(1, { a: 1 }), snapshot(2, { b: 1 }, OTHER));
    s.client.unsubscribe([OTHER]);
    await s.barrier();
    expect(s.sent).toEqual([{ type: 'unsubscribe', channels: [OTHER] }]);
    expect(s.client.state(OTHER)).toBeUndefined();
    expect(s.client.version(OTHER)).toBeUndefined();
    expect(s.client.channels()).toEqual([CH]);
    await s.play(snapshot(3, { b: 2 }, OTHER), delta(2, 3, [], OTHER), { type: 'unsubscribed', channels: [OTHER] });
    expect(s.client.channels()).toEqual([CH]);
    expect(s.client.stats.snapshots).toBe(2);
    expect(s.client.status).toBe('live');
  });

  it('given "*", when a channel is unsubscribed, then a reconnect names the channels still held, not "*"', async () => {
    s = await scripted(['*'], { backoff: { initialMs: 5, maxMs: 5, factor: 1 } });
    await s.play({ type: 'subscribed', channels: [CH, OTHER] }, snapshot(1, {}), snapshot(1, {}, OTHER));
    s.client.subscribe([CH]);
    s.client.unsubscribe([OTHER]);
    s.drop();
    await s.connections(2);
    expect(s.urls[1]).toBe('/ws?channels=risk.state');
  });

  it('given the server unsubscribes a channel, then the client forgets it', async () => {
    s = await scripted([CH, OTHER]);
    await s.play(snapshot(1, {}), snapshot(1, {}, OTHER), { type: 'unsubscribed', channels: [OTHER] });
    expect(s.client.channels()).toEqual([CH]);
  });
});

describe('server errors', () => {
  it('given an unknown_channel error, then it is emitted and a reconnect no longer asks for that channel', async () => {
    s = await scripted([CH, 'nope'], { backoff: { initialMs: 5, maxMs: 5, factor: 1 } });
    const errors: unknown[] = [];
    s.client.on('serverError', (frame) => errors.push(frame));
    const frame = { type: 'error', code: 'unknown_channel', message: 'Unknown channel "nope"', channel: 'nope' };
    await s.play(frame, { type: 'error', code: 'unknown_channel', message: 'no channel named' });
    expect(errors).toEqual([frame, { type: 'error', code: 'unknown_channel', message: 'no channel named' }]);
    s.drop();
    await s.connections(2);
    expect(s.urls[1]).toBe('/ws?channels=risk.state');
  });

  it('given not_subscribed for a channel it wants, then it subscribes again; for one it does not want, it does not', async () => {
    s = await scripted([CH]);
    await s.play(snapshot(1, {}));
    await s.play({ type: 'error', code: 'not_subscribed', message: 'x', channel: CH });
    await s.barrier();
    expect(s.sent).toEqual([{ type: 'subscribe', channels: [CH] }]);
    await s.play({ type: 'error', code: 'not_subscribed', message: 'x', channel: OTHER }, { type: 'error', code: 'not_subscribed', message: 'x' });
    await s.play({ type: 'error', code: 'rate_limited', message: 'x', channel: CH });
    await s.barrier();
    expect(s.sent).toEqual([{ type: 'subscribe', channels: [CH] }]);
  });

  it('given a forbidden error for a channel, then a reconnect no longer asks for that channel', async () => {
    s = await scripted([CH, OTHER], { backoff: { initialMs: 5, maxMs: 5, factor: 1 } });
    await s.play({ type: 'error', code: 'forbidden', message: 'not covered by the token', channels: [OTHER] });
    s.drop();
    await s.connections(2);
    expect(s.urls[1]).toBe('/ws?channels=risk.state');
  });

  it('given an error of another code naming a channel, then the channel stays wanted across a reconnect', async () => {
    s = await scripted([CH], { backoff: { initialMs: 5, maxMs: 5, factor: 1 } });
    await s.play({ type: 'error', code: 'rate_limited', message: 'x', channel: CH }, { type: 'error', code: 'bad_request', message: 'x', channel: CH });
    s.drop();
    await s.connections(2);
    expect(s.urls[1]).toBe('/ws?channels=risk.state');
  });
});

describe('frames it cannot use', () => {
  it('given a binary frame or text that is not JSON, then it is ignored, even when its bytes hold a valid frame', async () => {
    s = await scripted([CH]);
    await s.play(snapshot(1, { a: 1 }));
    s.sendRaw(JSON.stringify(snapshot(5, { binary: true })), true);
    s.sendRaw('{"type":"snapshot",');
    await s.play(delta(1, 2, [{ op: 'replace', path: '/a', value: 2 }]));
    expect(s.client.state(CH)).toEqual({ a: 2 });
    expect(s.client.stats.snapshots).toBe(1);
  });

  it('given frames that are not JSON, or binary, or of an unknown type, or a pong, then nothing changes and it stays live', async () => {
    s = await scripted([CH]);
    await s.play(snapshot(1, { a: 1 }));
    const changes: ChannelChange[] = [];
    s.client.on('change', (c) => changes.push(c));
    await s.play({ type: 'pong' }, { type: 'mystery' }, snapshot(9, {}, 'not-subscribed'), delta(1, 2, [], 'not-subscribed'));
    await s.play(snapshot(2, { a: 2 }));
    expect(changes.map((c) => c.version)).toEqual([2]);
    expect(s.client.status).toBe('live');
  });
});

describe('events and counters', () => {
  it('given a snapshot then a delta, then change events carry channel, version, state, cause and the delta itself', async () => {
    s = await scripted([CH]);
    const changes: ChannelChange[] = [];
    s.client.on('change', (c) => changes.push(c));
    const d = delta(1, 2, [{ op: 'add', path: '/b', value: 2 }]);
    await s.play(snapshot(1, { a: 1 }), d, { type: 'heartbeat', versions: { [CH]: 2 } });
    expect(changes).toEqual([
      { channel: CH, version: 1, state: { a: 1 }, cause: 'snapshot' },
      { channel: CH, version: 2, state: { a: 1, b: 2 }, cause: 'delta', delta: d },
    ]);
    expect(s.client.stats).toEqual({ connects: 1, reconnects: 0, snapshots: 1, deltas: 1, heartbeats: 1, resyncs: 0, resyncRetries: 0, resumes: 0 });
  });

  it('given a listener removed with the function on() returned, then it hears nothing more', async () => {
    s = await scripted([CH]);
    const heard: number[] = [];
    const off = s.client.on('change', (c) => heard.push(c.version));
    await s.play(snapshot(1, {}));
    off();
    await s.play(snapshot(2, {}));
    expect(heard).toEqual([1]);
  });

  it('given resync() on a channel it does not hold, then nothing is sent', async () => {
    s = await scripted([CH]);
    await s.play(snapshot(1, {}));
    s.client.resync(OTHER);
    await s.barrier();
    expect(s.sent).toEqual([]);
    s.client.resync(CH);
    await s.barrier();
    expect(s.sent).toEqual([{ type: 'resync', channel: CH }]);
    expect(s.client.stats.resyncs).toBe(1);
  });
});

describe('reconnecting', () => {
  it('given a live client, when the connection drops, then it reconnects, subscribes again, and is live on the new snapshots', async () => {
    s = await scripted([CH], { backoff: { initialMs: 5, maxMs: 5, factor: 1 } });
    const statuses: ClientStatus[] = [];
    s.client.on('status', (status) => statuses.push(status));
    await s.play(snapshot(7, { a: 1 }));
    s.drop();
    await s.connections(2);
    expect(s.urls).toEqual(['/ws?channels=risk.state', '/ws?channels=risk.state']);
    expect(s.client.state(CH)).toEqual({ a: 1 });
    expect(s.client.version(CH)).toBe(7);
    // A delta from before the new snapshot is not applied: the channel waits for it.
    await s.play({ type: 'subscribed', channels: [CH] }, delta(7, 8, [{ op: 'add', path: '/b', value: 1 }]));
    expect(s.client.state(CH)).toEqual({ a: 1 });
    expect(s.client.status).toBe('reconnecting');
    await s.play(snapshot(2, { fresh: true }));
    expect(s.client.state(CH)).toEqual({ fresh: true });
    expect(s.client.version(CH)).toBe(2);
    expect(statuses).toEqual(['live', 'reconnecting', 'live']);
    expect(s.client.stats).toMatchObject({ connects: 2, reconnects: 1, snapshots: 2 });
  });

  it('given a resync waiting when the connection drops, then the new connection\'s snapshot answers it and no retry follows', async () => {
    s = await scripted([CH], { backoff: { initialMs: 5, maxMs: 5, factor: 1 }, resyncTimeoutMs: 80 });
    await s.play(snapshot(7, {}), delta(9, 10, []));
    await s.sentAtLeast(1);
    s.drop();
    await s.connections(2);
    await s.play({ type: 'subscribed', channels: [CH] }, snapshot(10, {}));
    await new Promise((r) => setTimeout(r, 200));
    await s.barrier();
    expect(s.sent).toEqual([{ type: 'resync', channel: CH }]);
    expect(s.client.stats.resyncRetries).toBe(0);
  });

  it('given no frame at all for longer than staleAfterMs, then the client drops the connection and makes a new one', async () => {
    s = await scripted([CH], { staleAfterMs: 300, backoff: { initialMs: 5, maxMs: 5, factor: 1 } });
    await s.play(snapshot(1, {}));
    const lastFrameAt = Date.now();
    await s.connections(2, 3_000);
    // Checked every max(250, staleAfterMs / 4) ms: dropped between 300 and about 550 ms after the last frame.
    expect(Date.now() - lastFrameAt).toBeLessThan(1_000);
    expect(s.closes[0]).toEqual({ code: 4000, reason: 'no frames' });
  });

  it('given frames keep coming, then the connection is kept however long', async () => {
    s = await scripted([CH], { staleAfterMs: 300 });
    await s.play(snapshot(1, {}));
    for (let i = 0; i < 8; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      await s.play({ type: 'heartbeat', versions: { [CH]: 1 } });
    }
    expect(s.urls).toHaveLength(1);
  });
});

describe('status', () => {
  it('given whenLive() asked while connecting, when the client is closed instead, then it never resolves', async () => {
    s = await scriptedServer({ channels: [CH] });
    const live = s.client.whenLive().then(() => 'live');
    await s.connections(1);
    s.client.close();
    expect(await Promise.race([live, new Promise((r) => setTimeout(() => r('still waiting'), 100))])).toBe('still waiting');
  });

  it('given a dropped connection, when a channel is unsubscribed before the reconnect, then the client is still reconnecting, not live', async () => {
    s = await scripted([CH], { backoff: { initialMs: 300, maxMs: 300, factor: 1 } });
    await s.play(snapshot(1, {}));
    s.drop();
    await new Promise<void>((resolve) => s.client.on('status', (status) => status === 'reconnecting' && resolve()));
    s.client.unsubscribe([CH]);
    expect(s.client.status).toBe('reconnecting');
  });

  it('given a live client, when whenLive() is asked, then it resolves at once', async () => {
    s = await scripted([CH]);
    await s.play(snapshot(1, {}));
    let resolved = false;
    void s.client.whenLive().then(() => {
      resolved = true;
    });
    await Promise.resolve();
    expect(resolved).toBe(true);
  });

  it('given a client still connecting, when it unsubscribes, then it stays connecting', async () => {
    s = await scriptedServer({ channels: [CH], autoConnect: false });
    const statuses: ClientStatus[] = [];
    s.client.on('status', (status) => statuses.push(status));
    s.client.unsubscribe([CH]);
    expect(s.client.status).toBe('connecting');
    expect(statuses).toEqual([]);
  });

  it('given a closed client, when it unsubscribes, then it stays closed', async () => {
    s = await scripted([CH]);
    await s.play(snapshot(1, {}));
    s.client.close();
    s.client.unsubscribe([CH]);
    expect(s.client.status).toBe('closed');
  });

  it('given a listener never added, when it is removed, then nothing happens', async () => {
    s = await scripted([CH]);
    expect(() => s.client.off('serverError', () => undefined)).not.toThrow();
  });
});

describe('closing', () => {
  it('given a live client, when close() is called, then the socket closes with 1000, the status is closed, and it never reconnects', async () => {
    s = await scripted([CH], { backoff: { initialMs: 5, maxMs: 5, factor: 1 } });
    await s.play(snapshot(1, {}));
    const statuses: ClientStatus[] = [];
    s.client.on('status', (status) => statuses.push(status));
    s.client.close();
    // The server sees the close when the machine gets to it: wait for it, then as long again for a reconnect that must not come.
    const closedAt = Date.now();
    while (s.closes.length === 0 && Date.now() - closedAt < 3_000) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 100));
    expect(s.closes).toEqual([{ code: 1000, reason: 'client closed' }]);
    expect(statuses).toEqual(['closed']);
    expect(s.urls).toHaveLength(1);
    s.client.connect();
    s.client.subscribe([OTHER]);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.urls).toHaveLength(1);
    expect(s.client.status).toBe('closed');
  });
});
