import * as t from 'io-ts';
import { Decimal } from './decimal';
import { MarketId, NonEmptyString, Venue, safeRecord } from './primitives';

/** `risk.decided`: the guardian approved or rejected a trade request. */
export const RiskDecided = t.type({
  request_id: NonEmptyString,
  strategy: NonEmptyString,
  approved: t.boolean,
  reason: t.string,
  rule_triggered: t.union([NonEmptyString, t.null]),
});
export type RiskDecided = t.TypeOf<typeof RiskDecided>;

/** `risk.halted`: the guardian stopped all trading. */
export const RiskHalted = t.type({
  rule: NonEmptyString,
  reason: t.string,
});
export type RiskHalted = t.TypeOf<typeof RiskHalted>;

/** `state_update` on risk.state: the risk guardian's authoritative snapshot. */
export const GuardianSnapshot = t.intersection([
  t.type({
    current_value: Decimal,
    high_water_mark: Decimal,
    daily_pnl: Decimal,
    halted: t.boolean,
  }),
  t.partial({
    initial_bankroll: Decimal,
    positions: safeRecord(MarketId, Decimal, 'positions map'),
    platform_exposure: safeRecord(Venue, Decimal, 'platform exposure map'),
    /** current_value + unrealised_pnl: open positions marked to the venue's bid. */
    marked_value: Decimal,
    /** Σ over open positions of contracts × bid − cost − fees paid. */
    unrealised_pnl: Decimal,
    /** The high-water mark of marked_value (the drawdown rule's reference). */
    marked_high_water_mark: Decimal,
  }),
]);
export type GuardianSnapshot = t.TypeOf<typeof GuardianSnapshot>;
