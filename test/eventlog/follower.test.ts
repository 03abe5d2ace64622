import { describe, expect, it } from 'vitest';
import { createMemoryLog, LogFollower, type EventLog, type LogEntry, type LogRead } from '../../src/eventlog';

/** Runs a follower until `until` holds, recording what it reported. */
async function follow(log: EventLog, from: number, epoch: string, until: (seen: number[]) => boolean) {
  const seen: number[] = [];
  const events: string[] = [];
  const follower = new LogFollower(
    log,
    {
      onEntries: (entries: readonly LogEntry[]) => seen.push(...entries.map((e) => e.pos)),
      onEpoch: (next) => events.push(`epoch ${next}`),
      onGap: (after, next) => events.push(`gap ${after}→${next}`),
    },
    { batch: 2, blockMs: 20 },
    epoch,
    from,
  );
  follower.start();
  for (let i = 0; i < 200 && !until(seen); i += 1) await new Promise((r) => setTimeout(r, 5));
  await follower.stop();
  return { seen, events, follower };
}

describe('log follower', () => {
  it('delivers every entry after its position once, in order, in batches', async () => {
    const log = createMemoryLog();
    for (let i = 0; i < 7; i += 1) await log.append({ channel: 'c', message: `${i}` });
    const { epoch } = await log.bounds();
    const { seen, events, follower } = await follow(log, 2, epoch, (s) => s.length >= 5);
    expect(seen).toEqual([3, 4, 5, 6, 7]);
    expect(events).toEqual([]);
    expect(follower.position).toBe(7);
    expect(follower.lag).toBe(0);
  });

  it('given entries after its position were trimmed, then it reports the gap and continues from the oldest entry held', async () => {
    const log = createMemoryLog();
    for (let i = 0; i < 3000; i += 1) await log.append({ channel: 'c', message: `${i}`, publish: false });
    await log.trim(1000);
    const { epoch, first } = await log.bounds();
    const { seen, events } = await follow(log, 10, epoch, (s) => s.length >= 3);
    expect(events).toEqual([`gap 10→${first}`]);
    expect(seen.slice(0, 3)).toEqual([first, first + 1, first + 2]);
  });

  it('given a log of another epoch, then it reports it and reads that log from its first position', async () => {
    const log = createMemoryLog();
    await log.append({ channel: 'c', message: 'a' });
    await log.append({ channel: 'c', message: 'b' });
    const { epoch } = await log.bounds();
    const { seen, events } = await follow(log, 5, 'old-epoch', (s) => s.length >= 2);
    expect(events).toEqual([`epoch ${epoch}`]);
    expect(seen).toEqual([1, 2]);
  });

  it('keeps reading after a failed read', async () => {
    const log = createMemoryLog();
    await log.append({ channel: 'c', message: 'a' });
    const { epoch } = await log.bounds();
    let failures = 2;
    const flaky: EventLog = {
      ...log,
      read: (after, count, block): Promise<LogRead> => (failures-- > 0 ? Promise.reject(new Error('down')) : log.read(after, count, block)),
    };
    const { seen } = await follow(flaky, 0, epoch, (s) => s.length >= 1);
    expect(seen).toEqual([1]);
  });

  it('given a full batch, then the read of the next batch is issued before the handler gets this one', async () => {
    const log = createMemoryLog();
    for (let i = 0; i < 5; i += 1) await log.append({ channel: 'c', message: `${i}` });
    const { epoch } = await log.bounds();
    const reads: number[] = [];
    const recorded: EventLog = { ...log, read: (after, count, block) => (reads.push(after), log.read(after, count, block)) };
    const issuedWhenHandled: number[][] = [];
    const follower = new LogFollower(
      recorded,
      { onEntries: () => issuedWhenHandled.push([...reads]), onEpoch: () => undefined, onGap: () => undefined },
      { batch: 2, blockMs: 20 },
      epoch,
      0,
    );
    follower.start();
    for (let i = 0; i < 200 && follower.position < 5; i += 1) await new Promise((r) => setTimeout(r, 5));
    await follower.stop();
    // Batches [1,2] and [3,4] are full: the reads after 2 and after 4 were on their way when they were handled.
    expect(issuedWhenHandled).toEqual([[0, 2], [0, 2, 4], [0, 2, 4]]);
    expect(follower.position).toBe(5);
  });

  it('given a read issued ahead that fails, then the failure is reported and the same batch is read again', async () => {
    const log = createMemoryLog();
    for (let i = 0; i < 4; i += 1) await log.append({ channel: 'c', message: `${i}` });
    const { epoch } = await log.bounds();
    let calls = 0;
    const flaky: EventLog = { ...log, read: (after, count, block) => (++calls === 2 ? Promise.reject(new Error('down')) : log.read(after, count, block)) };
    const seen: number[] = [];
    const errors: unknown[] = [];
    const follower = new LogFollower(
      flaky,
      { onEntries: (entries) => seen.push(...entries.map((e) => e.pos)), onEpoch: () => undefined, onGap: () => undefined, onError: (e) => errors.push(e) },
      { batch: 2, blockMs: 20, retryDelayMs: 1 },
      epoch,
      0,
    );
    follower.start();
    for (let i = 0; i < 200 && seen.length < 4; i += 1) await new Promise((r) => setTimeout(r, 5));
    await follower.stop();
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(errors).toHaveLength(1);
  });

  it('given a log that answers without I/O (in memory), then timers still run between full batches of a long replay', async () => {
    const log = createMemoryLog();
    for (let i = 0; i < 3_000; i += 1) await log.append({ channel: 'c', message: `${i}`, publish: false });
    const { epoch } = await log.bounds();
    let applied = 0;
    let appliedWhenTimerRan = -1;
    const follower = new LogFollower(
      log,
      { onEntries: (entries) => (applied += entries.length), onEpoch: () => undefined, onGap: () => undefined },
      { batch: 100, blockMs: 20 },
      epoch,
      0,
    );
    setTimeout(() => (appliedWhenTimerRan = applied), 0);
    follower.start();
    for (let i = 0; i < 200 && applied < 3_000; i += 1) await new Promise((r) => setTimeout(r, 5));
    await follower.stop();
    expect(applied).toBe(3_000);
    expect(appliedWhenTimerRan).toBeGreaterThanOrEqual(0);
    expect(appliedWhenTimerRan).toBeLessThan(3_000);
  });
});
