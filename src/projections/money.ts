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
  return new Big(withoutPlus(d));
}

/** Already canonical: no sign but `-`, no exponent, no leading or trailing zeros, not `-0`. */
const CANONICAL_RE = /^(?:0|-?[1-9]\d*)(?:\.\d*[1-9])?$|^-?0\.\d*[1-9]$/;

/**
 * `d` in canonical plain notation: `"25.00"` → `"25"`, `"1E+2"` → `"100"`, `"-0"` → `"0"`
 * (big.js writes zero without its sign, here and in every result below).
 */
export function plain(d: string): Money {
  if (CANONICAL_RE.test(d)) return d;
  return trimmedPlain(d) ?? big(d).toFixed();
}

/**
 * `big(d).toFixed()` for `d` in plain notation, `[+-]digits[.digits]` (agents write `"25.00"`, `"0.1230"`),
 * without big.js: the sign and leading `+` dropped as it drops them (zero has no sign), leading zeros
 * of the whole part and trailing zeros of the fraction cut. `undefined` for any other form (an
 * exponent, a point without digits after it), which big.js reads.
 */
function trimmedPlain(d: string): Money | undefined {
  const n = d.length;
  const sign = d.charCodeAt(0);
  const whole = sign === 45 || sign === 43 ? 1 : 0;
  let i = whole;
  while (i < n && isDigitCode(d.charCodeAt(i))) i++;
  const wholeEnd = i;
  if (wholeEnd === whole) return undefined;
  let end = wholeEnd;
  if (i < n) {
    if (d.charCodeAt(i) !== 46) return undefined;
    const fraction = ++i;
    while (i < n && isDigitCode(d.charCodeAt(i))) i++;
    if (i < n || i === fraction) return undefined;
    end = n;
    while (end > fraction && d.charCodeAt(end - 1) === 48) end--;
    if (end === fraction) end = wholeEnd; // no fraction left: no point either
  }
  let start = whole;
  while (start < wholeEnd - 1 && d.charCodeAt(start) === 48) start++;
  const body = d.slice(start, end);
  return sign === 45 && body !== '0' ? `-${body}` : body;
}

/** Whether `c` is the code of an ASCII digit. */
function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Powers of ten that doubles hold exactly (10^0 … 10^22). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

// The last plain decimal `parse` read, as `units × 10^-scale`: module scratch, so the hot path allocates nothing.
let parsedUnits = 0;
let parsedScale = 0;

/**
 * Reads a plain decimal (`-?digits[.digits]`) into `parsedUnits`/`parsedScale`; `false` sends
 * the caller to big.js. Units are exact below 2^53 and never read below it when they are not
 * (the digits only add up), so the callers' safe-integer checks on what they compute from them
 * send any longer decimal to big.js as well.
 * A char loop: this runs several times per event, where a regex match would allocate.
 */
function parse(d: string): boolean {
  const n = d.length;
  // Past the end (the empty string) charCodeAt is NaN, which no test below accepts.
  const negative = d.charCodeAt(0) === 45;
  let i = negative ? 1 : 0;
  const first = i;
  let units = 0;
  for (; i < n; i++) {
    const c = d.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    units = units * 10 + c;
  }
  if (i === first) return false;
  let scale = 0;
  if (i < n) {
    if (d.charCodeAt(i) !== 46) return false;
    // A point with no digits after it (not in the wire grammar) reads as big.js reads it: `5.` is 5.
    for (i++; i < n; i++) {
      const c = d.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return false;
      units = units * 10 + c;
      scale++;
    }
  }
  parsedUnits = negative ? -units : units;
  parsedScale = scale;
  return true;
}

// Both operands of the last successful `aligned`, at their common scale.
let alignedX = 0;
let alignedY = 0;
let alignedScale = 0;

/** Both at the larger scale, or `false` when that leaves the exact range of doubles. */
function aligned(a: string, b: string): boolean {
  if (!parse(a)) return false;
  const x = parsedUnits;
  const xs = parsedScale;
  if (!parse(b)) return false;
  const scale = Math.max(xs, parsedScale);
  const ux = x * (POW10[scale - xs] as number);
  const uy = parsedUnits * (POW10[scale - parsedScale] as number);
  if (!Number.isSafeInteger(ux) || !Number.isSafeInteger(uy)) return false;
  alignedX = ux;
  alignedY = uy;
  alignedScale = scale;
  return true;
}

/** `units × 10^-scale` in canonical plain notation (`units` a safe integer). */
function format(units: number, scale: number): Money {
  // Trailing zeros go first, in the integer: exact, since `units` is a multiple of 10 each time.
  while (scale > 0 && units % 10 === 0) {
    units /= 10;
    scale--;
  }
  const negative = units < 0;
  const digits = String(negative ? -units : units);
  let out = digits;
  if (scale > 0) {
    const cut = digits.length - scale;
    out = cut > 0 ? `${digits.slice(0, cut)}.${digits.slice(cut)}` : `0.${'0'.repeat(-cut)}${digits}`;
  }
  return negative ? `-${out}` : out;
}

/** `a + b`, exact (doubles when the digits allow it, big.js otherwise). */
export function add(a: string, b: string): Money {
  if (aligned(a, b)) {
    const sum = alignedX + alignedY;
    if (Number.isSafeInteger(sum)) return format(sum, alignedScale);
  }
  return big(a).plus(big(b)).toFixed();
}

/** `a − b`, exact. */
export function sub(a: string, b: string): Money {
  if (aligned(a, b)) {
    const difference = alignedX - alignedY;
    if (Number.isSafeInteger(difference)) return format(difference, alignedScale);
  }
  return big(a).minus(big(b)).toFixed();
}

/** Numeric comparison: negative, zero or positive. */
export function cmp(a: string, b: string): number {
  if (aligned(a, b)) return Math.sign(alignedX - alignedY);
  return big(a).cmp(big(b));
}

/** The larger of two amounts (numerically; the first on a tie). */
export function max(a: string, b: string): Money {
  return cmp(a, b) >= 0 ? a : b;
}

/** The smaller of two amounts (numerically; the first on a tie). */
export function min(a: string, b: string): Money {
  return cmp(a, b) <= 0 ? a : b;
}

/** `a / b` rounded half-up to `RATIO_PLACES`, or `null` when `b` is zero. */
export function ratio(a: string, b: string): Money | null {
  if (cmp(b, '0') === 0) return null;
  return plainRatio(a, b) ?? new RatioBig(withoutPlus(a)).div(withoutPlus(b)).toFixed();
}

/** `d` without the leading `+` the wire grammar allows and big.js rejects. */
function withoutPlus(d: string): string {
  return d.charCodeAt(0) === 43 ? d.slice(1) : d;
}

/**
 * `a / b` (b non-zero) rounded half away from zero to `RATIO_PLACES`, in integers, as big.js
 * rounds it; `undefined` when an operand is not plain or the integers leave the exact range.
 */
function plainRatio(a: string, b: string): Money | undefined {
  if (!parse(a)) return undefined;
  const ua = parsedUnits;
  const sa = parsedScale;
  if (!parse(b)) return undefined;
  const ub = parsedUnits;
  // |a / b| × 10^places = |ua| × 10^(places + sb − sa) / |ub|, as num / den.
  const shift = RATIO_PLACES + parsedScale - sa;
  // The shift goes to whichever side it is positive for; the other is multiplied by 10^0.
  const num = Math.abs(ua) * (POW10[Math.max(shift, 0)] as number);
  const den = Math.abs(ub) * (POW10[Math.max(-shift, 0)] as number);
  // Signs that differ give a negative quotient (a zero numerator gives zero, whose sign format drops).
  return halfUp(num, den, Math.sign(ua) !== Math.sign(ub));
}

/**
 * `num / den` (integers, den non-zero) rounded half up to an integer, as `units × 10^-RATIO_PLACES`,
 * or `undefined` when `2num + den` is not a safe integer. Below 2^53 every integer here is exact, and
 * the double quotient of n2 / 2den is off by at most n2 × 2^-53 < 1 / 2den, less than its distance to
 * the next integer when it is not one: its floor is exact, with no correction.
 */
function halfUp(num: number, den: number, negative: boolean): Money | undefined {
  const n2 = 2 * num + den;
  if (!Number.isSafeInteger(n2)) return undefined;
  const q = Math.floor(n2 / (2 * den));
  return format(negative ? -q : q, RATIO_PLACES);
}

/** `a / b` for counts, rounded half-up to `RATIO_PLACES`, in integer arithmetic; `null` when `b` is 0. */
export function countRatio(a: number, b: number): Money | null {
  if (b === 0) return null;
  return halfUp(a * 10 ** RATIO_PLACES, b, false) ?? new RatioBig(a).div(b).toFixed();
}

/** `true` when `d` is numerically zero. */
export function isZero(d: string): boolean {
  return cmp(d, '0') === 0;
}
