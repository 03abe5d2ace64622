import { afterEach, describe, expect, it } from 'vitest';
import { scripted, type Scripted } from './scriptedServer';

/**
 * The reference client against hand-written frame sequences, one test per rule of "Keeping a
 * document in sync" (README) / PROTOCOL.md. Each sequence is one a real server may send, or
 * one it must never make a client get wrong: the real server never sends a delta that
 * straddles a snapshot, so only a scripted one can check that the client would cope.
 */
const CH = 'risk.state';
const OTHER = 'trade.results';

const snapshot = (version: number, state: unknown, channel = CH) => ({ type: 'snapshot', channel, version, state });
const delta = (from: number, to: number, ops: unknown[], channel = CH) => ({
  type: 'delta',
  channel,
  from,
  to,
  ts: '2026-11-26T02:47:30.123Z',
  ts_first: '2026-11-26T02:47:30.101Z',
  ops,
});
const heartbeat = (versions: Record<string, number>) => ({ type: 'heartbeat', versions });
const replace = (path: string, value: unknown) => ({ op: 'replace', path, value });
const resync = (channel = CH) => ({ type: 'resync', channel });

let s: Scripted;
afterEach(async () => {
  await s.close();
});

/** A client holding `{ value: 'a', list: [] }` at version 10 on risk.state. */
async function synced(options = {}): Promise<Scripted> {
  s = await scripted([CH], { resyncTimeoutMs: 60_000, ...options });
  await s.play(snapshot(10, { value: 'a', list: [] }));
  return s;
}

describe('rule 1: a snapshot sets state and version and ends the wait', () => {
  it('given a subscribed channel, when its snapshot arrives, then the client holds it and is live', async () => {
    s = await scripted([CH]);
    expect(s.client.version(CH)).toBeUndefined();
    expect(s.client.status).toBe('connecting');
    await s.play(snapshot(7, { value: 'x' }));
    expect(s.client.state(CH)).toEqual({ value: 'x' });
    expect(s.client.version(CH)).toBe(7);
    expect(s.client.status).toBe('live');
  });

  it('given a client waiting after a gap, when the snapshot comes, then it replaces the state whatever its version and deltas apply again', async () => {
    await synced();
    await s.play(delta(12, 13, []));
    expect(s.client.status).toBe('resyncing');
    await s.play(snapshot(5, { value: 'fresh', list: [] }), delta(5, 6, [replace('/value', 'next')]));
    expect(s.client.state(CH)).toEqual({ value: 'next', list: [] });
    expect(s.client.version(CH)).toBe(6);
    expect(s.client.status).toBe('live');
  });
});

describe('rule 2: a delta while waiting for a snapshot is dropped', () => {
  it('given a resync sent, when a delta that would fit the old version arrives, then it is not applied and no second resync goes', async () => {
    await synced();
    await s.play(delta(11, 12, []));
    await s.play(delta(10, 11, [replace('/value', 'b')]), delta(12, 13, [replace('/value', 'c')]));
    await s.barrier();
    expect(s.sent).toEqual([resync()]);
    expect(s.client.state(CH)).toEqual({ value: 'a', list: [] });
    expect(s.client.version(CH)).toBe(10);
  });
});

describe('rule 3: a delta with to <= version is already included', () => {
  it('given a snapshot at 10, when a delta 8→10 arrives (a straddling one it already holds), then it is dropped without a resync', async () => {
    await synced();
    await s.play(delta(8, 10, [replace('/value', 'old')]));
    await s.barrier();
    expect(s.sent).toEqual([]);
    expect(s.client.state(CH)).toEqual({ value: 'a', list: [] });
    expect(s.client.status).toBe('live');
  });

  it('given a snapshot at 10, when a stale delta 3→7 arrives, then it is dropped without a resync', async () => {
    await synced();
    await s.play(delta(3, 7, [replace('/value', 'stale')]));
    await s.barrier();
    expect(s.sent).toEqual([]);
    expect(s.client.version(CH)).toBe(10);
    expect(s.client.state(CH)).toEqual({ value: 'a', list: [] });
  });
});

describe('rule 4: a delta from the held version is applied and its to taken', () => {
  it('given version 10, when deltas 10→13 and 13→14 arrive, then both apply in turn and each change is emitted', async () => {
    await synced();
    const changes: [number, unknown, string][] = [];
    s.client.on('change', (c) => changes.push([c.version, c.state, c.cause]));
    await s.play(delta(10, 13, [{ op: 'add', path: '/list/-', value: 1 }, replace('/value', 'b')]), delta(13, 14, [{ op: 'remove', path: '/list/0' }]));
    expect(changes).toEqual([
      [13, { value: 'b', list: [1] }, 'delta'],
      [14, { value: 'b', list: [] }, 'delta'],
    ]);
    expect(s.client.version(CH)).toBe(14);
    expect(s.client.stats.deltas).toBe(2);
  });

  it('given version 10, when a delta with no ops 10→11 arrives, then only the version moves', async () => {
    await synced();
    await s.play(delta(10, 11, []));
    expect(s.client.version(CH)).toBe(11);
    expect(s.client.state(CH)).toEqual({ value: 'a', list: [] });
  });
});

describe('rule 5: a delta from any other version is a gap: resync, then wait', () => {
  it('given a snapshot at 10, when a delta 9→12 straddles it, then the client resyncs instead of applying it', async () => {
    await synced();
    await s.play(delta(9, 12, [replace('/value', 'straddled')]));
    await s.sentAtLeast(1);
    expect(s.sent).toEqual([resync()]);
    expect(s.client.state(CH)).toEqual({ value: 'a', list: [] });
    expect(s.client.version(CH)).toBe(10);
    expect(s.client.status).toBe('resyncing');
  });

  it('given version 10, when a delta 11→12 skips one, then the client resyncs, and the snapshot brings it back live', async () => {
    await synced();
    await s.play(delta(11, 12, [replace('/value', 'skipped')]));
    await s.sentAtLeast(1);
    expect(s.sent).toEqual([resync()]);
    await s.play(snapshot(12, { value: 'c', list: [] }));
    expect(s.client.status).toBe('live');
    expect(s.client.state(CH)).toEqual({ value: 'c', list: [] });
  });

  it('given a resync with no answer, when the timeout passes, then the client sends it again until the snapshot comes', async () => {
    await synced({ resyncTimeoutMs: 40 });
    await s.play(delta(11, 12, []));
    await s.sentAtLeast(3);
    expect(s.sent.slice(0, 3)).toEqual([resync(), resync(), resync()]);
    expect(s.client.stats.resyncRetries).toBeGreaterThanOrEqual(2);
    await s.play(snapshot(12, { value: 'c', list: [] }));
    const after = s.sent.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    await s.barrier();
    expect(s.sent.length).toBe(after);
    expect(s.client.status).toBe('live');
  });

  it('given two channels, when one has a gap, then only that one resyncs and the other keeps applying deltas', async () => {
    s = await scripted([CH, OTHER], { resyncTimeoutMs: 60_000 });
    await s.play(snapshot(10, { value: 'a' }), snapshot(3, { n: 0 }, OTHER));
    await s.play(delta(11, 12, []), delta(3, 4, [replace('/n', 1)], OTHER));
    await s.barrier();
    expect(s.sent).toEqual([resync()]);
    expect(s.client.state(OTHER)).toEqual({ n: 1 });
  });
});

describe('rule 6: a heartbeat ahead of a channel means a missed delta', () => {
  it('given version 10, when a heartbeat says 11, then the client resyncs', async () => {
    await synced();
    await s.play(heartbeat({ [CH]: 11 }));
    await s.sentAtLeast(1);
    expect(s.sent).toEqual([resync()]);
    expect(s.client.status).toBe('resyncing');
  });

  it('given version 10, when heartbeats say 10, then 9, or name only other channels, then nothing is sent', async () => {
    await synced();
    await s.play(heartbeat({ [CH]: 10 }), heartbeat({ [CH]: 9 }), heartbeat({ [OTHER]: 500 }));
    await s.barrier();
    expect(s.sent).toEqual([]);
    expect(s.client.status).toBe('live');
    expect(s.client.stats.heartbeats).toBe(3);
  });

  it('given a channel already waiting for its snapshot, when a heartbeat ahead comes, then no second resync is sent', async () => {
    await synced();
    await s.play(delta(11, 12, []));
    await s.play(heartbeat({ [CH]: 20 }));
    await s.barrier();
    expect(s.sent).toEqual([resync()]);
  });
});

describe('rule 7: a patch that does not apply is a gap', () => {
  it.each([
    ['replace of a member that is not there', [replace('/missing', 1)]],
    ['remove of a member that is not there', [{ op: 'remove', path: '/missing' }]],
    ['a path through a missing member', [{ op: 'add', path: '/nope/x', value: 1 }]],
    ['an array index past the end', [{ op: 'add', path: '/list/5', value: 1 }]],
    ['an add without a value', [{ op: 'add', path: '/extra' }]],
    ['a replace without a value', [{ op: 'replace', path: '/value' }]],
    ['an unknown op', [{ op: 'move', from: '/value', path: '/moved' }]],
  ])('given version 10, when a delta 10→11 carries %s, then nothing of it is applied and the client resyncs', async (_label, ops) => {
    await synced();
    await s.play(delta(10, 11, [replace('/value', 'half-applied'), ...ops]));
    await s.sentAtLeast(1);
    expect(s.sent).toEqual([resync()]);
    expect(s.client.state(CH)).toEqual({ value: 'a', list: [] });
    expect(s.client.version(CH)).toBe(10);
  });
});
