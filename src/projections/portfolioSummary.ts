import Big from 'big.js';
import type { AgentChannel, Event } from '../events';
import type { AgentUpdatesState } from './agentUpdates';
import { eventTime } from './eventTime';
import { plain, ratio, sub, type Money } from './money';
import type { RiskState } from './riskState';
import type { StrategyPerformanceState } from './strategyPerformance';
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
  evolve(state, { agents, trades, risk, strategies }, event) {
    const total_capital = agents.allocator.total_capital ?? risk.bankroll;
    const base = risk.bankroll ?? agents.allocator.total_capital;
    let realised = new Big(0);
    let wins = 0;
    let losses = 0;
    for (const s of Object.values(strategies.strategies)) {
      realised = realised.plus(s.pnl);
      wins += s.wins;
      losses += s.losses;
    }
    const current_value = risk.current_value ?? (base === null ? null : plain(realised.plus(base).toFixed()));
    const pnl = current_value === null || base === null ? null : sub(current_value, base);
    let exposure = new Big(0);
    for (const amount of Object.values(risk.exposure_by_venue)) exposure = exposure.plus(amount);
    const next: PortfolioSummaryState = {
      total_capital,
      current_value,
      pnl,
      pnl_pct: pnl === null || base === null ? null : ratio(pnl, base),
      trade_count: trades.trade_count,
      wins,
      losses,
      win_rate: ratio(String(wins), String(wins + losses)),
      open_exposure: plain(exposure.toFixed()),
      halted: risk.halted,
      equity_curve: extend(state.equity_curve, current_value, event),
    };
    return sameSummary(state, next) ? state : next;
  },
};

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
