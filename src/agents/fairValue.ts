import Big from 'big.js';
import { ONE, clampBig, minBig, roundHalfUp } from './money';

/** Whether a market pays YES when spot ends above or below its threshold. */
export type Direction = 'above' | 'below';

const BAND = new Big('0.05');
const HIGH = new Big('0.95');
const LOW = new Big('0.05');
const HALF = new Big('0.5');
const SLOPE = new Big(10);

/** Signed distance of spot past the threshold, (spot − K) / K, to 6 decimal places. */
export function distanceOf(spot: Big, threshold: Big): Big {
  return roundHalfUp(spot.minus(threshold).div(threshold), 6);
}

/**
 * Fair YES price (DOMAIN.md): 0.95 / 0.05 when spot is more than 5% past the threshold,
 * else 0.5 ± 10 × distance clamped to [0.05, 0.95] so the price does not jump at the band's edge.
 */
export function fairValue(spot: Big, threshold: Big, direction: Direction): Big {
  const d = distanceOf(spot, threshold);
  const above = d.gt(BAND) ? HIGH : d.lt(BAND.neg()) ? LOW : clampBig(HALF.plus(SLOPE.times(d)), LOW, HIGH);
  return direction === 'above' ? above : ONE.minus(above);
}

/** Signal strength min(1, 10 × |distance|). */
export function signalOf(spot: Big, threshold: Big): Big {
  return minBig(ONE, SLOPE.times(distanceOf(spot, threshold).abs()));
}

/** Whether YES wins when the oracle reads `spot` at expiry (strictly past the threshold). */
export function yesWins(spot: Big, threshold: Big, direction: Direction): boolean {
  return direction === 'above' ? spot.gt(threshold) : spot.lt(threshold);
}
