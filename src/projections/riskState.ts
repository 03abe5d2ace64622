import { absurd } from 'fp-ts/function';
import { deleteKey, draftDelete, draftSet, edit, own, safeKey, sameFields, sameRecord, setKey, size } from './keys';
import { add, cmp, isZero, max, min, plain, ratio, sub, type Money } from './money';
import type { EventsOf, Projection } from './projection';

/** At most this many markets are held; the smallest exposure makes room. */
export const MAX_MARKETS = 256;
/** At most this many rule keys, `_other` included: rules beyond the first ones count under `_other`. */
export const MAX_RULES = 32;

/** Counts of the guardian's decisions. */
export interface RiskDecisions {
  readonly approved: number;
  readonly rejected: number;
  readonly rejections_by_rule: Readonly<Record<string, number>>;
}

/** State of the `risk.state` projection. */
export interface RiskState {
  readonly current_value: Money | null;
  readonly high_water_mark: Money | null;
  /** `high_water_mark − current_value`, never negative. */
  readonly drawdown: Money | null;
  /** `drawdown / high_water_mark`, rounded to 6 places. */
  readonly drawdown_pct: Money | null;
  readonly daily_pnl: Money;
  readonly halted: boolean;
  readonly halt_rule: string | null;
  readonly halt_reason: string | null;
  readonly bankroll: Money | null;
  /** Open exposure per market id; markets at zero are dropped. */
  readonly exposure_by_market: Readonly<Record<string, Money>>;
  /** Open exposure per venue; venues at zero are dropped. */
  readonly exposure_by_venue: Readonly<Record<string, Money>>;
  readonly decisions: RiskDecisions;
  /** `current_value` + `unrealised_pnl`: open positions marked to the venue's bid (guardian snapshot). */
  readonly marked_value: Money | null;
  /** Σ over open positions of contracts × bid − cost − fees (guardian snapshot). */
  readonly unrealised_pnl: Money | null;
  /** The high-water mark of `marked_value`, the drawdown rule's reference (guardian snapshot). */
  readonly marked_high_water_mark: Money | null;
  /** `marked_high_water_mark − marked_value`, never negative. */
  readonly marked_drawdown: Money | null;
  /** `marked_drawdown / marked_high_water_mark`, rounded to 6 places. */
  readonly marked_drawdown_pct: Money | null;
  /** The agents' simulated time (envelope `as_of`) of the last event applied that carried one. */
  readonly as_of: string | null;
}

type Handled = 'risk.decided' | 'risk.halted' | 'guardian.snapshot' | 'trade.executed' | 'trade.settled';

/** Value, drawdown, halts, exposure and the guardian's decisions. */
export const riskState: Projection<RiskState, Handled> = {
  channel: 'risk.state',
  initial: {
    current_value: null,
    high_water_mark: null,
    drawdown: null,
    drawdown_pct: null,
    daily_pnl: '0',
    halted: false,
    halt_rule: null,
    halt_reason: null,
    bankroll: null,
    exposure_by_market: {},
    exposure_by_venue: {},
    decisions: { approved: 0, rejected: 0, rejections_by_rule: {} },
    marked_value: null,
    unrealised_pnl: null,
    marked_high_water_mark: null,
    marked_drawdown: null,
    marked_drawdown_pct: null,
    as_of: null,
  },
  handles: ['risk.decided', 'risk.halted', 'guardian.snapshot', 'trade.executed', 'trade.settled'],
  evolve(state, event) {
    const next = evolveRisk(state, event);
    const asOf = event.meta.asOf;
    if (asOf === undefined || asOf === next.as_of) return next;
    const dated = edit(next);
    dated.as_of = asOf;
    return dated;
  },
};

/**
 * The reduction proper; `evolve` adds the simulated time. Within a draft scope the state and its
 * `decisions` change in place once copied (`edit`): most events change a field or two of them.
 */
function evolveRisk(state: RiskState, event: EventsOf<Handled>): RiskState {
  switch (event.type) {
    case 'risk.decided': {
      const next = edit(state);
      next.decisions = countDecision(state.decisions, event.data.approved, event.data.rule_triggered);
      return next;
    }
    case 'risk.halted': {
      const { rule, reason } = event.data;
      // A halt rule is held only while halted (a snapshot saying not halted clears it), so the rule alone says the halt is held.
      if (state.halt_rule === rule && state.halt_reason === reason) return state;
      const next = edit(state);
      next.halted = true;
      next.halt_rule = rule;
      next.halt_reason = reason;
      return next;
    }
    case 'guardian.snapshot':
      return onSnapshot(state, event);
    case 'trade.executed':
      return onExecuted(state, event);
    case 'trade.settled':
      return onSettled(state, event);
    default:
      return absurd(event);
  }
}

function countDecision(d: RiskDecisions, approved: boolean, rule: string | null): RiskDecisions {
  const next = edit(d);
  if (approved) {
    next.approved = d.approved + 1;
    return next;
  }
  const byRule = d.rejections_by_rule;
  let key = safeKey(rule ?? 'unknown');
  if (own(byRule, key) === undefined && size(byRule) >= MAX_RULES - 1) key = '_other';
  next.rejections_by_rule = draftSet(byRule, key, (own(byRule, key) ?? 0) + 1);
  next.rejected = d.rejected + 1;
  return next;
}

/**
 * Authoritative for the fields it carries; fields it omits are left as they were. A snapshot that
 * changes nothing leaves the state as it was (the channel's version stays).
 */
function onSnapshot(state: RiskState, event: EventsOf<'guardian.snapshot'>): RiskState {
  const d = event.data;
  const halted = d.halted;
  const current_value = plain(d.current_value);
  const high_water_mark = plain(d.high_water_mark);
  const marked_value = d.marked_value === undefined ? state.marked_value : plain(d.marked_value);
  const marked_high_water_mark = d.marked_high_water_mark === undefined ? state.marked_high_water_mark : plain(d.marked_high_water_mark);
  const [drawdown, drawdown_pct] = drawdownOf(current_value, high_water_mark);
  const [marked_drawdown, marked_drawdown_pct] = drawdownOf(marked_value, marked_high_water_mark);
  const next: RiskState = {
    ...state,
    current_value,
    high_water_mark,
    drawdown,
    drawdown_pct,
    daily_pnl: plain(d.daily_pnl),
    halted,
    halt_rule: halted ? state.halt_rule : null,
    halt_reason: halted ? state.halt_reason : null,
    bankroll: d.initial_bankroll === undefined ? state.bankroll : plain(d.initial_bankroll),
    exposure_by_market: d.positions === undefined ? state.exposure_by_market : heldIfSame(state.exposure_by_market, nonZero(d.positions, MAX_MARKETS)),
    exposure_by_venue: d.platform_exposure === undefined ? state.exposure_by_venue : heldIfSame(state.exposure_by_venue, nonZero(d.platform_exposure, MAX_MARKETS)),
    marked_value,
    unrealised_pnl: d.unrealised_pnl === undefined ? state.unrealised_pnl : plain(d.unrealised_pnl),
    marked_high_water_mark,
    marked_drawdown,
    marked_drawdown_pct,
  };
  return sameFields(state, next) ? state : next;
}

/** `held` when `fresh` holds the same entries (so an unchanged map keeps its identity), else `fresh`. */
function heldIfSame(held: Readonly<Record<string, Money>>, fresh: Readonly<Record<string, Money>>): Readonly<Record<string, Money>> {
  return sameRecord(held, fresh) ? held : fresh;
}

function nonZero(map: Readonly<Partial<Record<string, string>>>, limit: number): Readonly<Record<string, Money>> {
  const out: Record<string, Money> = {};
  let count = 0;
  for (const [key, amount] of Object.entries(map)) {
    if (count >= limit) break;
    if (amount === undefined || isZero(amount)) continue;
    out[key] = plain(amount);
    count++;
  }
  return out;
}

/** A buy's fill opens exposure on its market and venue (a sale closes some: its settlement releases it). */
function onExecuted(state: RiskState, event: EventsOf<'trade.executed'>): RiskState {
  const { status, market_id, venue, amount, side } = event.data;
  if ((status !== 'filled' && status !== 'partial') || side === 'sell' || isZero(amount)) return state;
  // Up to MAX_MARKETS keys, written by most fills: updated in place within a draft scope (see draftSet).
  let markets = state.exposure_by_market;
  if (own(markets, market_id) === undefined && size(markets) >= MAX_MARKETS) markets = draftDelete(markets, smallest(markets));
  const venues = state.exposure_by_venue;
  const next = edit(state);
  next.exposure_by_market = draftSet(markets, market_id, add(own(markets, market_id) ?? '0', amount));
  // Copied, never changed in place: the summary's cache knows an unchanged venue map by its identity.
  next.exposure_by_venue = setKey(venues, venue, add(own(venues, venue) ?? '0', amount));
  return next;
}

function smallest(map: Readonly<Record<string, Money>>): string {
  // Stryker disable next-line StringLiteral: only called on a full map, whose first entry replaces it
  let found = '';
  let least: Money | undefined;
  for (const [key, amount] of Object.entries(map)) {
    if (least === undefined || cmp(amount, least) < 0) {
      found = key;
      least = amount;
    }
  }
  return found;
}

/**
 * Realised P&L moves value, daily P&L and the high-water mark. A settlement that says which
 * exposure it releases (`released_exposure`: an unwind sells part of a position) releases that
 * much, at most what the market holds; one that does not releases the whole market (a market
 * settles as a whole); the venue is released by as much.
 */
function onSettled(state: RiskState, event: EventsOf<'trade.settled'>): RiskState {
  const { pnl, market_id, released_exposure } = event.data;
  const held = own(state.exposure_by_market, market_id);
  if (held === undefined && isZero(pnl)) return state;
  let exposure_by_market = state.exposure_by_market;
  let exposure_by_venue = state.exposure_by_venue;
  if (held !== undefined) {
    const released = released_exposure === undefined ? held : min(plain(released_exposure), held);
    exposure_by_market = released === held ? draftDelete(exposure_by_market, market_id) : draftSet(exposure_by_market, market_id, sub(held, released));
    const venue = market_id.slice(0, market_id.indexOf(':'));
    const left = own(exposure_by_venue, venue);
    if (left !== undefined) {
      const rest = sub(left, released);
      exposure_by_venue = cmp(rest, '0') > 0 ? setKey(exposure_by_venue, venue, rest) : deleteKey(exposure_by_venue, venue);
    }
  }
  const current_value = state.current_value === null ? null : add(state.current_value, pnl);
  const high_water_mark =
    current_value === null ? state.high_water_mark : max(state.high_water_mark ?? current_value, current_value);
  const [drawdown, drawdown_pct] = drawdownOf(current_value, high_water_mark);
  const daily_pnl = add(state.daily_pnl, pnl);
  const next = edit(state);
  next.current_value = current_value;
  next.high_water_mark = high_water_mark;
  next.drawdown = drawdown;
  next.drawdown_pct = drawdown_pct;
  next.daily_pnl = daily_pnl;
  next.exposure_by_market = exposure_by_market;
  next.exposure_by_venue = exposure_by_venue;
  return next;
}

const UNKNOWN_DRAWDOWN = [null, null] as const;

/** `mark − value`, never negative, and its ratio to `mark` (6 places); unknown while either is. */
function drawdownOf(value: Money | null, mark: Money | null): readonly [Money | null, Money | null] {
  if (value === null || mark === null) return UNKNOWN_DRAWDOWN;
  const drawdown = max(sub(mark, value), '0');
  return [drawdown, ratio(drawdown, mark)];
}
