import type { AgentChannel, Event } from '../events';
import type { AgentUpdatesState } from './agentUpdates';
import { eventTime } from './eventTime';
import { asDraft, isDraft, own, sameFields } from './keys';
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
  /** The agents' simulated time (envelope `as_of`), `null` when the event did not carry one. */
  readonly as_of: string | null;
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
  /** `risk.state.marked_value`: equity with open positions marked to the venue's bid. */
  readonly marked_value: Money | null;
  /** `risk.state.unrealised_pnl`. */
  readonly unrealised_pnl: Money | null;
  /** `risk.state.as_of`: the agents' simulated time. */
  readonly as_of: string | null;
  /** Oldest first; a point whenever the current value changes, at most one per simulated minute. */
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
    marked_value: null,
    unrealised_pnl: null,
    as_of: null,
    equity_curve: [],
  },
  evolve(state, sources, event) {
    if (lastDerived !== undefined && state === lastDerived.state && sameInputs(lastDerived.inputs, sources)) return state;
    const inputs = inputsOf(sources);
    const next = derive(state, inputs, event);
    // Stryker disable next-line ObjectLiteral: without a last derivation the cache never answers, and deriving again gives the same state
    lastDerived = { state: next, inputs };
    return next;
  },
};

/** Exactly what the summary is computed from. */
interface Inputs {
  readonly allocatorCapital: Money | null;
  readonly bankroll: Money | null;
  readonly riskValue: Money | null;
  readonly halted: boolean;
  readonly marked: Money | null;
  readonly unrealised: Money | null;
  readonly asOf: string | null;
  readonly exposure: Readonly<Record<string, Money>>;
  readonly tradeCount: number;
  readonly totals: StrategyTotals;
}

function inputsOf({ agents, trades, risk, strategies }: PortfolioSources): Inputs {
  return {
    allocatorCapital: agents.allocator.total_capital,
    bankroll: risk.bankroll,
    riskValue: risk.current_value,
    halted: risk.halted,
    marked: risk.marked_value,
    unrealised: risk.unrealised_pnl,
    asOf: risk.as_of,
    exposure: risk.exposure_by_venue,
    tradeCount: trades.trade_count,
    totals: strategyTotals(strategies.strategies),
  };
}

/**
 * The last derivation: most events change only parts of the sources the summary does not show
 * (heartbeats, request counts), and then the same state comes back without recomputing it.
 */
let lastDerived: { readonly state: PortfolioSummaryState; readonly inputs: Inputs } | undefined;

/** Whether `sources` hold the very inputs `a` was taken from: compared where they are, so most events allocate nothing here. */
// Stryker disable next-line BlockStatement: a cache that never answers derives again, which gives the same state
function sameInputs(a: Inputs, { agents, trades, risk, strategies }: PortfolioSources): boolean {
  const totals = strategyTotals(strategies.strategies);
  return (
    a.allocatorCapital === agents.allocator.total_capital &&
    a.bankroll === risk.bankroll &&
    a.riskValue === risk.current_value &&
    a.halted === risk.halted &&
    a.marked === risk.marked_value &&
    a.unrealised === risk.unrealised_pnl &&
    a.asOf === risk.as_of &&
    a.exposure === risk.exposure_by_venue &&
    a.tradeCount === trades.trade_count &&
    a.totals.realised === totals.realised &&
    a.totals.wins === totals.wins &&
    a.totals.losses === totals.losses
  );
}

function derive(state: PortfolioSummaryState, inputs: Inputs, event: Event): PortfolioSummaryState {
  const total_capital = inputs.allocatorCapital ?? inputs.bankroll;
  const base = inputs.bankroll ?? inputs.allocatorCapital;
  const { realised, wins, losses } = inputs.totals;
  const current_value = inputs.riskValue ?? (base === null ? null : add(realised, base));
  const { pnl, pnl_pct } = performance(current_value, base);
  const next: PortfolioSummaryState = {
    total_capital,
    current_value,
    pnl,
    pnl_pct,
    trade_count: inputs.tradeCount,
    wins,
    losses,
    win_rate: countRatio(wins, wins + losses),
    open_exposure: exposureTotal(inputs.exposure),
    halted: inputs.halted,
    marked_value: inputs.marked,
    unrealised_pnl: inputs.unrealised,
    as_of: inputs.asOf,
    equity_curve: extend(state.equity_curve, current_value, event),
  };
  return sameFields(state, next) ? state : next;
}

interface StrategyTotals {
  readonly realised: Money;
  readonly wins: number;
  readonly losses: number;
}


/** The last strategy map summed, its totals and its size (at first an empty map, whose totals are zero). */
let lastTotals: { map: Readonly<Record<string, StrategyEntry>>; totals: StrategyTotals; count: number } = {
  map: {},
  totals: { realised: '0', wins: 0, losses: 0 },
  count: 0,
};

function strategyTotals(map: Readonly<Record<string, StrategyEntry>>): StrategyTotals {
  const last = lastTotals;
  if (map === last.map) return last.totals;
  let wins = 0;
  let losses = 0;
  let count = 0;
  // Request and decision counts change the map far more often than P&L: sum again only when a P&L changed.
  // Stryker disable next-line BooleanLiteral: starting from "changed" only sums again, to the same total
  let samePnl = true;
  for (const key in map) {
    const s = map[key] as StrategyEntry;
    wins += s.wins;
    losses += s.losses;
    // Stryker disable next-line UpdateOperator: the count is only compared with the count this loop made of the last map, so counting down agrees too
    count++;
    if (samePnl) samePnl = own(last.map, key)?.pnl === s.pnl;
  }
  const realised = samePnl && count === last.count ? last.totals.realised : realisedOf(map);
  const totals = { realised, wins, losses };
  lastTotals = { map, totals, count };
  return totals;
}

/** The strategies' P&L summed (`sumOf` without the lists). */
function realisedOf(map: Readonly<Record<string, StrategyEntry>>): Money {
  let sum: Money | undefined;
  for (const key in map) {
    const pnl = (map[key] as StrategyEntry).pnl;
    sum = sum === undefined ? plain(pnl) : add(sum, pnl);
  }
  return sum ?? '0';
}

/** The amounts summed: the first as it is written canonically (what adding it to 0 gives), then one addition per other amount. */
function sumOf(amounts: readonly Money[]): Money {
  if (amounts.length === 0) return '0';
  let sum = plain(amounts[0] as Money);
  for (let i = 1; i < amounts.length; i++) sum = add(sum, amounts[i] as Money);
  return sum;
}

/** The last exposure map summed: an immutable map that did not change is never summed again. */
let lastExposure: { map: Readonly<Record<string, Money>> | undefined; total: Money } = { map: undefined, total: '0' };

function exposureTotal(map: Readonly<Record<string, Money>>): Money {
  if (map !== lastExposure.map) lastExposure = { map, total: sumOf(Object.values(map)) };
  return lastExposure.total;
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
  if (value === null || base === null) {
    lastPerformance = { value, base, pnl: null, pnl_pct: null };
  } else {
    const pnl = sub(value, base);
    lastPerformance = { value, base, pnl, pnl_pct: ratio(pnl, base) };
  }
  return lastPerformance;
}

/** How the last new equity curve was made from the one before it: what a diff need not rediscover. */
export interface CurveSplice {
  readonly before: readonly EquityPoint[];
  readonly after: readonly EquityPoint[];
  /** Points dropped from the front; one point was appended. */
  readonly dropped: number;
}

let lastSplice: CurveSplice | undefined;

/** The last equity curve extension (by identity of both arrays), so a diff of a long curve is O(1). */
export function lastCurveSplice(): CurveSplice | undefined {
  return lastSplice;
}

/**
 * A new point when the value changed. When the new point and the last one carry simulated times in
 * the same simulated minute, the last point is replaced instead: at most one point per simulated
 * minute, so the 500-point window spans hours of a fast simulation.
 */
function extend(curve: readonly EquityPoint[], value: Money | null, event: Event): readonly EquityPoint[] {
  const last = curve[curve.length - 1];
  if (value === null || last?.value === value) return curve;
  const asOf = event.meta.asOf ?? null;
  const point: EquityPoint = { ts: eventTime(event), as_of: asOf, value };
  const replacesLast =
    last !== undefined &&
    // Stryker disable next-line ConditionalExpression: a missing time parses as NaN, which is in no minute: sameMinute alone would refuse it
    asOf !== null && last.as_of !== null &&
    sameMinute(last.as_of, asOf);
  // A curve made earlier in the draft scope changes in place: under load, value changes many times per
  // tick, and each copy below moves up to 500 points (see `inDraftScope`).
  if (isDraft(curve)) {
    const draft = curve as EquityPoint[];
    if (replacesLast) draft[draft.length - 1] = point;
    else {
      if (draft.length >= MAX_EQUITY_POINTS) draft.shift();
      draft.push(point);
    }
    return draft;
  }
  if (replacesLast) {
    lastSplice = undefined;
    const next = curve.slice();
    next[next.length - 1] = point;
    return asDraft(next);
  }
  // One copy, allocated at its final size: this runs on every change of value, with up to 500 points.
  const from = curve.length >= MAX_EQUITY_POINTS ? curve.length - MAX_EQUITY_POINTS + 1 : 0;
  const next: EquityPoint[] = new Array<EquityPoint>(curve.length - from + 1);
  next[next.length - 1] = point;
  for (let i = from; i < curve.length; i++) next[i - from] = curve[i] as EquityPoint;
  lastSplice = { before: curve, after: next, dropped: from };
  return asDraft(next);
}

/** Whether two ISO-8601 times fall in the same minute (compared as instants, whatever their zones). */
function sameMinute(a: string, b: string): boolean {
  return Math.floor(Date.parse(a) / 60_000) === Math.floor(Date.parse(b) / 60_000);
}
