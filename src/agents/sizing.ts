import Big from 'big.js';
import { ZERO, maxBig, minBig, roundDown } from './money';

/** What sizing needs to know: the strategy's capital and what the guardian's last snapshot said. */
export interface SizingInput {
  /** The allocator's total capital. */
  readonly capital: Big;
  /** This strategy's share of it. */
  readonly allocationPct: Big;
  readonly signal: Big;
  readonly bankroll: Big;
  readonly maxPositionPct: Big;
  readonly maxPlatformPct: Big;
  /** Exposure already held on the market and on its venue. */
  readonly marketExposure: Big;
  readonly venueExposure: Big;
}

const HALF = new Big('0.5');

/**
 * amount = capital × allocation × 0.5 × signal, capped at capital × allocation and at the room left
 * under the position and platform limits, rounded down to cents; zero when there is no room.
 */
export function sizeOrder(input: SizingInput): Big {
  const budget = input.capital.times(input.allocationPct);
  const wanted = budget.times(HALF).times(input.signal);
  const marketRoom = input.bankroll.times(input.maxPositionPct).minus(input.marketExposure);
  const venueRoom = input.bankroll.times(input.maxPlatformPct).minus(input.venueExposure);
  const capped = minBig(minBig(wanted, budget), minBig(marketRoom, venueRoom));
  return roundDown(maxBig(capped, ZERO), 2);
}
