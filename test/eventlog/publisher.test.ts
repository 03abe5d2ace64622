import { describe, expect, it } from 'vitest';
import { createMemoryLog, Publisher, runKeyOf, type EventLog } from '../../src/eventlog';

const event = (seq: number) => JSON.stringify({ v: 1, id: `paper-executor:3f9a:${seq}`, agent: 'paper-executor', seq, ts: '2026-01-01T00:00:00Z', type: 't', data: {} });

/** A log whose first `failures` appends fail as a dropped connection would, after the entry may or may not have been written. */
function flaky(log: EventLog, failures: number, writeBeforeFailing: boolean): EventLog {
  let left = failures;
  return {
    ...log,
    append: async (request) => {
      if (left > 0) {
        left -= 1;
        if (writeBeforeFailing) await log.append(request);
        throw new Error('connection reset');
      }
      return log.append(request);
    },
  };
}

describe('publisher', () => {
  it('reads the run and seq of an envelope v1 message from its id; anything else has none', () => {
    expect(runKeyOf(event(42))).toEqual({ agent: 'paper-executor', run: '3f9a', seq: 42 });
    expect(runKeyOf('{"agent":"a","type":"state_update","data":{}}')).toBeUndefined();
    expect(runKeyOf(JSON.stringify({ v: 1, id: 'x:r:2', agent: 'paper-executor', seq: 2 }))).toBeUndefined();
    expect(runKeyOf(JSON.stringify({ v: 1, id: 'a:r:3', agent: 'a', seq: 2 }))).toBeUndefined();
    expect(runKeyOf('nope')).toBeUndefined();
  });

  it('given appends that fail after the log took them, when it retries with the same seq, then each event is logged once', async () => {
    const log = createMemoryLog();
    const retries: number[] = [];
    const publisher = new Publisher(flaky(log, 2, true), { retryDelayMs: 1, onRetry: (_e, attempt) => retries.push(attempt) });
    expect(await publisher.publish('trade.results', event(1))).toMatchObject({ outcome: 'duplicate' });
    expect(await publisher.publish('trade.results', event(2))).toMatchObject({ outcome: 'appended', pos: 2 });
    expect(retries).toEqual([1, 2]);
    expect((await log.read(0, 10, 0)).entries.map((e) => e.message.toString())).toEqual([event(1), event(2)]);
  });

  it('given appends that fail before the log took them, then it retries until the event is logged', async () => {
    const log = createMemoryLog();
    const publisher = new Publisher(flaky(log, 3, false), { retryDelayMs: 1 });
    expect(await publisher.publish('trade.results', event(1))).toMatchObject({ outcome: 'appended', pos: 1 });
  });

  it('stops retrying once closed', async () => {
    const log = createMemoryLog();
    const publisher = new Publisher(flaky(log, 1_000, false), { retryDelayMs: 5 });
    const publishing = publisher.publish('trade.results', event(1));
    publisher.close();
    await expect(publishing).rejects.toThrow();
  });
});
