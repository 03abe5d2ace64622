import * as t from 'io-ts';
import Big from 'big.js';

/** The wire grammar of decimal strings (PROTOCOL.md): Python's `str(Decimal)` included. */
const DECIMAL_RE = /^[+-]?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
/** At most this many significant digits. */
export const MAX_SIGNIFICANT_DIGITS = 40;
/** The written exponent stays within ±this; the value's own magnitude within ±(this + MAX_SIGNIFICANT_DIGITS). */
export const MAX_EXPONENT = 30;

/** The brand of `Decimal` (exported so that declaration files can name it). */
export interface DecimalBrand {
  readonly Decimal: unique symbol;
}

/** An exact decimal number carried as a string, e.g. `"25.00"`, `"1E+2"`. */
export type Decimal = t.Branded<string, DecimalBrand>;

/** Whether `c` is the code of an ASCII digit (what `\\d` matches). */
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Whether `s` is a decimal string within PROTOCOL.md's bounds. The grammar and the written
 * exponent are checked by a char loop (this runs for every amount and price of every event;
 * a regex match would allocate its captures); only strings longer than the digit limit go
 * on to count their digits.
 */
export function isDecimalString(s: string): boolean {
  const n = s.length;
  let i = 0;
  // Stryker disable next-line EqualityOperator: past the end charCodeAt is NaN, which no sign, digit, point or exponent test accepts
  if (n > 0 && (s.charCodeAt(0) === 43 || s.charCodeAt(0) === 45)) i++;
  const whole = i;
  // Stryker disable next-line EqualityOperator: past the end charCodeAt is NaN, which no sign, digit, point or exponent test accepts
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  if (i === whole) return false;
  // Stryker disable next-line EqualityOperator: past the end charCodeAt is NaN, which no sign, digit, point or exponent test accepts
  if (i < n && s.charCodeAt(i) === 46) {
    const fraction = ++i;
    // Stryker disable next-line EqualityOperator: past the end charCodeAt is NaN, which no sign, digit, point or exponent test accepts
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === fraction) return false;
  }
  if (i < n) {
    const e = s.charCodeAt(i++);
    if (e !== 101 && e !== 69) return false;
    // Stryker disable next-line EqualityOperator: past the end charCodeAt is NaN, which no sign, digit, point or exponent test accepts
    if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++;
    const digits = i;
    let exponent = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (!isDigit(c)) return false;
      exponent = exponent * 10 + (c - 48);
    }
    if (i === digits || exponent > MAX_EXPONENT) return false;
  }
  // Fewer characters than the digit limit: neither the digit count nor the magnitude can be exceeded.
  return n <= MAX_SIGNIFICANT_DIGITS || isBoundedLong(s);
}

/** The digit count and magnitude bounds, for a long string already known to match the grammar. */
function isBoundedLong(s: string): boolean {
  const m = DECIMAL_RE.exec(s);
  if (m === null) return false;
  const exponent = m[3] === undefined ? 0 : Number(m[3]);
  const whole = (m[1] ?? '').replace(/^0+/, '');
  const fraction = m[2] ?? '';
  const digits = (whole + fraction).replace(/^0+/, '');
  if (Math.max(digits.length, 1) > MAX_SIGNIFICANT_DIGITS) return false;
  if (digits.length === 0) return true; // zero, whatever its notation
  // The magnitude is bounded too, so leading zeros cannot smuggle in `0.000…1` with 50,000 zeros.
  const adjusted = whole.length > 0 ? exponent + whole.length - 1 : exponent - (fraction.length - fraction.replace(/^0+/, '').length) - 1;
  return Math.abs(adjusted) <= MAX_EXPONENT + MAX_SIGNIFICANT_DIGITS;
}

/** Codec for a bounded decimal string; JSON numbers are rejected on purpose. */
export const Decimal = t.brand(
  t.string,
  (s): s is Decimal => isDecimalString(s),
  'Decimal',
);

/** The brand of `Fraction`. */
export interface FractionBrand {
  readonly Fraction: unique symbol;
}

/** A decimal string within 0..1 (prices, `*_pct`). */
export type Fraction = t.Branded<Decimal, FractionBrand>;

/** A decimal string as a Big; use this, not `new Big(d)`: big.js rejects the leading `+` the wire allows. */
export function toBig(d: string): Big {
  return new Big(d.startsWith('+') ? d.slice(1) : d);
}

const ZERO = new Big(0);
const ONE = new Big(1);

/**
 * Whether a decimal string in plain notation lies within 0..1, read off its digits (prices and
 * shares come in every event; converting with `Number` costs several times more), or
 * `undefined` when the string has an exponent or a whole part above 1, for `Number`/`Big` to
 * decide. Only for strings `isDecimalString` accepts.
 */
export function plainWithinUnit(d: string): boolean | undefined {
  const n = d.length;
  const sign = d.charCodeAt(0);
  let i = sign === 43 || sign === 45 ? 1 : 0;
  while (d.charCodeAt(i) === 48) i++; // leading zeros (past the end charCodeAt is NaN)
  let one = false;
  if (d.charCodeAt(i) === 49) {
    one = true;
    i++;
  }
  let fraction = false; // whether some fraction digit is not 0
  if (d.charCodeAt(i) === 46) {
    for (i++; i < n; i++) {
      const c = d.charCodeAt(i);
      if (c === 101 || c === 69) return undefined;
      if (c !== 48) fraction = true;
    }
  }
  if (i < n) return undefined;
  // -0 and -0.000 are zero; any other negative is below 0. 1.x is above 1 unless x is all zeros.
  return sign === 45 ? !one && !fraction : !one || !fraction;
}

/** Codec for a decimal string within 0..1 inclusive. */
export const Fraction = t.brand(
  Decimal,
  (d): d is Fraction => {
    const plain = plainWithinUnit(d);
    if (plain !== undefined) return plain;
    // A string this short has at most 15 significant digits: a double orders it exactly against 0 and 1.
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: either path orders the value against 0 and 1 exactly
    if (d.length <= 15) {
      const n = Number(d);
      return n >= 0 && n <= 1;
    }
    const b = toBig(d);
    return b.gte(ZERO) && b.lte(ONE);
  },
  'Fraction',
);

/** A decimal string as a plain-notation string (no exponent), exactly. */
export function toPlain(d: string): string {
  return toBig(d).toFixed();
}
