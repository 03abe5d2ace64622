import Big from 'big.js';
import type { Venue } from '../events';
import { ONE, ZERO, roundUp } from './money';

/** Kalshi's published taker and maker fee coefficients. */
export const KALSHI_TAKER_RATE = new Big('0.07');
export const KALSHI_MAKER_RATE = new Big('0.0175');

/** `ceil(rate × C × P × (1 − P))` rounded up to the cent: the shape of both venues' schedules. */
export function scheduleFee(rate: Big, contracts: Big, price: Big): Big {
  if (rate.eq(0) || contracts.lte(0)) return ZERO;
  return roundUp(rate.times(contracts).times(price).times(ONE.minus(price)), 2);
}

/**
 * The taker fee of one order of `contracts` at `price`. Kalshi: `ceil(0.07 × C × P × (1 − P))` to the
 * cent. Polymarket: `ceil(rate × C × P × (1 − P))` with the market's own taker rate, which is 0 on
 * standard markets (no fee at all).
 */
export function takerFee(venue: Venue, contracts: Big, price: Big, polymarketRate: Big = ZERO): Big {
  return scheduleFee(venue === 'kalshi' ? KALSHI_TAKER_RATE : polymarketRate, contracts, price);
}

/** Kalshi's maker fee, `ceil(0.0175 × C × P × (1 − P))` to the cent (Polymarket makers pay nothing). */
export function makerFee(venue: Venue, contracts: Big, price: Big): Big {
  return venue === 'kalshi' ? scheduleFee(KALSHI_MAKER_RATE, contracts, price) : ZERO;
}
