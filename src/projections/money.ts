import Big from 'big.js';

/** Money and fractions in projection states: plain-notation decimal strings, canonical (no trailing zeros). */
export type Money = string;

/** Decimal places kept for ratios (drawdown, win rate), which are rarely exact. */
export const RATIO_PLACES = 6;

/** A wire decimal as a Big: big.js rejects the leading `+` the wire grammar allows. */
export function big(d: string): Big {
  return new Big(d.charCodeAt(0) === 43 ? d.slice(1) : d);
}

function fix(b: Big): Money {
  const s = b.toFixed();
  return s === '-0' ? '0' : s;
}

/** Already canonical: no sign but `-`, no exponent, no leading or trailing zeros, not `-0`. */
const CANONICAL_RE = /^(?:0|-?[1-9]\d*)(?:\.\d*[1-9])?$|^-?0\.\d*[1-9]$/;

/** `d` in canonical plain notation: `"25.00"` → `"25"`, `"1E+2"` → `"100"`, `"-0"` → `"0"`. */
export function plain(d: string): Money {
  return CANONICAL_RE.test(d) ? d : fix(big(d));
}

/** `a + b`, exact. */
export function add(a: string, b: string): Money {
  return fix(big(a).plus(big(b)));
}

/** `a − b`, exact. */
export function sub(a: string, b: string): Money {
  return fix(big(a).minus(big(b)));
}

/** Numeric comparison: negative, zero or positive. */
export function cmp(a: string, b: string): number {
  return big(a).cmp(big(b));
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
  const divisor = big(b);
  if (divisor.eq(0)) return null;
  return fix(big(a).div(divisor).round(RATIO_PLACES, Big.roundHalfUp));
}

/** `a / b` for counts (`b` > 0), rounded half-up to `RATIO_PLACES`, in integer arithmetic; `null` when `b` is 0. */
export function countRatio(a: number, b: number): Money | null {
  if (b === 0) return null;
  const scale = 10 ** RATIO_PLACES;
  if (2 * a * scale + b > Number.MAX_SAFE_INTEGER) return ratio(String(a), String(b));
  const q = Math.floor((2 * a * scale + b) / (2 * b));
  const whole = Math.floor(q / scale);
  const part = String(q % scale).padStart(RATIO_PLACES, '0').replace(/0+$/, '');
  return part === '' ? String(whole) : `${whole}.${part}`;
}

/** `true` when `d` is numerically zero. */
export function isZero(d: string): boolean {
  return big(d).eq(0);
}
