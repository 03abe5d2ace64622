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

  it('given a summary already derived, when the guardian halts and nothing else moves, then it reports the halt, and the clearing snapshot too', () => {
    const p = given([guardian('950')]);
    expect(p.state('portfolio.summary').halted).toBe(false);
    p.apply(v1('risk.halted', { rule: 'drawdown_halt', reason: 'x' }));
    expect(p.state('portfolio.summary').halted).toBe(true);
    p.apply(guardian('950'));
    expect(p.state('portfolio.summary').halted).toBe(false);
  });

  it('given a summary already derived, when only the bankroll or the exposure moves, then the summary follows it', () => {
    const p = given([v1('allocation.updated', { strategy: 's', allocation_pct: '1', total_capital: '500' })]);
    expect(p.state('portfolio.summary')).toMatchObject({ total_capital: '500', current_value: '500', open_exposure: '0' });
    p.apply(legacy('guardian.snapshot', { current_value: '480', high_water_mark: '500', daily_pnl: '0', halted: false, initial_bankroll: '400', platform_exposure: { kalshi: '7' } }));
    expect(p.state('portfolio.summary')).toMatchObject({ total_capital: '500', current_value: '480', pnl: '80', pnl_pct: '0.2', open_exposure: '7' });
  });

  it('reports the halt', () => {
    expect(given([v1('risk.halted', { rule: 'drawdown_halt', reason: 'x' })]).state('portfolio.summary').halted).toBe(true);
  });
});

describe('portfolio.summary follows each input through its caches', () => {
  const allocation = (strategy: string, capital = '1000') => v1('allocation.updated', { strategy, allocation_pct: '0.5', total_capital: capital });

  it('given two strategies, when only one strategy\'s P&L moves, then realised P&L and value follow it', () => {
    const p = given([allocation('a'), allocation('b'), settled('a', true, '10'), settled('b', false, '-4')]);
    expect(p.state('portfolio.summary')).toMatchObject({ current_value: '1006', pnl: '6', wins: 1, losses: 1, win_rate: '0.5' });
    p.apply(settled('b', true, '1'));
    expect(p.state('portfolio.summary')).toMatchObject({ current_value: '1007', pnl: '7', wins: 2, losses: 1, win_rate: '0.666667' });
  });

  it('given a new strategy with zero P&L, then the totals keep their value and count its requests nowhere', () => {
    const p = given([allocation('a'), settled('a', true, '10')]);
    const before = p.state('portfolio.summary');
    p.apply(v1('trade.requested', { request_id: 'r', opportunity_id: 'o', strategy: 'new', market_id: 'kalshi:x', side: 'buy', outcome: 'YES', amount: '1', max_price: '0.5', expected_edge: '0.1' }));
    expect(p.state('portfolio.summary')).toBe(before);
  });

  it('given a new strategy whose snapshot brings P&L, then the realised total includes it', () => {
    const p = given([allocation('a'), settled('a', true, '10')]);
    p.apply(legacy('allocator.snapshot', { total_capital: '1000', strategies: { a: { total_pnl: '10', trades: 1, wins: 1, losses: 0, allocation_pct: '0.5' }, b: { total_pnl: '5', trades: 1, wins: 1, losses: 0, allocation_pct: '0.5' } } }));
    expect(p.state('portfolio.summary')).toMatchObject({ current_value: '1015', pnl: '15', wins: 2, losses: 0 });
  });

  it('given exposure opened on two venues, then open exposure is their sum, and releasing one lowers it', () => {
    const fill = (id: string, market: string, amount: string) =>
      v1('trade.executed', { id, request_id: 'r', strategy: 's', market_id: market, venue: market.split(':')[0], side: 'buy', outcome: 'YES', amount, price: '0.5', fees: '0', status: 'filled', executed_at: '2026-01-31T12:00:00Z', paper_trade: true });
    const p = given([fill('1', 'kalshi:a', '4.5'), fill('2', 'polymarket:b', '3')]);
    expect(p.state('portfolio.summary').open_exposure).toBe('7.5');
    p.apply(v1('trade.settled', { trade_id: '1', strategy: 's', market_id: 'kalshi:a', won: true, pnl: '1', settled_at: '2026-01-31T13:00:00Z' }));
    expect(p.state('portfolio.summary').open_exposure).toBe('3');
  });

  it('given the capital moves with the value unchanged, then P&L and its ratio follow the new base', () => {
    const p = given([allocation('a', '1000'), guardian('1100')]);
    expect(p.state('portfolio.summary')).toMatchObject({ pnl: '100', pnl_pct: '0.1' });
    p.apply(legacy('guardian.snapshot', { current_value: '1100', high_water_mark: '1100', daily_pnl: '0', halted: false, initial_bankroll: '500' }));
    expect(p.state('portfolio.summary')).toMatchObject({ total_capital: '1000', current_value: '1100', pnl: '600', pnl_pct: '1.2' });
  });

  it('given no capital known at all, then value, P&L and ratio stay null while trades count', () => {
    const p = given([settled('s', true, '5')]);
    expect(p.state('portfolio.summary')).toMatchObject({ total_capital: null, current_value: null, pnl: null, pnl_pct: null, wins: 1, win_rate: '1', equity_curve: [] });
  });
});
