import { describe, expect, it } from 'vitest';
import type { Event } from '../../src/events';
import { Projector } from '../../src/pipeline';
import { MAX_EQUITY_POINTS, portfolioSummary } from '../../src/projections';
import { legacy, v1 } from './support';

/** Given events through the projector, then the derived summary. */
function given(events: readonly Event[]) {
  const projector = new Projector();
  for (const e of events) projector.apply(e);
  return projector;
}

const guardian = (value: string, ts?: string) =>
  ts === undefined
    ? legacy('guardian.snapshot', { current_value: value, high_water_mark: '1000', daily_pnl: '0', halted: false, initial_bankroll: '1000' })
    : v1('guardian.snapshot', { current_value: value, high_water_mark: '1000', daily_pnl: '0', halted: false, initial_bankroll: '1000' }, { ts });

const settled = (strategy: string, won: boolean, pnl: string) =>
  v1('trade.settled', { trade_id: 'p', strategy, market_id: 'kalshi:CPI', won, pnl, settled_at: '2026-01-31T13:00:00Z' }, { ts: '2026-11-26T03:00:00Z' });

describe('portfolio.summary projection (derived)', () => {
  it('starts empty', () => {
    expect(new Projector().state('portfolio.summary')).toEqual(portfolioSummary.initial);
  });

  it('takes capital, value and exposure from the other projections', () => {
    const p = given([
      v1('allocation.updated', { strategy: 's', allocation_pct: '1', total_capital: '1000' }),
      guardian('950', '2026-11-26T02:00:00Z'),
      settled('s', true, '30'),
      settled('s', false, '-20'),
      v1('trade.executed', {
        id: 'paper-1', request_id: 'r', strategy: 's', market_id: 'kalshi:CPI', venue: 'kalshi', side: 'buy', outcome: 'NO',
        amount: '12.5', price: '0.4', fees: '0.1', status: 'filled', executed_at: '2026-01-31T12:00:00Z', paper_trade: true,
      }),
    ]);
    expect(p.state('portfolio.summary')).toEqual({
      total_capital: '1000',
      current_value: '960',
      pnl: '-40',
      pnl_pct: '-0.04',
      trade_count: 1,
      wins: 1,
      losses: 1,
      win_rate: '0.5',
      open_exposure: '12.5',
      halted: false,
      marked_value: null,
      unrealised_pnl: null,
      as_of: null,
      equity_curve: [
        { ts: '2026-11-26T02:47:30.123Z', as_of: null, value: '1000' },
        { ts: '2026-11-26T02:00:00Z', as_of: null, value: '950' },
        { ts: '2026-11-26T03:00:00Z', as_of: null, value: '980' },
        { ts: '2026-11-26T03:00:00Z', as_of: null, value: '960' },
      ],
    });
  });

  it('without a guardian, values the portfolio as capital plus realised P&L', () => {
    const p = given([v1('allocation.updated', { strategy: 's', allocation_pct: '1', total_capital: '500' }), settled('s', true, '7.5')]);
    expect(p.state('portfolio.summary')).toMatchObject({ total_capital: '500', current_value: '507.5', pnl: '7.5', pnl_pct: '0.015' });
  });

  it('dates a legacy point with the receive time when given one, else null', () => {
    const p = new Projector();
    p.apply(guardian('900'));
    p.apply(guardian('901'), '2026-11-26T04:00:00.000Z');
    expect(p.state('portfolio.summary').equity_curve).toEqual([
      { ts: null, as_of: null, value: '900' },
      { ts: '2026-11-26T04:00:00.000Z', as_of: null, value: '901' },
    ]);
  });

  it('adds no point when the value did not change', () => {
    const p = given([guardian('900'), v1('risk.decided', { request_id: 'r', strategy: 's', approved: true, reason: '', rule_triggered: null }), guardian('900.00')]);
    expect(p.state('portfolio.summary').equity_curve).toHaveLength(1);
  });

  it('keeps at most MAX_EQUITY_POINTS points, the newest', () => {
    const events = Array.from({ length: MAX_EQUITY_POINTS + 20 }, (_, i) => guardian(String(1000 + i), '2026-11-26T02:00:00Z'));
    const curve = given(events).state('portfolio.summary').equity_curve;
    expect(curve).toHaveLength(MAX_EQUITY_POINTS);
    expect(curve[0]?.value).toBe('1020');
    expect(curve[MAX_EQUITY_POINTS - 1]?.value).toBe(String(1000 + MAX_EQUITY_POINTS + 19));
  });

  it('reports the halt', () => {
    expect(given([v1('risk.halted', { rule: 'drawdown_halt', reason: 'x' })]).state('portfolio.summary').halted).toBe(true);
  });
});
