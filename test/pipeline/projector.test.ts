import { describe, expect, it } from 'vitest';
import { Projector } from '../../src/pipeline';
import { legacy, v1 } from '../projections/support';

const heartbeat = (seq: number, processed = seq) =>
  v1('agent.heartbeat', { role: 'executor', status: 'running', processed, interval_ms: 1000 }, { agent: 'paper-executor', run: 'p1', seq });

describe('Projector', () => {
  it('applies an event to each projection it concerns and reports one change per changed state', () => {
    const p = new Projector();
    const result = p.apply(
      v1('trade.settled', { trade_id: 'x', strategy: 's', market_id: 'kalshi:CPI', won: true, pnl: '5', settled_at: '2026-01-31T13:00:00Z' }),
    );
    expect(result.outcome).toBe('applied');
    // trade.results holds no trade x: unchanged; risk.state books daily P&L; strategy.performance the win,
    // and portfolio.summary (derived) its win rate.
    expect(result.changes.map((c) => [c.channel, c.version])).toEqual([
      ['risk.state', 1],
      ['strategy.performance', 1],
      ['portfolio.summary', 1],
    ]);
    expect(p.version('trade.results')).toBe(0);
    expect(p.state('portfolio.summary')).toMatchObject({ wins: 1, win_rate: '1', current_value: null, equity_curve: [] });
  });

  it('consumes no version when the state did not change', () => {
    const p = new Projector();
    const snapshot = { current_value: '500', high_water_mark: '500', daily_pnl: '0', halted: false };
    expect(p.apply(legacy('guardian.snapshot', snapshot)).changes.map((c) => c.channel)).toEqual(['risk.state', 'portfolio.summary']);
    const again = p.apply(legacy('guardian.snapshot', { ...snapshot, current_value: '500.00' }));
    expect(again).toEqual({ outcome: 'applied', lost: 0, changes: [] });
    expect(p.version('risk.state')).toBe(1);
  });

  it('counts duplicates and lost events per (agent, run)', () => {
    const p = new Projector();
    p.apply(heartbeat(1));
    expect(p.apply(heartbeat(4)).lost).toBe(2);
    expect(p.apply(heartbeat(4)).outcome).toBe('duplicate');
    expect(p.counters).toEqual({ applied: 2, duplicates: 1, lost: 2 });
  });

  it('dates a legacy event with receivedAt, and never a v1 one', () => {
    const p = new Projector();
    p.apply(legacy('agent.heartbeat', { role: 'r', status: 'running', processed: 1, interval_ms: 1000 }, 'old'), '2026-11-26T05:00:00.000Z');
    p.apply(heartbeat(1), '2026-11-26T05:00:00.000Z');
    expect(p.state('agent.updates').agents.old?.last_heartbeat).toBe('2026-11-26T05:00:00.000Z');
    expect(p.state('agent.updates').agents['paper-executor']?.last_heartbeat).toBe('2026-11-26T02:47:30.123Z');
  });

  it('takes versions from the version source it is given', () => {
    const p = new Projector({ next: (_c, current) => current + 10 });
    p.apply(heartbeat(1));
    expect(p.version('agent.updates')).toBe(10);
  });
});

describe('Projector versions', () => {
  it('given a guardian snapshot repeated in another notation, then no change is reported, no version consumed, and the held state kept', () => {
    const p = new Projector();
    const snapshot = (value: string) => legacy('guardian.snapshot', { current_value: value, high_water_mark: '1000', daily_pnl: '0', halted: false }, 'risk-guardian');
    p.apply(snapshot('900'));
    const version = p.version('risk.state');
    const state = p.state('risk.state');
    expect(p.apply(snapshot('900.00')).changes).toEqual([]);
    expect(p.version('risk.state')).toBe(version);
    expect(p.state('risk.state')).toBe(state);
  });
});
