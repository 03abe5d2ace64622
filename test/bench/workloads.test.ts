import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/Either';
import { runKeyOf } from '../../src/eventlog';
import { decodeEvent } from '../../src/events';
import { createEventSource, workloadOf, WORKLOAD_NAMES } from '../../bench/lib/workloads';

describe('bench workloads', () => {
  it.each(WORKLOAD_NAMES)('%s publishes only events the decoder accepts, with contiguous seqs per agent and the run key the log reads', (name) => {
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
      expect(out.key).toEqual(runKeyOf(out.payload));
      lastSeq.set(event.meta.agent, event.meta.seq ?? 0);
    }
    expect([...tags].sort()).toEqual(workloadOf(name).mix.map(([tag]) => tag).sort());
  });

  it('trades sends only trade.executed on trade.results', () => {
    const source = createEventSource(workloadOf('trades'), 'r');
    for (let i = 0; i < 50; i += 1) expect(source.next(new Date().toISOString()).channel).toBe('trade.results');
  });

  it('given two sources publishing at once with their own firstN, then no trade or request id is named by both', () => {
    const idsOf = (firstN: number) => {
      const source = createEventSource(workloadOf('mixed'), `run${firstN}`, 1, firstN);
      const ids = new Set<string>();
      for (let i = 0; i < 2_000; i += 1) {
        const payload = JSON.parse(source.next(new Date(1_800_000_000_000).toISOString()).payload) as { data: { id?: unknown; request_id?: unknown } };
        for (const id of [payload.data.id, payload.data.request_id]) if (typeof id === 'string') ids.add(id);
      }
      expect(source.published()).toBe(2_000);
      return ids;
    };
    const first = idsOf(0);
    const second = idsOf(1_000_000_000);
    expect(first.size).toBeGreaterThan(100);
    expect([...second].filter((id) => first.has(id))).toEqual([]);
  });
});
