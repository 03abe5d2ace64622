import { describe, expect, it } from 'vitest';
import type { Event } from '../../src/events';
import { ProjectionStates } from '../../src/pipeline';
import { decided, legacy, requested, v1 } from '../projections/support';

const fill = (id: string) =>
  v1(
    'trade.executed',
    {
      id,
      request_id: `req-${id}`,
      strategy: 's',
      market_id: 'kalshi:x',
      venue: 'kalshi',
      side: 'buy',
      outcome: 'YES',
      amount: '5',
      price: '0.5',
      fees: '0',
      status: 'filled',
      executed_at: '2026-01-01T00:00:00Z',
      paper_trade: true,
    },
    { agent: 'states-executor', run: 'r' },
  );

describe.each([{ inPlace: true as const }, {}])('ProjectionStates (%o)', (options) => {
  it('given a fill, then it reports exactly the channels it replaced, the summary last', () => {
    const states = new ProjectionStates(options);
    expect(states.apply(fill('a'))).toEqual({ outcome: 'applied', lost: 0, touched: ['trade.results', 'risk.state', 'portfolio.summary'] });
  });

  it('given an event that changes nothing, then no channel is reported touched and the states are the same objects', () => {
    const states = new ProjectionStates(options);
    const snapshot = legacy('executor.snapshot', { trade_count: 0, recent_trades: [] }, 'legacy-executor');
    const before = states.state('trade.results');
    expect(states.apply(snapshot)).toEqual({ outcome: 'applied', lost: 0, touched: [] });
    expect(states.state('trade.results')).toBe(before);
  });

  it('given a duplicate, then nothing is touched and it is counted', () => {
    const states = new ProjectionStates(options);
    const event = fill('b');
    states.apply(event);
    expect(states.apply(event)).toEqual({ outcome: 'duplicate', lost: 0, touched: [] });
    expect(states.counters).toEqual({ applied: 1, duplicates: 1, lost: 0 });
  });

  it('given a seq gap and then the next seq, then the first reports what was lost and the second, the same channels, nothing lost', () => {
    const states = new ProjectionStates(options);
    const at = (id: string, seq: number) => v1('trade.executed', { ...fill(id).data }, { agent: 'gap-executor', run: 'g', seq });
    states.apply(at('g1', 1));
    const touched = ['trade.results', 'risk.state', 'portfolio.summary'];
    expect(states.apply(at('g4', 4))).toEqual({ outcome: 'applied', lost: 2, touched });
    expect(states.apply(at('g5', 5))).toEqual({ outcome: 'applied', lost: 0, touched });
    expect(states.counters).toEqual({ applied: 3, duplicates: 0, lost: 2 });
  });

  it('given a legacy event and a receive time, then the event is dated with it where the state shows times', () => {
    const states = new ProjectionStates(options);
    const beat = legacy('agent.heartbeat', { role: 'r', status: 'running', processed: 1, interval_ms: 1 }, 'old-agent');
    states.apply(beat, '2026-11-26T04:00:00.000Z');
    expect(states.state('agent.updates').agents['old-agent']?.last_heartbeat).toBe('2026-11-26T04:00:00.000Z');
  });
});

describe('ProjectionStates accept', () => {
  it('given an accept that refuses, then the state stays and the channel is not touched', () => {
    const states = new ProjectionStates({ accept: (channel) => channel !== 'risk.state' });
    const result = states.apply(fill('c'));
    expect(result.touched).toEqual(['trade.results', 'portfolio.summary']);
    expect(states.state('risk.state').exposure_by_market).toEqual({});
  });
});

describe('ProjectionStates lastSeq', () => {
  it('given events of a run applied, then lastSeq is the last seq of that run, and undefined for a run never seen', () => {
    const states = new ProjectionStates({ inPlace: true });
    const executed = (id: string, seq: number) =>
      v1('trade.executed', { ...fill(id).data }, { agent: 'seq-executor', run: 'rs', seq });
    states.apply(executed('s1', 4));
    states.apply(executed('s2', 7));
    expect(states.lastSeq('seq-executor', 'rs')).toBe(7);
    expect(states.lastSeq('seq-executor', 'other')).toBeUndefined();
  });
});

describe('ProjectionStates in place: strategy counts', () => {
  const settled = (strategy: string, pnl: string) =>
    v1('trade.settled', { trade_id: 'none', strategy, market_id: 'kalshi:x', won: !pnl.startsWith('-'), pnl, settled_at: '2026-01-01T00:00:00Z' });

  /** Reduces `stream` alone, with no reads between events: the summary's module caches see only this instance. */
  function run(stream: readonly Event[], options: { inPlace?: true }) {
    const states = new ProjectionStates(options);
    const touched = stream.map((event) => states.apply(event).touched);
    return { states, touched };
  }

  it('given counts and settlements between reads, then each read keeps what it showed, every count touches its channel, and the summary follows the settlements', () => {
    const stream = [requested('s'), decided('s', true), settled('s', '3'), settled('s', '-1'), requested('s'), decided('s', false), settled('s', '2'), requested('s')];
    const inPlace = new ProjectionStates({ inPlace: true });
    const reads: { state: unknown; json: string }[] = [];
    const touched = stream.map((event, i) => {
      const reduction = inPlace.apply(event);
      if (i % 3 === 1) {
        for (const channel of ['strategy.performance', 'portfolio.summary'] as const) {
          const state = inPlace.state(channel);
          reads.push({ state, json: JSON.stringify(state) });
        }
      }
      return reduction.touched;
    });
    const final = { strategies: inPlace.state('strategy.performance'), summary: inPlace.state('portfolio.summary') };
    const copying = run(stream, {});
    expect(touched).toEqual(copying.touched);
    expect(final.strategies).toEqual(copying.states.state('strategy.performance'));
    expect(final.summary).toEqual(copying.states.state('portfolio.summary'));
    expect(final.strategies.strategies['s']).toMatchObject({ requests: 3, approvals: 1, rejections: 1, pnl: '4', wins: 2, losses: 1 });
    expect(final.summary).toMatchObject({ wins: 2, losses: 1 });
    for (const r of reads) expect(JSON.stringify(r.state)).toBe(r.json);
  });
});

describe('ProjectionStates saved', () => {
  it('given states restored from a checkpoint that lists the channels in another order, then saved lists them in that order, with the states reduced since', () => {
    const first = new ProjectionStates({ inPlace: true });
    first.apply(fill('o1'));
    const { states, seq, counters } = first.saved();
    const reordered = Object.fromEntries(Object.entries(states).reverse()) as unknown as typeof states;
    const restored = new ProjectionStates({ inPlace: true }, { states: reordered, seq, counters });
    restored.apply(fill('o2'));
    const saved = restored.saved();
    expect(Object.keys(saved.states)).toEqual(Object.keys(reordered));
    expect(saved.states['trade.results'].trade_count).toBe(2);
    expect(saved.states['portfolio.summary']).toBe(restored.state('portfolio.summary'));
  });
});
