import { absurd } from 'fp-ts/function';
import type { Outcome, Side, TradeRecord, TradeStatus, Venue } from '../events';
import { asDraft, edit, editList, isDraft, sameFields } from './keys';
import { plain, type Money } from './money';
import type { EventsOf, Projection } from './projection';

/** How many recent trades the state holds, newest first. */
export const MAX_TRADES = 50;

/** One trade, with its settlement once known. */
export interface TradeEntry {
  readonly id: string;
  readonly request_id: string;
  /** `null` for legacy trades, which do not say. */
  readonly strategy: string | null;
  readonly market_id: string;
  readonly venue: Venue;
  readonly side: Side;
  readonly outcome: Outcome;
  readonly amount: Money;
  readonly price: Money;
  readonly fees: Money;
  readonly status: TradeStatus;
  readonly executed_at: string;
  readonly paper_trade: boolean | null;
  /** Settlement: `null` until the market resolves. */
  readonly won: boolean | null;
  readonly pnl: Money | null;
  readonly settled_at: string | null;
}

/** State of the `trade.results` projection. */
export interface TradeResultsState {
  readonly trade_count: number;
  readonly trades: readonly TradeEntry[];
}

type Handled = 'trade.executed' | 'trade.settled' | 'executor.snapshot';

/** Trades executed, the most recent ones, and how they settled. */
export const tradeResults: Projection<TradeResultsState, Handled> = {
  channel: 'trade.results',
  initial: { trade_count: 0, trades: [] },
  handles: ['trade.executed', 'trade.settled', 'executor.snapshot'],
  evolve(state, event) {
    switch (event.type) {
      case 'trade.executed': {
        const merged = mergeTrade(state.trades, event.data);
        if (!merged.changed && !merged.added) return state;
        const next = edit(state);
        next.trade_count = state.trade_count + (merged.added ? 1 : 0);
        next.trades = merged.trades;
        return next;
      }
      case 'trade.settled':
        return onSettled(state, event);
      case 'executor.snapshot':
        return onSnapshot(state, event);
      default:
        return absurd(event);
    }
  },
};

/** The snapshot is authoritative for the count; its items merge by id and never truncate the list. */
function onSnapshot(state: TradeResultsState, event: EventsOf<'executor.snapshot'>): TradeResultsState {
  let trades = state.trades;
  let changed = false;
  for (const record of event.data.recent_trades) {
    const merged = mergeTrade(trades, record);
    trades = merged.trades;
    changed ||= merged.changed;
  }
  const trade_count = event.data.trade_count;
  if (!changed && trade_count === state.trade_count) return state;
  const next = edit(state);
  next.trade_count = trade_count;
  next.trades = trades;
  return next;
}

function onSettled(state: TradeResultsState, event: EventsOf<'trade.settled'>): TradeResultsState {
  const { trade_id, won, settled_at } = event.data;
  const index = indexOfTrade(state.trades, trade_id);
  const held = state.trades[index];
  if (held === undefined) return state; // older than the window (or unknown): nothing shown changes
  const pnl = plain(event.data.pnl);
  if (held.won === won && held.pnl === pnl && held.settled_at === settled_at) return state;
  const trades = editList(state.trades);
  trades[index] = withSettlement(held, won, pnl, settled_at);
  const next = edit(state);
  next.trades = trades;
  return next;
}

/**
 * Where the trade with this id is in the list, or -1 (`findIndex` without a closure made per event).
 * Ids of one executor share a long prefix and differ at the end, and a new trade is compared with every
 * held one: the last characters are compared first, so most ids are told apart without a full comparison.
 */
function indexOfTrade(trades: readonly TradeEntry[], id: string): number {
  const last = id.charCodeAt(id.length - 1);
  for (let i = 0; i < trades.length; i++) {
    const held = (trades[i] as TradeEntry).id;
    // Stryker disable next-line ConditionalExpression,LogicalOperator: a shortcut; the full comparison gives the same answer
    if (held.length !== 0 && held.charCodeAt(held.length - 1) !== last) continue;
    if (held === id) return i;
  }
  return -1;
}

/** `held` with its settlement: every field written out, which V8 builds faster than a spread of the entry. */
function withSettlement(held: TradeEntry, won: boolean, pnl: Money, settled_at: string): TradeEntry {
  return {
    id: held.id,
    request_id: held.request_id,
    strategy: held.strategy,
    market_id: held.market_id,
    venue: held.venue,
    side: held.side,
    outcome: held.outcome,
    amount: held.amount,
    price: held.price,
    fees: held.fees,
    status: held.status,
    executed_at: held.executed_at,
    paper_trade: held.paper_trade,
    won,
    pnl,
    settled_at,
  };
}

/** What merging a trade did: the list (`trades` itself unless `changed`; the same draft changed in place, or a copy), and whether the trade was new. */
interface Merged {
  readonly trades: readonly TradeEntry[];
  readonly changed: boolean;
  readonly added: boolean;
}

/**
 * Merges one trade by id: updates the fields it carries, or inserts it by execution time (newest
 * first). A list made in the current draft scope changes in place (`editList`).
 */
function mergeTrade(trades: readonly TradeEntry[], record: TradeRecord): Merged {
  const index = indexOfTrade(trades, record.id);
  const held = trades[index];
  if (held !== undefined) {
    const updated = withRecord(held, record);
    if (sameFields(held, updated)) return { trades, changed: false, added: false };
    const next = editList(trades);
    next[index] = updated;
    return { trades: next, changed: true, added: false };
  }
  const entry = withRecord(undefined, record);
  const at = insertionIndex(trades, entry.executed_at);
  if (at >= MAX_TRADES) return { trades, changed: false, added: true };
  // Stryker disable next-line ConditionalExpression,BlockStatement: without it the list is copied as below, the same list with more allocation
  if (isDraft(trades)) {
    const draft = trades as TradeEntry[];
    draft.splice(at, 0, entry);
    if (draft.length > MAX_TRADES) draft.pop();
    return { trades: draft, changed: true, added: true };
  }
  // One copy at its final size (at most MAX_TRADES, the oldest beyond it dropped).
  const length = Math.min(trades.length + 1, MAX_TRADES);
  // Stryker disable next-line ArrayDeclaration: the loops below fill every index, so an array made empty ends the same
  const next = new Array<TradeEntry>(length);
  next[at] = entry;
  for (let i = 0; i < at; i++) next[i] = trades[i] as TradeEntry;
  for (let i = at + 1; i < length; i++) next[i] = trades[i - 1] as TradeEntry;
  return { trades: asDraft(next), changed: true, added: true };
}

/** Before the first trade executed no later than `executedAt`: ties put the newer arrival first. */
function insertionIndex(trades: readonly TradeEntry[], executedAt: string): number {
  const inMs = isMsUtc(executedAt);
  // Parsed only when some held time is in another form: nearly every time is compared as text.
  let ms = NaN;
  for (let i = 0; i < trades.length; i++) {
    const held = (trades[i] as TradeEntry).executed_at;
    // Stryker disable next-line ConditionalExpression: parsing both always gives the same order, more slowly
    if (inMs && isMsUtc(held)) {
      if (held <= executedAt) return i;
      continue;
    }
    // Stryker disable next-line ConditionalExpression: parsing again gives the same time
    if (Number.isNaN(ms)) ms = Date.parse(executedAt);
    if (Date.parse(held) <= ms) return i;
  }
  return trades.length;
}

/** The length of `YYYY-MM-DDTHH:MM:SS.sssZ`. */
const MS_UTC_LENGTH = 24;

/**
 * Whether a timestamp (as the codecs accept: a valid date and time, `YYYY-MM-DDTHH:MM:SS`, an optional
 * fraction of 1–9 digits, then `Z` or `±hh:mm`) is `YYYY-MM-DDTHH:MM:SS.sssZ`, as `toISOString()`
 * writes it: the only accepted form 24 characters long. Its fields have fixed widths, so two such
 * compare as text as they do as times.
 */
// Stryker disable next-line BlockStatement: a timestamp never taken for this form is parsed instead, to the same order
function isMsUtc(ts: string): boolean {
  // Stryker disable next-line ConditionalExpression: as above
  return ts.length === MS_UTC_LENGTH;
}

function withRecord(held: TradeEntry | undefined, r: TradeRecord): TradeEntry {
  return {
    id: r.id,
    request_id: r.request_id,
    strategy: r.strategy ?? held?.strategy ?? null,
    market_id: r.market_id,
    venue: r.venue,
    side: r.side,
    outcome: r.outcome,
    amount: plain(r.amount),
    price: plain(r.price),
    fees: plain(r.fees),
    status: r.status,
    executed_at: r.executed_at,
    paper_trade: r.paper_trade ?? held?.paper_trade ?? null,
    won: held?.won ?? null,
    pnl: held?.pnl ?? null,
    settled_at: held?.settled_at ?? null,
  };
}
