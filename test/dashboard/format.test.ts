import Big from 'big.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DASH,
  formatAge,
  formatCount,
  formatMoney,
  formatPercent,
  formatPrice,
  formatShortDateTime,
  formatSignedMoney,
  formatSignedPercent,
  formatTime,
  signOf,
} from '../../src/dashboard/format';

/** A decimal string as agents send them: plain or with an exponent, up to 40 significant digits. */
const decimalString = fc
  .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 12 }), fc.boolean())
  .map(([digits, scale, exponent]) => {
    const b = new Big(digits.toString()).div(new Big(10).pow(scale));
    return exponent ? b.toExponential() : b.toFixed();
  });

/** Undoes the display: `−$1,234.50` → `-1234.50`. */
function parseShown(text: string): Big {
  return new Big(text.replace('−', '-').replace('+', '').replace('$', '').replace(/,/g, '').replace('%', ''));
}

describe('formatMoney', () => {
  it('formats from the string, exactly, with grouping and a real minus sign', () => {
    expect(formatMoney('1234.5')).toBe('$1,234.50');
    expect(formatMoney('-1234567.891')).toBe('−$1,234,567.89');
    expect(formatMoney('0.005')).toBe('$0.01'); // half-up, where a float would give 0.00
    expect(formatMoney('1.005')).toBe('$1.01'); // 1.005 is 1.00499999... as a float
    expect(formatMoney('-0.004')).toBe('$0.00'); // no "−$0.00"
    expect(formatMoney('1E+2')).toBe('$100.00');
    expect(formatMoney('12345678901234567890.125')).toBe('$12,345,678,901,234,567,890.13');
    expect(formatMoney(null)).toBe(DASH);
    expect(formatMoney('abc')).toBe(DASH);
  });

  it('shows the value rounded half-up to cents, within half a cent', () => {
    fc.assert(
      fc.property(decimalString, (d) => {
        const shown = formatMoney(d);
        expect(shown).toMatch(/^−?\$\d{1,3}(,\d{3})*\.\d{2}$/);
        const back = parseShown(shown);
        expect(back.eq(new Big(d).round(2, Big.roundHalfUp))).toBe(true);
        expect(back.minus(d).abs().lte('0.005')).toBe(true);
      }),
    );
  });
});

describe('signed and percentage formats', () => {
  it('puts a sign on P&L, none on zero', () => {
    expect(formatSignedMoney('12.3')).toBe('+$12.30');
    expect(formatSignedMoney('-4')).toBe('−$4.00');
    expect(formatSignedMoney('0.001')).toBe('$0.00');
    expect(formatSignedPercent('0.015')).toBe('+1.50%');
    expect(formatSignedPercent('-0.2')).toBe('−20.00%');
    expect(formatSignedPercent('0.00001')).toBe('0.00%');
  });

  it('shows fractions as percentages', () => {
    expect(formatPercent('0.123456')).toBe('12.35%');
    expect(formatPercent('1')).toBe('100.00%');
    expect(formatPercent('0.6', 1)).toBe('60.0%');
    expect(formatPercent(undefined)).toBe(DASH);
  });

  it('keeps the sign of the figure', () => {
    fc.assert(
      fc.property(decimalString, (d) => {
        const sign = signOf(d);
        const shown = formatSignedMoney(d);
        if (shown.startsWith('+')) expect(sign).toBe(1);
        if (shown.startsWith('−')) expect(sign).toBe(-1);
      }),
    );
  });
});

describe('other formats', () => {
  it('prices, counts, ages and times', () => {
    expect(formatPrice('0.62')).toBe('0.620');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(-1200)).toBe('−1,200');
    expect(formatCount(null)).toBe(DASH);
    expect(formatAge(850)).toBe('850ms');
    expect(formatAge(4_200)).toBe('4s');
    expect(formatAge(125_000)).toBe('2m 05s');
    expect(formatAge(3 * 3_600_000 + 12 * 60_000)).toBe('3h 12m');
    expect(formatTime('2026-01-31T12:00:00+00:00')).toBe('12:00:00');
    expect(formatTime('not a time')).toBe('not a time');
    expect(formatShortDateTime('2026-01-31T12:00:00+00:00')).toBe('01-31 12:00:00');
  });
});
