import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { runField } from '../../src/eventlog';
import { PreparedEvents, TS_PLACEHOLDER } from '../../bench/lib/prepared';
import { createEventSource, workloadOf } from '../../bench/lib/workloads';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('prepared bench events', () => {
  it('gives back each event in order with the publish time in place of the placeholder, across chunks', () => {
    const source = createEventSource(workloadOf('mixed'), 'r1');
    const made = Array.from({ length: 500 }, () => source.next(TS_PLACEHOLDER));
    const prepared = new PreparedEvents(made.length, 4_096);
    for (const out of made) prepared.add(out.channel, out.payload, runField(out.key), out.key.seq);
    expect(prepared.remaining).toBe(500);
    made.forEach((out, i) => {
      const ts = new Date(1_800_000_000_000 + i).toISOString();
      const request = prepared.take(ts);
      expect(request?.message.toString()).toBe(out.payload.split(TS_PLACEHOLDER).join(ts));
      expect(request).toMatchObject({ channel: out.channel, run: runField(out.key), seq: out.key.seq });
    });
    expect(prepared.take(new Date().toISOString())).toBeUndefined();
    expect(() => new PreparedEvents(0).add('c', 'm', 'r', 1)).toThrow();
  });

  it('keeps the events off the JavaScript heap, so a full collection has nothing of them to mark', () => {
    const count = 100_000;
    const source = createEventSource(workloadOf('trades'), 'r1');
    gc();
    const before = process.memoryUsage().heapUsed;
    const prepared = new PreparedEvents(count);
    for (let i = 0; i < count; i += 1) {
      const out = source.next(TS_PLACEHOLDER);
      prepared.add(out.channel, out.payload, runField(out.key), out.key.seq);
    }
    gc();
    const perEvent = (process.memoryUsage().heapUsed - before) / count;
    // Held as strings (the message cut at the placeholder, and its request object) they took ~1 KB each.
    expect(perEvent).toBeLessThan(50);
    expect(prepared.remaining).toBe(count);
  });
});
