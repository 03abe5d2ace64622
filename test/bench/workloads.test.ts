import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/Either';
import { decodeEvent } from '../../src/events';
import { createEventSource, workloadOf, WORKLOAD_NAMES } from '../../bench/lib/workloads';

describe('bench workloads', () => {
  it.each(WORKLOAD_NAMES)('%s publishes only events the decoder accepts, with contiguous seqs per agent', (name) => {
    const source = createEventSource(workloadOf(name), 'run1');
    const lastSeq = new Map<string, number>();
    const tags = new Set<string>();
    for (let i = 0; i < 3_000; i += 1) {
      const ts = new Date(1_800_000_000_000 + i).toISOString();
      const out = source.next(ts);
      const decoded = decodeEvent(out.channel, out.payload);
      if (E.isLeft(decoded)) throw new Error(`${decoded.left.reason}: ${decoded.left.message}`);
      const event = decoded.right;
      tags.add(event.type);
      expect(event.meta.ts).toBe(ts);
      expect(event.meta.run).toBe('run1');
      expect(event.meta.seq).toBe((lastSeq.get(event.meta.agent) ?? 0) + 1);
      lastSeq.set(event.meta.agent, event.meta.seq ?? 0);
    }
    expect([...tags].sort()).toEqual(workloadOf(name).mix.map(([tag]) => tag).sort());
  });

  it('trades sends only trade.executed on trade.results', () => {
    const source = createEventSource(workloadOf('trades'), 'r');
    for (let i = 0; i < 50; i += 1) expect(source.next(new Date().toISOString()).channel).toBe('trade.results');
  });
});
