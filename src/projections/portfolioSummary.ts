import Big from 'big.js';
import type { AgentChannel, Event } from '../events';
import type { AgentUpdatesState } from './agentUpdates';
import { eventTime } from './eventTime';
import { add, countRatio, plain, ratio, sub, type Money } from './money';
import type { RiskState } from './riskState';
import type { StrategyEntry, StrategyPerformanceState } from './strategyPerformance';
import type { TradeResultsState } from './tradeResults';

/** The equity curve holds at most this many points; the oldest go first. */
export const MAX_EQUITY_POINTS = 500;

/** One point of the equity curve: the portfolio's value after an event. */
export interface EquityPoint {
  /** The event's time (publish time, else the time its data carries), `null` when it has none. */
  readonly ts: string | null;
  readonly value: Money;
}

/** State of the `portfolio.summary` projection. */
export interface PortfolioSummaryState {
  readonly total_capital: Money | null;
  readonly current_value: Money | null;
  readonly pnl: Money | null;
  readonly pnl_pct: Money | null;
  readonly trade_count: number;
  readonly wins: number;
  readonly losses: number;
  readonly win_rate: Money | null;
  readonly open_exposure: Money;
  readonly halted: boolean;
  /** Oldest first; a point is appended whenever the current value changes. */
  readonly equity_curve: readonly EquityPoint[];
}

/** The states `portfolio.summary` is derived from, as of after the event. */
export interface PortfolioSources {
  readonly agents: AgentUpdatesState;
  readonly trades: TradeResultsState;
  readonly risk: RiskState;
  readonly strategies: StrategyPerformanceState;
}

/** A projection computed from the other projections' states rather than from events alone. */
export interface DerivedProjection<S, Sources> {
  readonly channel: AgentChannel;
  readonly initial: S;
  /** Called after an event changed at least one source; `event` only dates the change. */
  readonly evolve: (state: S, sources: Sources, event: Event) => S;
}

/** Overview figures and the equity curve, derived from the four event-fed projections. */
export const portfolioSummary: DerivedProjection<PortfolioSummaryState, PortfolioSources> = {
  channel: 'portfolio.summary',
  initial: {
    total_capital: null,
    current_value: null,
    pnl: null,
    pnl_pct: null,
    trade_count: 0,
    wins: 0,
    losses: 0,
    win_rate: null,
    open_exposure: '0',
    halted: false,
    equity_curve: [],
  },
  evolve(state, sources, event) {
    if (state === lastDerived.state && sameInputs(lastDerived.sources, sources)) return state;
    const next = derive(state, sources, event);
    lastDerived = { state: next, sources };
    return next;
  },
};

/**
 * The last derivation: most events change only parts of the sources the summary does not show
 * (heartbeats, opportunity counts), and then the same state comes back without recomputing it.
 */
let lastDerived: { state: PortfolioSummaryState | undefined; sources: PortfolioSources | undefined } = {
  state: undefined,
  sources: undefined,
};

function sameInputs(a: PortfolioSources | undefined, b: PortfolioSources): boolean {
  return (
    a !== undefined &&
    a.agents.allocator === b.agents.allocator &&
    a.trades.trade_count === b.trades.trade_count &&
    a.risk.current_value === b.risk.current_value &&
    a.risk.bankroll === b.risk.bankroll &&
    a.risk.halted === b.risk.halted &&
    a.risk.exposure_by_venue === b.risk.exposure_by_venue &&
    a.strategies.strategies === b.strategies.strategies
  );
}

function derive(
  state: PortfolioSummaryState,
  { agents, trades, risk, strategies }: PortfolioSources,
  event: Event,
): PortfolioSummaryState {
  const total_capital = agents.allocator.total_capital ?? risk.bankroll;
  const base = risk.bankroll ?? agents.allocator.total_capital;
  const { realised, wins, losses } = strategyTotals(strategies.strategies);
  const current_value = risk.current_value ?? (base === null ? null : add(realised, base));
  const { pnl, pnl_pct } = performance(current_value, base);
  const next: PortfolioSummaryState = {
    total_capital,
    current_value,
    pnl,
    pnl_pct,
    trade_count: trades.trade_count,
    wins,
    losses,
    win_rate: countRatio(wins, wins + losses),
    open_exposure: exposureTotal(risk.exposure_by_venue),
    halted: risk.halted,
    equity_curve: extend(state.equity_curve, current_value, event),
  };
  return sameSummary(state, next) ? state : next;
}

interface StrategyTotals {
  readonly realised: Money;
  readonly wins: number;
  readonly losses: number;
}

// Memos keyed by immutable maps: a map that did not change is never summed again.
const totalsMemo = new WeakMap<object, StrategyTotals>();
const exposureMemo = new WeakMap<object, Money>();

function strategyTotals(map: Readonly<Record<string, StrategyEntry>>): StrategyTotals {
  const memo = totalsMemo.get(map);
  if (memo !== undefined) return memo;
  let wins = 0;
  let losses = 0;
  let pnls = '';
  for (const key in map) {
    const s = map[key] as StrategyEntry;
    wins += s.wins;
    losses += s.losses;
    pnls += `${s.pnl} `;
  }
  // Request and decision counts change the map far more often than P&L: sum only new P&L lists.
  if (pnls !== lastRealised.pnls) lastRealised = { pnls, realised: sumOf(Object.values(map).map((s) => s.pnl)) };
  const totals = { realised: lastRealised.realised, wins, losses };
  totalsMemo.set(map, totals);
  return totals;
}

let lastRealised = { pnls: '', realised: '0' };

function sumOf(amounts: readonly Money[]): Money {
  let sum = new Big(0);
  for (const amount of amounts) sum = sum.plus(amount);
  return plain(sum.toFixed());
}

function exposureTotal(map: Readonly<Record<string, Money>>): Money {
  const memo = exposureMemo.get(map);
  if (memo !== undefined) return memo;
  const total = sumOf(Object.values(map));
  exposureMemo.set(map, total);
  return total;
}

interface Performance {
  readonly value: Money | null;
  readonly base: Money | null;
  readonly pnl: Money | null;
  readonly pnl_pct: Money | null;
}

/** The last P&L computed: value and base change far less often than the summary is derived. */
let lastPerformance: Performance = { value: null, base: null, pnl: null, pnl_pct: null };

function performance(value: Money | null, base: Money | null): Performance {
  if (lastPerformance.value === value && lastPerformance.base === base) return lastPerformance;
  const pnl = value === null || base === null ? null : sub(value, base);
  lastPerformance = { value, base, pnl, pnl_pct: pnl === null || base === null ? null : ratio(pnl, base) };
  return lastPerformance;
}

function extend(curve: readonly EquityPoint[], value: Money | null, event: Event): readonly EquityPoint[] {
  const last = curve[curve.length - 1];
  if (value === null || last?.value === value) return curve;
  const point: EquityPoint = { ts: eventTime(event), value };
  const kept = curve.length >= MAX_EQUITY_POINTS ? curve.slice(curve.length - MAX_EQUITY_POINTS + 1) : curve;
  return [...kept, point];
}

function sameSummary(a: PortfolioSummaryState, b: PortfolioSummaryState): boolean {
  for (const key of Object.keys(a) as (keyof PortfolioSummaryState)[]) if (a[key] !== b[key]) return false;
  return true;
}
