import Big from 'big.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, cmp, countRatio, isZero, max, min, plain, ratio, sub } from '../../src/projections';

/** Decimals in the notations the wire accepts, small and huge (beyond what doubles hold exactly). */
const arbDecimal = fc
  .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 40 }), fc.nat(3))
  .map(([n, scale, cut, style]) => {
    const units = cut > 20 ? n : n % 10n ** BigInt(cut + 1);
    const s = (units < 0n ? -units : units).toString().padStart(scale + 1, '0');
    const text = `${units < 0n ? '-' : ''}${scale === 0 ? s : `${s.slice(0, -scale)}.${s.slice(-scale)}`}`;
    if (style === 1 && units >= 0n) return `+${text}`;
    if (style === 2) return `${units}E-${scale}`;
    return text;
  });

const big = (d: string) => new Big(d.replace(/^\+/, ''));

describe('money', () => {
  it('writes canonical plain notation', () => {
    expect(['25.00', '1E+2', '0E-8', '-0', '+7', '-0.50', '0.062'].map(plain)).toEqual(['25', '100', '0', '0', '7', '-0.5', '0.062']);
  });

  it('adds, subtracts and compares exactly, like big.js, on any operands', () => {
    fc.assert(
      fc.property(arbDecimal, arbDecimal, (a, b) => {
        expect(add(a, b)).toBe(plain(big(a).plus(big(b)).toFixed()));
        expect(sub(plain(a), b)).toBe(plain(big(a).minus(big(b)).toFixed()));
        expect(cmp(a, b)).toBe(big(a).cmp(big(b)));
        expect(max(a, b)).toBe(big(a).gte(big(b)) ? a : b);
        expect(min(a, b)).toBe(big(a).lte(big(b)) ? a : b);
        expect(isZero(a)).toBe(big(a).eq(0));
      }),
      { numRuns: 2000 },
    );
  });

  it('does not lose a cent where doubles would', () => {
    expect(add('0.1', '0.2')).toBe('0.3');
    expect(add('9007199254740993', '1')).toBe('9007199254740994');
    expect(sub('100000000000000.01', '0.02')).toBe('99999999999999.99');
  });

  it('rounds ratios half-up to 6 places, and gives null for a zero divisor', () => {
    expect(ratio('1', '3')).toBe('0.333333');
    expect(ratio('2', '3')).toBe('0.666667');
    expect(ratio('-1', '8')).toBe('-0.125');
    expect(ratio('1', '0.00')).toBeNull();
    fc.assert(
      fc.property(arbDecimal, arbDecimal, (a, b) => {
        const expected = big(b).eq(0) ? null : plain(big(a).div(big(b)).round(6, Big.roundHalfUp).toFixed());
        expect(ratio(a, b)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
    expect(ratio('0.0000005', '1')).toBe('0.000001');
    expect(ratio('-0.0000005', '1')).toBe('-0.000001');
    expect(ratio('-0.0000004', '1')).toBe('0');
    expect(ratio('123456789.123456', '0.000001')).toBe('123456789123456');
    expect(countRatio(2, 3)).toBe('0.666667');
    expect(countRatio(1, 2)).toBe('0.5');
    expect(countRatio(3, 3)).toBe('1');
    expect(countRatio(0, 0)).toBeNull();
    fc.assert(
      fc.property(fc.nat({ max: 1e9 }), fc.integer({ min: 1, max: 1e9 }), (a, b) => {
        expect(countRatio(a, b)).toBe(plain(new Big(a).div(b).round(6, Big.roundHalfUp).toFixed()));
      }),
    );
  });
});
