import Big from 'big.js';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

  it('given exponents after a fraction, without a sign or in lower case, then plain reads them as big.js does', () => {
    const wire = ['1e5', '7E2', '2.50e3', '1.5E+3', '-0.0E-2', '+3.10e-1', '0.000e0'];
    expect(wire.map(plain)).toEqual(wire.map((d) => big(d).toFixed()));
    expect(wire.map(plain)).toEqual(['100000', '700', '2500', '1500', '0', '0.31', '0']);
  });

  it('given decimals in plain notation with any zeros and signs, or in any wire notation, then plain writes what big.js writes', () => {
    const digits = (max: number) => fc.string({ unit: fc.constantFrom('0', '0', '0', '1', '5', '9'), minLength: 1, maxLength: max });
    const arbPlain = fc
      .tuple(fc.constantFrom('', '-', '+'), digits(20), fc.option(digits(20)))
      .map(([sign, whole, fraction]) => `${sign}${whole}${fraction === null ? '' : `.${fraction}`}`);
    fc.assert(
      fc.property(fc.oneof(arbPlain, arbDecimal), (d) => {
        expect(plain(d)).toBe(big(d).toFixed());
      }),
      { numRuns: 3_000 },
    );
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

describe('money: exact at the edge of what doubles hold', () => {
  // 2^53 − 1 = 9007199254740991 is the largest integer a double holds with every one below it.
  it('given two safe integers whose sum is not one, when added or subtracted, then the result is still exact', () => {
    expect(add('9007199254740991', '2')).toBe('9007199254740993');
    expect(sub('-9007199254740991', '2')).toBe('-9007199254740993');
    expect(add('900719925474099.1', '0.2')).toBe('900719925474099.3');
  });

  it('given an operand past 2^53 (which a double would round), when combined with a small one, then the result is exact', () => {
    expect(add('9007199254740993', '-2')).toBe('9007199254740991');
    expect(add('-2', '9007199254740993')).toBe('9007199254740991');
    expect(sub('9007199254740993', '2')).toBe('9007199254740991');
    expect(sub('2', '9007199254740993')).toBe('-9007199254740991');
    expect(add('900719925474099.3', '-0.2')).toBe('900719925474099.1');
  });

  it('given two amounts past 2^53 that a double cannot tell apart, then they still compare by value', () => {
    expect(cmp('9007199254740993', '9007199254740992')).toBe(1);
    expect(cmp('9007199254740992', '9007199254740993')).toBe(-1);
    expect(max('9007199254740992', '9007199254740993')).toBe('9007199254740993');
    expect(min('9007199254740993', '9007199254740992')).toBe('9007199254740992');
  });

  it('given a quotient whose doubled numerator passes 2^53, then its last digit is still exact', () => {
    // 4503599627.370497 / 1: 2 × 4503599627370497 + 1 is odd and past 2^53.
    expect(ratio('4503599627.370497', '1')).toBe('4503599627.370497');
    expect(ratio('-4503599627.370497', '1')).toBe('-4503599627.370497');
    // 10^10 / 3 = 3333333333.3333…: 2 × 10^16 + 3 is past 2^53.
    expect(countRatio(10_000_000_000, 3)).toBe('3333333333.333333');
    expect(countRatio(20_000_000_000, 3)).toBe('6666666666.666667');
  });

  it('given operands in exponent notation, then every operation reads them by value', () => {
    expect(add('1e5', '1')).toBe('100001');
    expect(add('1', '1.5E+2')).toBe('151');
    expect(sub('2.5e1', '5')).toBe('20');
    expect(cmp('2e1', '3')).toBe(1);
    expect(cmp('3', '2E1')).toBe(-1);
    expect(ratio('1e1', '4')).toBe('2.5');
    expect(ratio('1', '4E1')).toBe('0.025');
    expect(ratio('+1', '+8')).toBe('0.125');
    expect(ratio('-4E-7', '1')).toBe('0');
    expect(isZero('0E+3')).toBe(true);
    expect(isZero('1e-3')).toBe(false);
  });

  it('given two amounts equal in value but written differently, then max and min return the first', () => {
    expect(max('2.50', '2.5')).toBe('2.50');
    expect(max('2.5', '2.50')).toBe('2.5');
    expect(min('2.50', '2.5')).toBe('2.50');
    expect(min('2.5', '2.50')).toBe('2.5');
    expect(max('1E+2', '100')).toBe('1E+2');
    expect(min('100', '1E+2')).toBe('100');
  });

  it('given a string that is not a decimal, then every operation throws rather than reading a number', () => {
    for (const bad of ['', '-', '.', '1x', '--1', '1.2.3']) {
      expect(() => add(bad, '1')).toThrow();
      expect(() => add('1', bad)).toThrow();
      expect(() => cmp(bad, '1')).toThrow();
      expect(() => ratio(bad, '1')).toThrow();
      expect(() => ratio('1', bad)).toThrow();
    }
  });
});

describe('money: the plain amounts events carry never go through big.js', () => {
  // The integer path exists for speed (bench:pipeline): a fallback that is exact but slow is a
  // regression no value check sees, so these watch big.js's arithmetic directly.
  const spies = () => [
    vi.spyOn(Big.prototype, 'plus'),
    vi.spyOn(Big.prototype, 'minus'),
    vi.spyOn(Big.prototype, 'cmp'),
    vi.spyOn(Big.prototype, 'div'),
  ];
  afterEach(() => {
    vi.restoreAllMocks();
  });

  // [a, b, a + b, a − b, sign of a − b], worked by hand. Digits 0 and 9 on both sides of the point,
  // both signs, unequal scales, and 16 digits up to 2^53 − 1.
  const sums: readonly [string, string, string, string, number][] = [
    ['0', '7', '7', '-7', -1],
    ['9', '-9', '0', '18', 1],
    ['-90.09', '1.5', '-88.59', '-91.59', -1],
    ['100', '0.001', '100.001', '99.999', 1],
    ['-0.5', '-0.25', '-0.75', '-0.25', -1],
    ['0.09', '0.9', '0.99', '-0.81', -1],
    ['1.10', '2', '3.1', '-0.9', -1],
    ['2.50', '2.5', '5', '0', 0],
    ['9007199254740991', '0', '9007199254740991', '9007199254740991', 1],
    ['-900719925474098.1', '0.9', '-900719925474097.2', '-900719925474099', -1],
  ];

  it.each(sums)('given %s and %s, then sum, difference and order are exact, in doubles', (a, b, sum, difference, sign) => {
    const watched = spies();
    expect([add(a, b), sub(a, b), cmp(a, b), max(a, b), min(a, b)]).toEqual([sum, difference, sign, sign >= 0 ? a : b, sign <= 0 ? a : b]);
    for (const spy of watched) expect(spy).not.toHaveBeenCalled();
  });

  it('given amounts in plain notation with extra zeros or a plus sign, then plain trims them without big.js', () => {
    const toFixed = vi.spyOn(Big.prototype, 'toFixed');
    expect(['25.00', '0.1230', '-0.50', '+7.0', '-0.000', '0012.3400', '9007199254740993.10'].map(plain)).toEqual(['25', '0.123', '-0.5', '7', '0', '12.34', '9007199254740993.1']);
    expect(toFixed).not.toHaveBeenCalled();
  });

  it('given zero written in any plain way, then it is zero, in doubles', () => {
    const watched = spies();
    expect(['0', '-0.00', '0.0', '0.09', '-9', '900719925474099.1'].map(isZero)).toEqual([true, true, true, false, false, false]);
    for (const spy of watched) expect(spy).not.toHaveBeenCalled();
  });

  // [a, b, a / b rounded half-up to 6 places], worked by hand; the scale shift on either side.
  const quotients: readonly [string, string, string][] = [
    ['1', '3', '0.333333'],
    ['2', '3', '0.666667'],
    ['-1', '8', '-0.125'],
    ['-90.09', '1.5', '-60.06'],
    ['100', '0.001', '100000'],
    ['0.0000005', '1', '0.000001'],
    ['1', '-0.0000003', '-3333333.333333'],
    ['0.0000123', '0.01', '0.00123'],
    ['0.0000015', '1', '0.000002'],
    ['-0.0000004', '1', '0'],
    ['0', '-9', '0'],
  ];

  it.each(quotients)('given %s / %s, then the quotient is %s, in integers', (a, b, quotient) => {
    const watched = spies();
    expect(ratio(a, b)).toBe(quotient);
    for (const spy of watched) expect(spy).not.toHaveBeenCalled();
  });

  it('given counts, then their ratio is worked in integers', () => {
    const watched = spies();
    expect([countRatio(0, 3), countRatio(1, 3), countRatio(2, 3), countRatio(7, 7), countRatio(1, 8), countRatio(4_000_000_000, 3)]).toEqual([
      '0',
      '0.333333',
      '0.666667',
      '1',
      '0.125',
      '1333333333.333333',
    ]);
    for (const spy of watched) expect(spy).not.toHaveBeenCalled();
  });

  it('given amounts past what doubles hold, then big.js is used (the watch above sees it)', () => {
    const watched = spies();
    expect(add('12345678901234567890', '1')).toBe('12345678901234567891');
    expect(watched[0]).toHaveBeenCalledTimes(1);
  });
});
