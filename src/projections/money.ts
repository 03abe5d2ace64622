import Big from 'big.js';

/** Money and fractions in projection states: plain-notation decimal strings, canonical (no trailing zeros). */
export type Money = string;

/** Decimal places kept for ratios (drawdown, win rate), which are rarely exact. */
export const RATIO_PLACES = 6;

function fix(b: Big): Money {
  const s = b.toFixed();
  return s === '-0' ? '0' : s;
}

/** `d` in canonical plain notation: `"25.00"` → `"25"`, `"1E+2"` → `"100"`, `"-0"` → `"0"`. */
export function plain(d: string): Money {
  return fix(new Big(d));
}

/** `a + b`, exact. */
export function add(a: string, b: string): Money {
  return fix(new Big(a).plus(b));
}

/** `a − b`, exact. */
export function sub(a: string, b: string): Money {
  return fix(new Big(a).minus(b));
}

/** Numeric comparison: negative, zero or positive. */
export function cmp(a: string, b: string): number {
  return new Big(a).cmp(b);
}

/** The larger of two amounts (numerically). */
export function max(a: string, b: string): Money {
  return cmp(a, b) >= 0 ? a : b;
}

/** The smaller of two amounts (numerically). */
export function min(a: string, b: string): Money {
  return cmp(a, b) <= 0 ? a : b;
}

/** `a / b` rounded half-up to `RATIO_PLACES`, or `null` when `b` is zero. */
export function ratio(a: string, b: string): Money | null {
  const divisor = new Big(b);
  if (divisor.eq(0)) return null;
  return fix(new Big(a).div(divisor).round(RATIO_PLACES, Big.roundHalfUp));
}

/** `true` when `d` is numerically zero. */
export function isZero(d: string): boolean {
  return new Big(d).eq(0);
}
