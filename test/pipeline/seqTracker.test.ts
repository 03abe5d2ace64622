import { describe, expect, it } from 'vitest';
import type { EventMeta } from '../../src/events';
import { MAX_RUNS, SeqTracker } from '../../src/pipeline';

const meta = (seq: number, agent = 'paper-executor', run = 'r1'): EventMeta => ({
  agent,
  run,
  seq,
  id: `${agent}:${run}:${seq}`,
  ts: '2026-11-26T02:47:30.123Z',
});
const legacyMeta: EventMeta = { agent: 'paper-executor', run: null, seq: null, id: null, ts: null };

describe('SeqTracker', () => {
  it('takes the first event of a run as fresh whatever its seq (the server may have started late)', () => {
    expect(new SeqTracker().observe(meta(42))).toEqual({ duplicate: false, lost: 0 });
  });

  it('counts a jump as lost events, and a seq at or below the last as a duplicate', () => {
    const t = new SeqTracker();
    t.observe(meta(1));
    expect(t.observe(meta(2))).toEqual({ duplicate: false, lost: 0 });
    expect(t.observe(meta(5))).toEqual({ duplicate: false, lost: 2 });
    expect(t.observe(meta(5))).toEqual({ duplicate: true, lost: 0 });
    expect(t.observe(meta(3))).toEqual({ duplicate: true, lost: 0 });
    expect(t.observe(meta(6))).toEqual({ duplicate: false, lost: 0 });
  });

  it('keys by (agent, run): a restarted agent starts again at 1', () => {
    const t = new SeqTracker();
    t.observe(meta(10, 'a', 'r1'));
    expect(t.observe(meta(1, 'a', 'r2'))).toEqual({ duplicate: false, lost: 0 });
    expect(t.observe(meta(1, 'b', 'r1'))).toEqual({ duplicate: false, lost: 0 });
    expect(t.observe(meta(11, 'a', 'r1'))).toEqual({ duplicate: false, lost: 0 });
  });

  it('never judges legacy events, which carry no seq', () => {
    const t = new SeqTracker();
    expect(t.observe(legacyMeta)).toEqual({ duplicate: false, lost: 0 });
    expect(t.observe(legacyMeta)).toEqual({ duplicate: false, lost: 0 });
  });

  it('forgets the oldest run beyond MAX_RUNS', () => {
    const t = new SeqTracker();
    for (let i = 0; i <= MAX_RUNS; i++) t.observe(meta(5, 'a', `run-${i}`));
    expect(t.observe(meta(5, 'a', 'run-0'))).toEqual({ duplicate: false, lost: 0 });
    expect(t.observe(meta(5, 'a', `run-${MAX_RUNS}`))).toEqual({ duplicate: true, lost: 0 });
  });
});

describe('SeqTracker forgetting', () => {
  it('given MAX_RUNS + 1 runs, then only the oldest is forgotten: the second oldest is still known', () => {
    const t = new SeqTracker();
    for (let i = 0; i <= MAX_RUNS; i++) t.observe(meta(5, 'a', `run-${i}`));
    expect(t.observe(meta(5, 'a', 'run-1'))).toEqual({ duplicate: true, lost: 0 });
  });

  it('given one run per agent, then forgetting goes on agent after agent, oldest first', () => {
    const t = new SeqTracker();
    for (let i = 0; i < MAX_RUNS + 2; i++) t.observe(meta(5, `agent-${i}`, 'r'));
    expect(t.observe(meta(5, 'agent-2', 'r'))).toEqual({ duplicate: true, lost: 0 });
    expect(t.observe(meta(5, 'agent-1', 'r'))).toEqual({ duplicate: false, lost: 0 });
  });

  it('given runs seen with gaps and duplicates, then lastSeq is the highest seq of each, and undefined for an agent or run never seen', () => {
    const t = new SeqTracker();
    for (const seq of [1, 4, 2, 9, 9]) t.observe(meta(seq, 'a', 'r1'));
    t.observe(meta(3, 'a', 'r2'));
    expect(t.lastSeq('a', 'r1')).toBe(9);
    expect(t.lastSeq('a', 'r2')).toBe(3);
    expect(t.lastSeq('a', 'r3')).toBeUndefined();
    expect(t.lastSeq('nobody', 'r1')).toBeUndefined();
  });

  it('given entries of several runs of one agent, when a tracker is made from them, then it remembers every run at its seq', () => {
    const t = SeqTracker.from([
      ['a', 'r1', 3],
      ['a', 'r2', 5],
      ['b', 'r1', 7],
    ]);
    expect(t.entries()).toEqual([
      ['a', 'r1', 3],
      ['a', 'r2', 5],
      ['b', 'r1', 7],
    ]);
    expect(t.observe(meta(3, 'a', 'r1'))).toEqual({ duplicate: true, lost: 0 });
    expect(t.observe(meta(8, 'a', 'r2'))).toEqual({ duplicate: false, lost: 2 });
  });

  it('given a tracker made from MAX_RUNS runs, when a new run appears, then the oldest is forgotten to make room', () => {
    const full = Array.from({ length: MAX_RUNS }, (_, i) => ['a', `r${i}`, 1] as [string, string, number]);
    const t = SeqTracker.from(full);
    t.observe(meta(1, 'a', 'new'));
    const entries = t.entries();
    expect(entries).toHaveLength(MAX_RUNS);
    expect(entries[0]).toEqual(['a', 'r1', 1]);
    expect(entries[MAX_RUNS - 1]).toEqual(['a', 'new', 1]);
  });

  it('given entries naming one run twice, when a tracker is made from them, then the run counts once towards MAX_RUNS', () => {
    const almost = Array.from({ length: MAX_RUNS - 1 }, (_, i) => ['a', `r${i}`, 1] as [string, string, number]);
    const t = SeqTracker.from([...almost, ['a', 'r0', 2]]);
    t.observe(meta(1, 'a', 'new'));
    expect(t.entries()).toHaveLength(MAX_RUNS);
    expect(t.lastSeq('a', 'r0')).toBe(2);
  });
});

