import * as E from 'fp-ts/Either';
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeEvent, encodeEvent, type Event } from '../../src/events';
import { Projector } from '../../src/pipeline';
import {
  agentUpdates,
  inDraftScope,
  lastCurveSplice,
  MAX_EQUITY_POINTS,
  portfolioSummary,
  riskState,
  strategyPerformance,
  tradeResults,
  type PortfolioSources,
  type PortfolioSummaryState,
  type StrategyEntry,
} from '../../src/projections';
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

/** What the summary reads from its four sources, set directly: each test changes exactly one of them. */
interface Figures {
  readonly capital: string | null;
  readonly bankroll: string | null;
  readonly value: string | null;
  readonly halted: boolean;
  readonly marked: string | null;
  readonly unrealised: string | null;
  readonly asOf: string | null;
  readonly exposure: Readonly<Record<string, string>>;
  readonly tradeCount: number;
  readonly strategies: Readonly<Record<string, StrategyEntry>>;
}

const strategy = (pnl: string, wins: number, losses: number): StrategyEntry => ({
  pnl, trades: wins + losses, wins, losses, win_rate: null, largest_win: null, largest_loss: null, allocation_pct: null, requests: 0, approvals: 0, rejections: 0,
});

/**
 * The figures every test below starts from, made afresh for each test: the summary's caches are keyed
 * by map identity and persist across tests, so a map shared between tests could answer from a cache.
 */
const base = (): Figures => ({
  capital: '1000',
  bankroll: '800',
  value: null,
  halted: false,
  marked: '950',
  unrealised: '50',
  asOf: '2026-01-01T00:00:00.000Z',
  exposure: { kalshi: '10', polymarket: '5' },
  tradeCount: 3,
  strategies: { a: strategy('30', 2, 1), b: strategy('-10', 0, 1) },
});

let BASE = base();
beforeEach(() => {
  BASE = base();
});

function sourcesOf(f: Figures): PortfolioSources {
  return {
    agents: { ...agentUpdates.initial, allocator: { ...agentUpdates.initial.allocator, total_capital: f.capital } },
    trades: { ...tradeResults.initial, trade_count: f.tradeCount },
    risk: {
      ...riskState.initial,
      current_value: f.value,
      bankroll: f.bankroll,
      halted: f.halted,
      marked_value: f.marked,
      unrealised_pnl: f.unrealised,
      as_of: f.asOf,
      exposure_by_venue: f.exposure,
    },
    strategies: { ...strategyPerformance.initial, strategies: f.strategies },
  };
}

/** The event that dates a derivation: published at `ts`, stamped with simulated time `asOf` when given. */
function dated(ts: string, asOf?: string): Event {
  const raw = encodeEvent({ type: 'risk.decided', agent: 'risk-guardian', run: 'cache', seq: 1, ts, ...(asOf === undefined ? {} : { asOf }), data: { request_id: 'r', strategy: 'a', approved: true, reason: '', rule_triggered: null } as never });
  const decoded = decodeEvent('risk.state', raw);
  if (E.isLeft(decoded)) throw new Error(decoded.left.message);
  return decoded.right;
}

const T1 = '2026-11-26T03:00:00.000Z';
const T2 = '2026-11-26T03:00:01.000Z';
const derive = (state: PortfolioSummaryState, f: Figures, ts = T1, asOf?: string) => portfolioSummary.evolve(state, sourcesOf(f), dated(ts, asOf));

/** BASE as a summary, computed by hand: value = bankroll 800 + realised (30 − 10); base 800. */
const BASE_SUMMARY: PortfolioSummaryState = {
  total_capital: '1000',
  current_value: '820',
  pnl: '20',
  pnl_pct: '0.025',
  trade_count: 3,
  wins: 2,
  losses: 2,
  win_rate: '0.5',
  open_exposure: '15',
  halted: false,
  marked_value: '950',
  unrealised_pnl: '50',
  as_of: '2026-01-01T00:00:00.000Z',
  equity_curve: [{ ts: T1, as_of: null, value: '820' }],
};

describe('portfolio.summary: a derived summary, when exactly one input changes, follows it (the cache never answers for a changed input)', () => {
  it('given the sources of BASE, then the summary is the one computed by hand', () => {
    expect(derive(portfolioSummary.initial, BASE)).toStrictEqual(BASE_SUMMARY);
  });

  it.each<[string, () => Partial<Figures>, Partial<PortfolioSummaryState>]>([
    ['the allocator\'s capital', () => ({ capital: '1200' }), { total_capital: '1200' }],
    ['the bankroll (the base of P&L)', () => ({ bankroll: '600' }), { current_value: '620', pnl: '20', pnl_pct: '0.033333' }],
    ['the guardian\'s value', () => ({ value: '900' }), { current_value: '900', pnl: '100', pnl_pct: '0.125' }],
    ['the halt', () => ({ halted: true }), { halted: true }],
    ['the marked value', () => ({ marked: '960' }), { marked_value: '960' }],
    ['the unrealised P&L', () => ({ unrealised: '60' }), { unrealised_pnl: '60' }],
    ['the simulated time', () => ({ asOf: '2026-01-01T00:05:00.000Z' }), { as_of: '2026-01-01T00:05:00.000Z' }],
    ['one venue\'s exposure', () => ({ exposure: { kalshi: '12', polymarket: '5' } }), { open_exposure: '17' }],
    ['the trade count', () => ({ tradeCount: 4 }), { trade_count: 4 }],
    ['the first strategy\'s P&L', () => ({ strategies: { a: strategy('40', 2, 1), b: strategy('-10', 0, 1) } }), { current_value: '830', pnl: '30', pnl_pct: '0.0375' }],
    ['the last strategy\'s P&L', () => ({ strategies: { a: strategy('30', 2, 1), b: strategy('-5', 0, 1) } }), { current_value: '825', pnl: '25', pnl_pct: '0.03125' }],
    ['a strategy\'s wins', () => ({ strategies: { a: strategy('30', 3, 1), b: strategy('-10', 0, 1) } }), { wins: 3, win_rate: '0.6' }],
    ['a strategy\'s losses', () => ({ strategies: { a: strategy('30', 2, 1), b: strategy('-10', 0, 2) } }), { losses: 3, win_rate: '0.4' }],
    ['the strategy list, one gone with the others\' P&L unchanged', () => ({ strategies: { a: strategy('30', 2, 1) } }), { current_value: '830', pnl: '30', pnl_pct: '0.0375', losses: 1, win_rate: '0.666667' }],
  ])('given a derived summary, when only %s changes, then the summary shows it', (_label, change, expected) => {
    const before = derive(portfolioSummary.initial, BASE);
    const after = derive(before, { ...BASE, ...change() }, T2);
    const curve = expected.current_value === undefined ? BASE_SUMMARY.equity_curve : [...BASE_SUMMARY.equity_curve, { ts: T2, as_of: null, value: expected.current_value }];
    expect(after).toStrictEqual({ ...BASE_SUMMARY, ...expected, equity_curve: curve });
  });

  it('given a value known, when only the base of P&L changes, then P&L and its ratio follow the new base', () => {
    const known = { ...BASE, value: '900' };
    const before = derive(portfolioSummary.initial, known);
    expect(before).toMatchObject({ pnl: '100', pnl_pct: '0.125' });
    expect(derive(before, { ...known, bankroll: '600' })).toStrictEqual({ ...BASE_SUMMARY, current_value: '900', pnl: '300', pnl_pct: '0.5', equity_curve: [{ ts: T1, as_of: null, value: '900' }] });
  });

  it('given a value known and no capital or bankroll, then P&L and its ratio are null while the value is shown', () => {
    derive(portfolioSummary.initial, BASE);
    expect(derive(portfolioSummary.initial, { ...BASE, capital: null, bankroll: null, value: '900' })).toStrictEqual({
      ...BASE_SUMMARY, total_capital: null, current_value: '900', pnl: null, pnl_pct: null, equity_curve: [{ ts: T1, as_of: null, value: '900' }],
    });
  });

  it('given a derived summary, when the sources change only in what it does not show, then the same state object comes back', () => {
    const before = derive(portfolioSummary.initial, BASE);
    expect(derive(before, { ...BASE, exposure: { kalshi: '15' } })).toBe(before);
    expect(derive(before, { ...BASE, strategies: { ...BASE.strategies, c: strategy('0', 0, 0) } })).toBe(before);
  });

  it('given another state than the one last derived, when the sources are the same, then that state is derived, not returned as it is', () => {
    derive(portfolioSummary.initial, BASE);
    const other: PortfolioSummaryState = { ...portfolioSummary.initial, halted: true };
    expect(derive(other, BASE)).toStrictEqual(BASE_SUMMARY);
  });

  it('given a derived summary, when an input changes and the value does not, then no point is added: the curve is the same array', () => {
    const before = derive(portfolioSummary.initial, BASE);
    const after = derive(before, { ...BASE, halted: true }, T2);
    expect(after.halted).toBe(true);
    expect(after.equity_curve).toBe(before.equity_curve);
  });
});

describe('portfolio.summary: the equity curve window and its splice', () => {
  it(`given ${MAX_EQUITY_POINTS} points, when the value changes once more, then exactly the oldest point leaves`, () => {
    let state = portfolioSummary.initial;
    for (let i = 0; i <= MAX_EQUITY_POINTS; i++) {
      state = derive(state, { ...BASE, value: String(1000 + i) });
      expect(state.equity_curve).toHaveLength(Math.min(i + 1, MAX_EQUITY_POINTS));
    }
    expect(state.equity_curve[0]?.value).toBe('1001');
    expect(state.equity_curve[MAX_EQUITY_POINTS - 1]?.value).toBe(String(1000 + MAX_EQUITY_POINTS));
  });

  it('given a point appended, then the splice names the curve before and after it by identity, with nothing dropped', () => {
    const before = derive(portfolioSummary.initial, BASE);
    const after = derive(before, { ...BASE, value: '900' });
    const splice = lastCurveSplice();
    expect(splice).toStrictEqual({ before: before.equity_curve, after: after.equity_curve, dropped: 0 });
    expect(splice?.before).toBe(before.equity_curve);
    expect(splice?.after).toBe(after.equity_curve);
  });

  it(`given ${MAX_EQUITY_POINTS} points, when one more is appended, then the splice says one point was dropped`, () => {
    let state = portfolioSummary.initial;
    for (let i = 0; i < MAX_EQUITY_POINTS; i++) state = derive(state, { ...BASE, value: String(1000 + i) });
    const full = state.equity_curve;
    state = derive(state, { ...BASE, value: '1' });
    expect(lastCurveSplice()).toStrictEqual({ before: full, after: state.equity_curve, dropped: 1 });
  });

  it('given a point replaced within its simulated minute, then there is no splice to reuse', () => {
    const before = derive(portfolioSummary.initial, BASE, T1, '2026-01-01T00:00:10.000Z');
    const after = derive(before, { ...BASE, value: '900' }, T2, '2026-01-01T00:00:50.000Z');
    expect(after.equity_curve).toStrictEqual([{ ts: T2, as_of: '2026-01-01T00:00:50.000Z', value: '900' }]);
    expect(lastCurveSplice()).toBeUndefined();
  });

  it('given a summary returned, when its last point is replaced within the simulated minute, then the summary returned before keeps its own point', () => {
    const before = derive(portfolioSummary.initial, BASE, T1, '2026-01-01T00:00:10.000Z');
    derive(before, { ...BASE, value: '900' }, T2, '2026-01-01T00:00:50.000Z');
    expect(before.equity_curve).toStrictEqual([{ ts: T1, as_of: '2026-01-01T00:00:10.000Z', value: '820' }]);
  });

  it('given a point with a simulated time, when the next carries none (or the reverse), then a point is added, never replaced', () => {
    const timed = derive(portfolioSummary.initial, BASE, T1, '2026-01-01T00:00:10.000Z');
    const untimed = derive(timed, { ...BASE, value: '900' }, T2);
    expect(untimed.equity_curve.map((p) => p.value)).toEqual(['820', '900']);
    const timedAgain = derive(untimed, { ...BASE, value: '910' }, T2, '2026-01-01T00:00:20.000Z');
    expect(timedAgain.equity_curve.map((p) => p.value)).toEqual(['820', '900', '910']);
  });
});

describe('portfolio.summary: the equity curve within a draft scope', () => {
  it(`given a draft scope, when the value changes past ${MAX_EQUITY_POINTS} times, then the curve made in the scope is extended in place and keeps exactly the newest ${MAX_EQUITY_POINTS} points`, () => {
    inDraftScope(new WeakSet(), () => {
      let state = derive(portfolioSummary.initial, { ...BASE, value: '1000' });
      const curve = state.equity_curve;
      for (let i = 1; i <= MAX_EQUITY_POINTS; i++) {
        state = derive(state, { ...BASE, value: String(1000 + i) });
        expect(state.equity_curve).toBe(curve);
        expect(curve).toHaveLength(Math.min(i + 1, MAX_EQUITY_POINTS));
      }
      expect(curve[0]?.value).toBe('1001');
      expect(curve[MAX_EQUITY_POINTS - 1]?.value).toBe(String(1000 + MAX_EQUITY_POINTS));
    });
  });

  it('given a draft scope, when a point falls in the last point\'s simulated minute, then it replaces it in place; in another minute it is appended in place', () => {
    inDraftScope(new WeakSet(), () => {
      const first = derive(portfolioSummary.initial, BASE, T1, '2026-01-01T00:00:10.000Z');
      const curve = first.equity_curve;
      const replaced = derive(first, { ...BASE, value: '900' }, T2, '2026-01-01T00:00:50.000Z');
      expect(replaced.equity_curve).toBe(curve);
      expect(curve).toStrictEqual([{ ts: T2, as_of: '2026-01-01T00:00:50.000Z', value: '900' }]);
      const appended = derive(replaced, { ...BASE, value: '910' }, T2, '2026-01-01T00:01:00.000Z');
      expect(appended.equity_curve).toBe(curve);
      expect(curve.map((p) => p.value)).toEqual(['900', '910']);
    });
  });

  it('given a curve made outside the scope, when the value changes within it, then that curve is left as it was', () => {
    const outside = derive(portfolioSummary.initial, BASE);
    const held = outside.equity_curve;
    inDraftScope(new WeakSet(), () => {
      const inside = derive(outside, { ...BASE, value: '900' });
      expect(inside.equity_curve).not.toBe(held);
      expect(held).toStrictEqual([{ ts: T1, as_of: null, value: '820' }]);
    });
  });
});
