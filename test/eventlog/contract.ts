import { expect, it } from 'vitest';
import type { EventBus } from '../../src/bus';
import { LEGACY_DEDUP_WINDOW_MS, type EventLog } from '../../src/eventlog';

/** A log under test, with the bus its appends publish on, and a way to let a clock move (memory) or wait (Redis). */
export interface LogUnderTest {
  readonly log: EventLog;
  readonly bus: EventBus;
  /** Lets `ms` pass for the log's dedup window. */
  advance(ms: number): Promise<void>;
}

const v1 = (agent: string, run: string, seq: number): string =>
  JSON.stringify({ v: 1, id: `${agent}:${run}:${seq}`, agent, seq, ts: '2026-01-01T00:00:00.000Z', type: 'agent.heartbeat', data: {} });

/** The rules every log adapter keeps: the same cases run against the memory log and the Redis log. */
export function logContract(make: () => Promise<LogUnderTest>): void {
  it('gives appends the positions 1, 2, 3, … and reads them back in order with the exact bytes and a time', async () => {
    const { log } = await make();
    const before = Date.now();
    expect(await log.append({ channel: 'risk.state', message: 'a' })).toMatchObject({ outcome: 'appended', pos: 1 });
    expect(await log.append({ channel: 'trade.results', message: Buffer.from([0x7b, 0xff, 0x7d]) })).toMatchObject({ outcome: 'appended', pos: 2 });
    expect(await log.append({ channel: 'risk.state', message: 'c' })).toMatchObject({ outcome: 'appended', pos: 3 });
    const read = await log.read(0, 10, 0);
    expect(read.head).toBe(3);
    expect(read.entries.map((e) => [e.pos, e.channel, e.message.toString('hex')])).toEqual([
      [1, 'risk.state', Buffer.from('a').toString('hex')],
      [2, 'trade.results', '7bff7d'],
      [3, 'risk.state', Buffer.from('c').toString('hex')],
    ]);
    for (const entry of read.entries) expect(entry.time).toBeGreaterThanOrEqual(before - 1000);
    expect((await log.read(1, 1, 0)).entries.map((e) => e.pos)).toEqual([2]);
    expect((await log.read(3, 10, 0)).entries).toEqual([]);
  });

  it('appends a batch in order in one call, with the same rules as one by one', async () => {
    const { log } = await make();
    await log.append({ channel: 'agent.updates', message: v1('a', 'r', 1), run: 'a:r', seq: 1 });
    const outcomes = await log.appendMany([
      { channel: 'agent.updates', message: v1('a', 'r', 2), run: 'a:r', seq: 2 },
      { channel: 'agent.updates', message: v1('a', 'r', 1), run: 'a:r', seq: 1 },
      { channel: 'risk.state', message: 'legacy' },
      { channel: 'risk.state', message: 'legacy' },
      { channel: 'agent.updates', message: v1('a', 'r', 3), run: 'a:r', seq: 3 },
    ]);
    expect(outcomes.map((o) => (o.outcome === 'appended' ? o.pos : o.outcome))).toEqual([2, 'duplicate', 3, 'duplicate', 4]);
    expect(new Set(outcomes.map((o) => o.epoch)).size).toBe(1);
    expect((await log.read(0, 10, 0)).entries.map((e) => e.channel)).toEqual(['agent.updates', 'agent.updates', 'risk.state', 'agent.updates']);
    expect(await log.appendMany([])).toEqual([]);
  });

  it('given a batch interleaving two new runs with repeats, then later calls continue from its head and from each run’s last seq', async () => {
    const { log } = await make();
    const event = (run: string, seq: number) => ({ channel: 'agent.updates', message: v1('a', run, seq), run: `a:${run}`, seq });
    const batch = await log.appendMany([event('x', 1), event('y', 4), event('x', 1), event('x', 2), event('y', 4), event('y', 3), event('y', 5)]);
    expect(batch.map((o) => (o.outcome === 'appended' ? o.pos : o.outcome))).toEqual([1, 2, 'duplicate', 3, 'duplicate', 'duplicate', 4]);
    const next = await log.appendMany([event('x', 2), event('y', 5), event('y', 6), event('x', 3)]);
    expect(next.map((o) => (o.outcome === 'appended' ? o.pos : o.outcome))).toEqual(['duplicate', 'duplicate', 5, 6]);
    expect(await log.append(event('x', 3))).toMatchObject({ outcome: 'duplicate' });
    expect(await log.append({ channel: 'risk.state', message: 'legacy' })).toMatchObject({ outcome: 'appended', pos: 7 });
    expect((await log.bounds()).head).toBe(7);
  });

  it('keeps one epoch for the life of the log, the same for every append and read', async () => {
    const { log } = await make();
    const bounds = await log.bounds();
    expect(bounds).toEqual({ epoch: expect.stringMatching(/^[0-9a-f]{16}$/) as string, head: 0, first: 1 });
    const appended = await log.append({ channel: 'risk.state', message: 'x' });
    expect(appended.epoch).toBe(bounds.epoch);
    expect((await log.read(0, 1, 0)).epoch).toBe(bounds.epoch);
    expect(await log.bounds()).toEqual({ epoch: bounds.epoch, head: 1, first: 1 });
  });

  it('refuses a v1 event whose seq is at or below the last logged for its run, and accepts a jump', async () => {
    const { log } = await make();
    const append = (seq: number, run = 'r1') => log.append({ channel: 'agent.updates', message: v1('a', run, seq), run: `a:${run}`, seq });
    expect((await append(1)).outcome).toBe('appended');
    expect((await append(1)).outcome).toBe('duplicate');
    expect((await append(5)).outcome).toBe('appended');
    expect((await append(3)).outcome).toBe('duplicate');
    expect((await append(1, 'r2')).outcome).toBe('appended');
    expect((await log.read(0, 10, 0)).entries).toHaveLength(3);
  });

  it('refuses a legacy message identical to one appended within the dedup window, on the same channel only', async () => {
    const { log, advance } = await make();
    const legacy = '{"agent":"risk-guardian","type":"state_update","data":{}}';
    expect((await log.append({ channel: 'risk.state', message: legacy })).outcome).toBe('appended');
    expect((await log.append({ channel: 'risk.state', message: legacy })).outcome).toBe('duplicate');
    expect((await log.append({ channel: 'trade.results', message: legacy })).outcome).toBe('appended');
    await advance(LEGACY_DEDUP_WINDOW_MS + 50);
    expect((await log.append({ channel: 'risk.state', message: legacy })).outcome).toBe('appended');
  }, 15_000);

  it('publishes what it appends on the channel, unless asked not to (a bridged message was published already)', async () => {
    const { log, bus } = await make();
    const heard: string[] = [];
    await bus.subscribe(['risk.state'], (channel, payload) => heard.push(`${channel}=${payload.toString()}`));
    await log.append({ channel: 'risk.state', message: 'published' });
    await log.append({ channel: 'risk.state', message: 'bridged', publish: false });
    await log.append({ channel: 'risk.state', message: 'published' });
    await log.append({ channel: 'risk.state', message: 'after' });
    for (let i = 0; i < 100 && heard.length < 2; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(heard).toEqual(['risk.state=published', 'risk.state=after']);
  });

  it('waits in a blocking read until an entry is appended', async () => {
    const { log } = await make();
    const reading = log.read(0, 10, 2_000);
    await new Promise((r) => setTimeout(r, 50));
    await log.append({ channel: 'risk.state', message: 'late' });
    const read = await reading;
    expect(read.entries.map((e) => e.message.toString())).toEqual(['late']);
  });

  it('stores the newest checkpoint of a schema: an older position of the same epoch does not replace it', async () => {
    const { log } = await make();
    const { epoch } = await log.bounds();
    expect(await log.loadCheckpoint('s1')).toBeUndefined();
    await log.saveCheckpoint('s1', { epoch, pos: 10, data: Buffer.from('ten') });
    await log.saveCheckpoint('s1', { epoch, pos: 4, data: Buffer.from('four') });
    const loaded = await log.loadCheckpoint('s1');
    expect(loaded && { ...loaded, data: loaded.data.toString() }).toEqual({ epoch, pos: 10, data: 'ten' });
    expect(await log.loadCheckpoint('s2')).toBeUndefined();
  });

  it('trims to the newest entries it may keep, never past a checkpoint', async () => {
    const { log } = await make();
    for (let i = 0; i < 3000; i += 1) await log.append({ channel: 'risk.state', message: `m${i}`, publish: false });
    const { epoch } = await log.bounds();
    await log.saveCheckpoint('s1', { epoch, pos: 1500, data: Buffer.from('{}') });
    await log.trim(1000);
    const held = await log.bounds();
    // Redis trims whole stream nodes (MINID ~): at most down to the checkpoint, and entries after it all stay.
    expect(held.first).toBeGreaterThan(1);
    expect(held.first).toBeLessThanOrEqual(1501);
    expect(held.head).toBe(3000);
    const read = await log.read(held.first - 1, 5000, 0);
    expect(read.entries[0]?.pos).toBe(held.first);
    expect(read.entries.at(-1)?.pos).toBe(3000);
  }, 30_000);
}
