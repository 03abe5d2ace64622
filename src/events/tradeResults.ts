import * as t from 'io-ts';
import { Decimal, Fraction } from './decimal';
import { MarketId, NonEmptyString, Outcome, Side, Timestamp, TradeStatus, Venue, Count } from './primitives';

/** The fields every trade record carries (the legacy executor's `recent_trades` items). */
const TradeFields = {
  id: NonEmptyString,
  request_id: NonEmptyString,
  market_id: MarketId,
  venue: Venue,
  side: Side,
  outcome: Outcome,
  amount: Decimal,
  price: Fraction,
  fees: Decimal,
  status: TradeStatus,
  executed_at: Timestamp,
};

/** Optional fill details (added later; older messages omit them). */
const FillDetails = {
  /** Contracts filled. */
  shares: Decimal,
  /** The order's limit: a buy never fills above it. */
  limit_price: Fraction,
  /** Dollars of the order (at the limit) that did not fill and were cancelled. */
  unfilled_amount: Decimal,
  /** A sale that unwinds (part of) this earlier buy. */
  closes_trade_id: NonEmptyString,
};

/** `trade.executed`: the paper executor filled (or failed) a trade. */
export const TradeExecuted = t.intersection([
  t.type({
    ...TradeFields,
    strategy: NonEmptyString,
    paper_trade: t.boolean,
  }),
  t.partial(FillDetails),
]);
export type TradeExecuted = t.TypeOf<typeof TradeExecuted>;

/** `trade.settled`: the trade's market resolved; `pnl` is realised. */
export const TradeSettled = t.intersection([
  t.type({
    trade_id: NonEmptyString,
    strategy: NonEmptyString,
    market_id: MarketId,
    won: t.boolean,
    pnl: Decimal,
    settled_at: Timestamp,
  }),
  t.partial({
    /** The cost basis this settlement releases from its market's exposure (absent: the whole market). */
    released_exposure: Decimal,
  }),
]);
export type TradeSettled = t.TypeOf<typeof TradeSettled>;

/** One item of the executor snapshot's `recent_trades` (legacy items carry no strategy). */
export const TradeRecord = t.intersection([
  t.type(TradeFields),
  t.partial({ strategy: NonEmptyString, paper_trade: t.boolean, ...FillDetails }),
]);
export type TradeRecord = t.TypeOf<typeof TradeRecord>;

/** `state_update` on trade.results: the paper executor's authoritative snapshot. */
export const ExecutorSnapshot = t.type({
  trade_count: Count,
  recent_trades: t.array(TradeRecord),
});
export type ExecutorSnapshot = t.TypeOf<typeof ExecutorSnapshot>;
