import { afterEach, describe, expect, it } from 'vitest';
import type { ClientStatus, Denial } from '../../src/client';
import { reactionToClose } from '../../src/client/closeCodes';
import { scripted, scriptedServer, type Scripted } from './scriptedServer';

/**
 * The reference client across connections: the log epoch and resume (PROTOCOL.md §3), the
 * access token and its refresh, and the close codes that stop it or slow it down (§4).
 * Black-box, through a scripted server and the client's public API.
 */
const CH = 'risk.state';
const OTHER = 'trade.results';
const FAST = { backoff: { initialMs: 5, maxMs: 5, factor: 1 } };
const snapshot = (version: number, state: unknown, channel = CH) => ({ type: 'snapshot', channel, version, state });
const delta = (from: number, to: number, ops: unknown[], channel = CH) => ({ type: 'delta', channel, from, to, ts: 't', ts_first: 't', ops });
const add = (path: string, value: unknown) => ({ op: 'add', path, value });

let s: Scripted;
afterEach(async () => {
  await s.close();
});

/** A client that held `channels` at the versions given, in epoch `epoch`, and whose connection then dropped. */
async function reconnectedHolding(epoch: string, held: Record<string, number>): Promise<Scripted> {
  const channels = Object.keys(held);
  s = await scriptedServer({ channels, ...FAST });
  await s.connections(1);
  await s.play({ type: 'subscribed', channels, epoch }, ...channels.map((c) => snapshot(held[c] as number, { at: held[c] }, c)));
  s.drop();
  await s.connections(2);
  return s;
}

describe('resume: the reconnect URL says where the client stands', () => {
  it('given channels held in epoch "e 1", when the connection drops, then the reconnect URL carries the epoch escaped and each channel at its version', async () => {
    await reconnectedHolding('e 1', { [CH]: 10, [OTHER]: 4 });
    expect(s.urls).toEqual([
      '/ws?channels=risk.state,trade.results',
      '/ws?channels=risk.state,trade.results&epoch=e%201&since=risk.state:10,trade.results:4',
    ]);
  });

  it('given a server that never named an epoch, when the connection drops, then the reconnect URL asks for snapshots only', async () => {
    s = await scripted([CH], FAST);
    await s.play(snapshot(10, {}));
    s.drop();
    await s.connections(2);
    expect(s.urls[1]).toBe('/ws?channels=risk.state');
  });

  it('given one channel held and one still waiting for its first snapshot, when the connection drops, then only the held one is in since', async () => {
    s = await scriptedServer({ channels: [CH, OTHER], ...FAST });
    await s.connections(1);
    await s.play({ type: 'subscribed', channels: [CH, OTHER], epoch: 'e1' }, snapshot(10, {}));
    s.drop();
    await s.connections(2);
    expect(s.urls[1]).toBe('/ws?channels=risk.state,trade.results&epoch=e1&since=risk.state:10');
  });
});

describe('resume: the URL when nothing can be resumed', () => {
  it('given an epoch known but no channel holding a state yet, when the connection drops, then the reconnect URL asks for snapshots only', async () => {
    s = await scriptedServer({ channels: [CH], ...FAST });
    await s.connections(1);
    await s.play({ type: 'subscribed', channels: [CH], epoch: 'e1' });
    s.drop();
    await s.connections(2);
    expect(s.urls[1]).toBe('/ws?channels=risk.state');
  });

  it('given an epoch known, when a heartbeat without an epoch comes, then the epoch is kept for the reconnect', async () => {
    s = await scriptedServer({ channels: [CH], ...FAST });
    await s.connections(1);
    await s.play({ type: 'subscribed', channels: [CH], epoch: 'e1' }, snapshot(10, {}), { type: 'heartbeat', versions: { [CH]: 10 } });
    s.drop();
    await s.connections(2);
    expect(s.urls[1]).toBe('/ws?channels=risk.state&epoch=e1&since=risk.state:10');
  });
});

describe('resume: what the server answers decides whether a snapshot is awaited', () => {
  it('given risk.state held at 10 in e1, when subscribed says e1 and resumed at 10, then the client is live without a snapshot and the next delta from 10 applies', async () => {
    await reconnectedHolding('e1', { [CH]: 10 });
    await s.play({ type: 'subscribed', channels: [CH], epoch: 'e1', resumed: { [CH]: 10 } });
    expect(s.client.status).toBe('live');
    expect(s.client.stats.resumes).toBe(1);
    await s.play(delta(10, 11, [add('/b', 2)]));
    expect(s.client.state(CH)).toEqual({ at: 10, b: 2 });
    expect(s.client.version(CH)).toBe(11);
    expect(s.client.stats.snapshots).toBe(1);
  });

  it.each([
    ['another epoch', { epoch: 'e2', resumed: { [CH]: 10 } }],
    ['no epoch at all', { resumed: { [CH]: 10 } }],
    ['resumed at another version', { epoch: 'e1', resumed: { [CH]: 9 } }],
    ['no resumed member', { epoch: 'e1' }],
    ['resumed naming another channel only', { epoch: 'e1', resumed: { [OTHER]: 10 } }],
  ])('given risk.state held at 10 in e1, when subscribed answers with %s, then nothing is resumed and deltas wait for the snapshot', async (_label, answer) => {
    await reconnectedHolding('e1', { [CH]: 10 });
    await s.play({ type: 'subscribed', channels: [CH], ...answer }, delta(10, 11, [add('/b', 2)]));
    expect(s.client.status).toBe('reconnecting');
    expect(s.client.stats.resumes).toBe(0);
    expect(s.client.state(CH)).toEqual({ at: 10 });
    await s.play(snapshot(20, { fresh: true }));
    expect(s.client.status).toBe('live');
    expect(s.client.version(CH)).toBe(20);
  });

  it('given a resume already taken, when a second subscribed names the channel again, then it is not counted as another resume', async () => {
    await reconnectedHolding('e1', { [CH]: 10 });
    await s.play({ type: 'subscribed', channels: [CH], epoch: 'e1', resumed: { [CH]: 10 } });
    await s.play({ type: 'subscribed', channels: [CH], epoch: 'e1', resumed: { [CH]: 10 } });
    expect(s.client.stats.resumes).toBe(1);
    expect(s.client.status).toBe('live');
  });

  it('given a channel subscribed on this connection with no state yet, when subscribed lists it as resumed, then it still waits for its first snapshot', async () => {
    s = await scriptedServer({ channels: [CH], ...FAST });
    await s.connections(1);
    await s.play({ type: 'subscribed', channels: [CH], epoch: 'e1' });
    await s.play({ type: 'subscribed', channels: [CH], epoch: 'e1', resumed: { [CH]: 0 } });
    expect(s.client.stats.resumes).toBe(0);
    expect(s.client.status).toBe('connecting');
    expect(s.client.version(CH)).toBeUndefined();
  });
});

describe('epochs in heartbeats', () => {
  it('given channels held in e1, when a heartbeat of e2 shows the same versions, then every held channel resyncs', async () => {
    s = await scriptedServer({ channels: [CH, OTHER], ...FAST });
    await s.connections(1);
    await s.play({ type: 'subscribed', channels: [CH, OTHER], epoch: 'e1' }, snapshot(10, {}), snapshot(4, {}, OTHER));
    await s.play({ type: 'heartbeat', epoch: 'e2', versions: { [CH]: 10, [OTHER]: 4 } });
    await s.barrier();
    expect(s.sent).toEqual([
      { type: 'resync', channel: CH },
      { type: 'resync', channel: OTHER },
    ]);
  });

  it('given two channels held in e1, when a heartbeat of e2 names only one, then only that one resyncs', async () => {
    s = await scriptedServer({ channels: [CH, OTHER], ...FAST });
    await s.connections(1);
    await s.play({ type: 'subscribed', channels: [CH, OTHER], epoch: 'e1' }, snapshot(10, {}), snapshot(4, {}, OTHER));
    await s.play({ type: 'heartbeat', epoch: 'e2', versions: { [OTHER]: 4 } });
    await s.barrier();
    expect(s.sent).toEqual([{ type: 'resync', channel: OTHER }]);
  });

  it('given channels held in e1, when heartbeats of e1, or with no epoch, show the same versions, then nothing is sent', async () => {
    s = await scriptedServer({ channels: [CH], ...FAST });
    await s.connections(1);
    await s.play({ type: 'subscribed', channels: [CH], epoch: 'e1' }, snapshot(10, {}));
    await s.play({ type: 'heartbeat', epoch: 'e1', versions: { [CH]: 10 } }, { type: 'heartbeat', versions: { [CH]: 10 } });
    await s.barrier();
    expect(s.sent).toEqual([]);
    expect(s.client.stats.heartbeats).toBe(2);
  });

  it('given a heartbeat of e2 taken, when the connection drops, then the reconnect resumes from e2', async () => {
    s = await scriptedServer({ channels: [CH], ...FAST });
    await s.connections(1);
    await s.play({ type: 'subscribed', channels: [CH], epoch: 'e1' }, snapshot(10, {}));
    await s.play({ type: 'heartbeat', epoch: 'e2', versions: { [CH]: 3 } }, snapshot(3, {}));
    s.drop();
    await s.connections(2);
    expect(s.urls[1]).toBe('/ws?channels=risk.state&epoch=e2&since=risk.state:3');
  });
});

describe('the access token', () => {
  it('given a token, then it is offered as the subprotocol bearer.<token> next to pm-arb.v1, never in the URL; given none, no subprotocol is offered', async () => {
    s = await scripted([CH], { token: 'abc' });
    expect(s.protocols).toEqual([['pm-arb.v1', 'bearer.abc']]);
    expect(s.urls[0]).toBe('/ws?channels=risk.state');
    await s.close();
    s = await scripted([CH]);
    expect(s.protocols).toEqual([[]]);
  });

  it('given a live client, when refresh() is called, then the new token is sent at once and the next connection offers it', async () => {
    s = await scripted([CH], { token: 'old', ...FAST });
    await s.play(snapshot(1, {}));
    s.client.refresh('new');
    await s.sentAtLeast(1);
    expect(s.sent).toEqual([{ type: 'refresh', token: 'new' }]);
    s.drop();
    await s.connections(2);
    expect(s.protocols[1]).toEqual(['pm-arb.v1', 'bearer.new']);
  });
});

describe('close codes', () => {
  it.each([
    [4401, 'token expired'],
    [4403, 'origin not allowed'],
  ])('given a live client, when the server closes with %i, then the client is denied, says why, and never reconnects', async (code, reason) => {
    s = await scripted([CH], { token: 't', ...FAST });
    await s.play(snapshot(1, {}));
    const statuses: ClientStatus[] = [];
    const denials: Denial[] = [];
    s.client.on('status', (status) => statuses.push(status));
    s.client.on('denied', (why) => denials.push(why));
    s.closeWith(code, reason);
    await until(() => denials.length > 0);
    await new Promise((r) => setTimeout(r, 100));
    expect(denials).toEqual([{ code, reason }]);
    expect(s.client.denied).toEqual({ code, reason });
    expect(statuses).toEqual(['denied']);
    expect(s.client.status).toBe('denied');
    expect(s.urls).toHaveLength(1);
    s.client.connect();
    s.client.resync(CH);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.urls).toHaveLength(1);
    expect(s.client.status).toBe('denied');
  });

  it('given a client denied before it was ever live, when refresh() gives a new token, then it connects again with it, connecting, and goes live', async () => {
    s = await scripted([CH], { token: 'bad', ...FAST });
    const statuses: ClientStatus[] = [];
    s.client.on('status', (status) => statuses.push(status));
    s.closeWith(4401, 'bad token');
    await until(() => s.client.status === 'denied');
    s.client.refresh('good');
    expect(s.client.denied).toBeUndefined();
    expect(s.client.status).toBe('connecting');
    await s.connections(2);
    expect(s.protocols[1]).toEqual(['pm-arb.v1', 'bearer.good']);
    await s.play({ type: 'subscribed', channels: [CH] }, snapshot(1, {}));
    expect(statuses).toEqual(['denied', 'connecting', 'live']);
    // The denial was not a message to send: nothing went to the server before the new connection.
    expect(s.sent).toEqual([]);
  });

  it('given a client denied after it was live, when refresh() gives a new token, then it is reconnecting', async () => {
    s = await scripted([CH], { token: 'old', ...FAST });
    await s.play(snapshot(1, {}));
    s.closeWith(4401, 'expired');
    await until(() => s.client.status === 'denied');
    s.client.refresh('new');
    expect(s.client.status).toBe('reconnecting');
    await s.connections(2);
  });

  it('given a resync waiting, when the server denies the client, then the resync is not sent again', async () => {
    s = await scripted([CH], { token: 't', resyncTimeoutMs: 40, ...FAST });
    await s.play(snapshot(10, {}), delta(12, 13, []));
    await s.sentAtLeast(1);
    s.closeWith(4401, 'expired');
    await until(() => s.client.status === 'denied');
    // Retries sent before the denial arrived (a slow machine) are not the point: none may follow it.
    const retriesAtDenial = s.client.stats.resyncRetries;
    await new Promise((r) => setTimeout(r, 150));
    expect(s.client.stats.resyncRetries).toBe(retriesAtDenial);
  });

  it('given a live client, when the server closes with 4429, then the next try waits at least as long as backoff attempt 5', async () => {
    // Attempt 5 with 20 ms doubling: a ceiling of 640 ms, so at least 320 ms; a plain drop waits at most 20 ms.
    s = await scripted([CH], { backoff: { initialMs: 20, maxMs: 10_000, factor: 2 } });
    await s.play(snapshot(1, {}));
    const closedAt = Date.now();
    s.closeWith(4429, 'too many');
    await s.connections(2, 3_000);
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(300);
    expect(s.client.status).toBe('reconnecting');
  });

  it('given a live client, when the server closes with another code, then it reconnects and takes snapshots again', async () => {
    s = await scripted([CH], FAST);
    await s.play(snapshot(1, {}));
    s.closeWith(1012, 'restart');
    await s.connections(2, 3_000);
    expect(s.client.denied).toBeUndefined();
    await s.play({ type: 'subscribed', channels: [CH] }, snapshot(5, { again: true }));
    expect(s.client.status).toBe('live');
  });
});

describe('reactionToClose', () => {
  it('given 4401 or 4403, then the client stops; given 4429, it waits as long as backoff attempt 5; given any other code, it reconnects as usual', () => {
    expect(reactionToClose(4401)).toEqual({ stop: true });
    expect(reactionToClose(4403)).toEqual({ stop: true });
    expect(reactionToClose(4429)).toEqual({ stop: false, minAttempt: 5 });
    for (const code of [1000, 1001, 1006, 1008, 1012, 4000, 4400, 4402, 4404, 4428, 4430]) expect(reactionToClose(code)).toEqual({ stop: false, minAttempt: 0 });
  });
});

async function until(predicate: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
