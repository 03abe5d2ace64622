import Big from 'big.js';

/** Money and fractions in projection states: plain-notation decimal strings, canonical (no trailing zeros). */
export type Money = string;

/** Decimal places kept for ratios (drawdown, win rate), which are rarely exact. */
export const RATIO_PLACES = 6;

/** A Big whose division stops at `RATIO_PLACES`, rounding half-up: no digits computed only to be dropped. */
const RatioBig = Big();
RatioBig.DP = RATIO_PLACES;
RatioBig.RM = Big.roundHalfUp;

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

/**
 * A plain decimal as an exact integer count of 10^-scale units, when it fits a double exactly
 * (15 digits or fewer); `undefined` sends the caller to big.js.
 */
interface Scaled {
  readonly units: number;
  readonly scale: number;
}
const PLAIN_RE = /^(-?)(\d+)(?:\.(\d+))?$/;

function scaled(d: string): Scaled | undefined {
  const m = PLAIN_RE.exec(d);
  if (m === null) return undefined;
  const fraction = m[3] ?? '';
  const digits = (m[2] ?? '') + fraction;
  if (digits.length > 15) return undefined;
  const units = Number(digits);
  return { units: m[1] === '-' ? -units : units, scale: fraction.length };
}

/** Both at the larger scale, or `undefined` when that leaves the exact range of doubles. */
function aligned(a: string, b: string): [number, number, number] | undefined {
  const x = scaled(a);
  const y = scaled(b);
  if (x === undefined || y === undefined) return undefined;
  const scale = Math.max(x.scale, y.scale);
  const ux = x.units * 10 ** (scale - x.scale);
  const uy = y.units * 10 ** (scale - y.scale);
  if (!Number.isSafeInteger(ux) || !Number.isSafeInteger(uy)) return undefined;
  return [ux, uy, scale];
}

/** `units × 10^-scale` in canonical plain notation (`units` a safe integer). */
function format(units: number, scale: number): Money {
  if (units === 0) return '0';
  const negative = units < 0;
  let digits = String(negative ? -units : units);
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    const whole = digits.slice(0, digits.length - scale);
    const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
    digits = fraction === '' ? whole : `${whole}.${fraction}`;
  }
  return negative ? `-${digits}` : digits;
}

/** `a + b`, exact (doubles when the digits allow it, big.js otherwise). */
export function add(a: string, b: string): Money {
  const xy = aligned(a, b);
  if (xy !== undefined) {
    const sum = xy[0] + xy[1];
    if (Number.isSafeInteger(sum)) return format(sum, xy[2]);
  }
  return fix(big(a).plus(big(b)));
}

/** `a − b`, exact. */
export function sub(a: string, b: string): Money {
  const xy = aligned(a, b);
  if (xy !== undefined) {
    const difference = xy[0] - xy[1];
    if (Number.isSafeInteger(difference)) return format(difference, xy[2]);
  }
  return fix(big(a).minus(big(b)));
}

/** Numeric comparison: negative, zero or positive. */
export function cmp(a: string, b: string): number {
  const xy = aligned(a, b);
  if (xy !== undefined) return Math.sign(xy[0] - xy[1]);
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
  if (cmp(b, '0') === 0) return null;
  const q = new RatioBig(a.charCodeAt(0) === 43 ? a.slice(1) : a).div(b.charCodeAt(0) === 43 ? b.slice(1) : b);
  return fix(q);
}

/** `a / b` for counts, rounded half-up to `RATIO_PLACES`, in integer arithmetic; `null` when `b` is 0. */
export function countRatio(a: number, b: number): Money | null {
  if (b === 0) return null;
  const scale = 10 ** RATIO_PLACES;
  if (2 * a * scale + b > Number.MAX_SAFE_INTEGER) return ratio(String(a), String(b));
  return format(Math.floor((2 * a * scale + b) / (2 * b)), RATIO_PLACES);
}

/** `true` when `d` is numerically zero. */
export function isZero(d: string): boolean {
  return cmp(d, '0') === 0;
}
