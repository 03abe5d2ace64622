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

/** Powers of ten that doubles hold exactly (10^0 … 10^22). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

// The last plain decimal `parse` read, as `units × 10^-scale`: module scratch, so the hot path allocates nothing.
let parsedUnits = 0;
let parsedScale = 0;

/**
 * Reads a plain decimal (`-?digits[.digits]`) of 15 digits or fewer, which a double holds
 * exactly, into `parsedUnits`/`parsedScale`; `false` sends the caller to big.js.
 * A char loop: this runs several times per event, where a regex match would allocate.
 */
function parse(d: string): boolean {
  const n = d.length;
  let i = n > 0 && d.charCodeAt(0) === 45 ? 1 : 0;
  const negative = i === 1;
  const first = i;
  let units = 0;
  for (; i < n; i++) {
    const c = d.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    units = units * 10 + c;
  }
  const whole = i - first;
  if (whole === 0) return false;
  let scale = 0;
  if (i < n) {
    if (d.charCodeAt(i) !== 46) return false;
    for (i++; i < n; i++) {
      const c = d.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return false;
      units = units * 10 + c;
      scale++;
    }
    if (scale === 0) return false;
  }
  if (whole + scale > 15) return false;
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
  if (units === 0) return '0';
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
  return fix(big(a).plus(big(b)));
}

/** `a − b`, exact. */
export function sub(a: string, b: string): Money {
  if (aligned(a, b)) {
    const difference = alignedX - alignedY;
    if (Number.isSafeInteger(difference)) return format(difference, alignedScale);
  }
  return fix(big(a).minus(big(b)));
}

/** Numeric comparison: negative, zero or positive. */
export function cmp(a: string, b: string): number {
  if (aligned(a, b)) return Math.sign(alignedX - alignedY);
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
  const fast = plainRatio(a, b);
  if (fast !== undefined) return fast;
  const q = new RatioBig(a.charCodeAt(0) === 43 ? a.slice(1) : a).div(b.charCodeAt(0) === 43 ? b.slice(1) : b);
  return fix(q);
}

/**
 * `a / b` (b non-zero) rounded half away from zero to `RATIO_PLACES`, in integers, as big.js
 * rounds it; `undefined` when an operand is not short and plain or the integers leave the exact range.
 */
function plainRatio(a: string, b: string): Money | undefined {
  if (!parse(a)) return undefined;
  const ua = parsedUnits;
  const sa = parsedScale;
  if (!parse(b)) return undefined;
  const ub = parsedUnits;
  // |a / b| × 10^places = |ua| × 10^(places + sb − sa) / |ub|, as num / den.
  const shift = RATIO_PLACES + parsedScale - sa;
  let num = Math.abs(ua);
  let den = Math.abs(ub);
  if (shift >= 0) num *= POW10[shift] as number;
  else den *= POW10[-shift] as number;
  // Every integer below (including q × 2den ≤ 2num + 3den) must be exact.
  if (!Number.isSafeInteger(2 * num + 4 * den)) return undefined;
  const n2 = 2 * num + den;
  const d2 = 2 * den;
  // floor(n2 / d2) is half-up rounding of num / den; the double quotient can be off by one near an integer.
  let q = Math.floor(n2 / d2);
  const r = n2 - q * d2;
  if (r < 0) q--;
  else if (r >= d2) q++;
  return format((ua < 0) !== (ub < 0) ? -q : q, RATIO_PLACES);
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
