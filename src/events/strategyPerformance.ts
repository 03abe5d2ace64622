import * as t from 'io-ts';
import { Decimal, Fraction } from './decimal';
import { MarketId, NonEmptyString, OpportunityType, Outcome, Side } from './primitives';

/** `opportunity.detected`: the scanner found a market priced away from its fair value. */
export const OpportunityDetected = t.intersection([
  t.type({
    id: NonEmptyString,
    opportunity_type: OpportunityType,
    market_id: MarketId,
    oracle_symbol: NonEmptyString,
    oracle_value: Decimal,
    fair_price: Fraction,
    market_price: Fraction,
    expected_edge: Decimal,
    signal_strength: Fraction,
  }),
  t.partial({
    /** cross_platform: the market of the NO leg (the same listing on the other venue). */
    paired_market_id: MarketId,
  }),
]);
export type OpportunityDetected = t.TypeOf<typeof OpportunityDetected>;

/** `trade.requested`: a strategy asks the risk guardian to approve a trade. */
export const TradeRequested = t.type({
  request_id: NonEmptyString,
  opportunity_id: NonEmptyString,
  strategy: NonEmptyString,
  market_id: MarketId,
  side: Side,
  outcome: Outcome,
  amount: Decimal,
  max_price: Fraction,
  expected_edge: Decimal,
});
export type TradeRequested = t.TypeOf<typeof TradeRequested>;
