import { describe, expect, it } from 'vitest';
import { ProjectionStates } from '../../src/pipeline';
import { legacy, v1 } from '../projections/support';

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
