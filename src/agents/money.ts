import Big from 'big.js';
import type { Decimal, Fraction } from '../events';

/** Exact zero and one, shared. */
export const ZERO = new Big(0);
export const ONE = new Big(1);

const ROUND_DOWN: Big.RoundingMode = 0;
const ROUND_HALF_UP: Big.RoundingMode = 1;
const ROUND_UP: Big.RoundingMode = 3;

/** Rounds toward zero to `dp` decimal places. */
export function roundDown(x: Big, dp: number): Big {
  return x.round(dp, ROUND_DOWN);
}

/** Rounds half away from zero to `dp` decimal places. */
export function roundHalfUp(x: Big, dp: number): Big {
  return x.round(dp, ROUND_HALF_UP);
}

/** Rounds away from zero to `dp` decimal places. */
export function roundUp(x: Big, dp: number): Big {
  return x.round(dp, ROUND_UP);
}

/** The smaller of two. */
export function minBig(a: Big, b: Big): Big {
  return a.lt(b) ? a : b;
}

/** The larger of two. */
export function maxBig(a: Big, b: Big): Big {
  return a.gt(b) ? a : b;
}

/** `x` limited to [lo, hi]. */
export function clampBig(x: Big, lo: Big, hi: Big): Big {
  return minBig(maxBig(x, lo), hi);
}

/** A Big as a wire decimal string in plain notation. */
export function dec(x: Big): Decimal {
  return x.toFixed() as Decimal;
}

/** A Big known to lie in 0..1 as a wire fraction string. */
export function frac(x: Big): Fraction {
  return x.toFixed() as Fraction;
}
