import Big from 'big.js';
import { normalCdf } from './normal';

/** Whether a market pays YES when spot ends above or below its threshold. */
export type Direction = 'above' | 'below';

/** Milliseconds in the year that annualised volatilities refer to (365 days). */
export const YEAR_MS = 365 * 24 * 3_600_000;

/**
 * Probability that spot ends strictly past the threshold: the digital option price Φ(d₂),
 * d₂ = (ln(S/K) − σ²τ/2) / (σ√τ), with σ annualised and τ the years left (no discounting:
 * the horizon is minutes). At τ = 0 it is 1 or 0. Floats: a probability, not money.
 */
export function digitalProbability(spot: number, threshold: number, volatility: number, msLeft: number, direction: Direction): number {
  const tau = Math.max(0, msLeft) / YEAR_MS;
  const sd = volatility * Math.sqrt(tau);
  const above = sd === 0 ? (spot > threshold ? 1 : 0) : normalCdf((Math.log(spot / threshold) - (sd * sd) / 2) / sd);
  return direction === 'above' ? above : 1 - above;
}

/** Fair YES price: the digital probability as a decimal to 4 places. */
export function fairValue(spot: Big, threshold: Big, volatility: number, msLeft: number, direction: Direction): Big {
  return new Big(digitalProbability(Number(spot), Number(threshold), volatility, msLeft, direction).toFixed(4));
}

/** Whether YES wins when the oracle reads `spot` at expiry (strictly past the threshold). */
export function yesWins(spot: Big, threshold: Big, direction: Direction): boolean {
  return direction === 'above' ? spot.gt(threshold) : spot.lt(threshold);
}
