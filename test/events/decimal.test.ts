import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Big from 'big.js';
import { Decimal, Fraction, MAX_EXPONENT, MAX_SIGNIFICANT_DIGITS, isDecimalString, plainWithinUnit, toBig, toPlain } from '../../src/events/decimal';
import { arbAmount, arbDecimal, arbFraction, arbPnl } from './arbitraries';

const FORTY_DIGITS = '1234567890123456789012345678901234567890';

describe('decimal strings (PROTOCOL.md)', () => {
  it.each([
    '0',
    '25.00',
    '-3.5',
    '+7',
    '0.62',
    '1E+2',
    '0E-8',
    '1e30',
    '1E-30',
    '-2.5e+3',
    '007',
    FORTY_DIGITS,
    `-${FORTY_DIGITS.slice(0, 20)}.${FORTY_DIGITS.slice(20)}`,
    `0.000${FORTY_DIGITS}`,
    `000${FORTY_DIGITS}`,
    `${'9'.repeat(40)}E+30`,
  ])('accepts %s', (s) => {
    expect(isDecimalString(s)).toBe(true);
    expect(Decimal.is(s)).toBe(true);
  });

  it.each([
    '',
    'abc',
    'NaN',
    'Infinity',
    '-Infinity',
    '1E+100000000',
    `1E+${MAX_EXPONENT + 1}`,
    `1E-${MAX_EXPONENT + 1}`,
    `${FORTY_DIGITS}1`,
    `${FORTY_DIGITS.slice(0, 20)}.${FORTY_DIGITS.slice(20)}1`,
    `${FORTY_DIGITS}0`,
    '.5',
    '5.',
    '1,5',
    ' 1',
    '1 ',
    '0x10',
    '1_000',
    '1e',
    '1E+',
    '--1',
    '+-1',
    '١٢',
    '１',
  ])('rejects %j', (s) => {
    expect(isDecimalString(s)).toBe(false);
    expect(Decimal.is(s)).toBe(false);
  });

  it('counts 40 significant digits as the limit, leading zeros excluded', () => {
    expect(MAX_SIGNIFICANT_DIGITS).toBe(40);
    expect(isDecimalString('9'.repeat(40))).toBe(true);
    expect(isDecimalString('9'.repeat(41))).toBe(false);
    expect(isDecimalString(`0.0000${'9'.repeat(40)}`)).toBe(true);
  });

  it('bounds the magnitude, so leading zeros cannot stand in for an exponent', () => {
    expect(isDecimalString(`0.${'0'.repeat(50_000)}1`)).toBe(false);
    expect(isDecimalString(`0.${'0'.repeat(69)}1`)).toBe(true); // 1E-70
    expect(isDecimalString(`0.${'0'.repeat(70)}1`)).toBe(false); // 1E-71
    expect(isDecimalString(`${'0'.repeat(1_000)}7`)).toBe(true);
    expect(isDecimalString(`0.${'0'.repeat(10_000)}`)).toBe(true);
  });

  it('given a long string with a written exponent, then the magnitude counts the exponent with the whole digits or the leading zeros', () => {
    expect(isDecimalString(`${'1234567890'.repeat(4)}E-30`)).toBe(true); // 1.23…E+9
    expect(isDecimalString(`0.${'0'.repeat(39)}1E-30`)).toBe(true); // 1E-70
    expect(isDecimalString(`0.${'0'.repeat(40)}1E-30`)).toBe(false); // 1E-71
  });

  it('rejects JSON numbers and other non-strings', () => {
    for (const u of [3, 0, 1.5, null, undefined, true, {}, [], ['1']]) expect(Decimal.is(u)).toBe(false);
  });

  it('reads short strings exactly as the grammar and the exponent bound say', () => {
    const grammar = /^[+-]?\d+(?:\.\d+)?(?:[eE]([+-]?\d+))?$/;
    const oracle = (s: string): boolean => {
      const m = grammar.exec(s);
      return m !== null && Math.abs(m[1] === undefined ? 0 : Number(m[1])) <= MAX_EXPONENT;
    };
    const chars = fc.constantFrom(...'0123456789+-.eE x'.split(''));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: MAX_SIGNIFICANT_DIGITS }), (cs) => {
        const s = cs.join('');
        expect(isDecimalString(s)).toBe(oracle(s));
      }),
      { numRuns: 5000 },
    );
    for (const s of ['1E30', '1E+030', '1E-30', '1e0000000031', '-0e-0', '+1.5E+2']) expect(isDecimalString(s)).toBe(oracle(s));
  });
});

describe('fractions', () => {
  it.each(['0', '1', '1.0', '0E-8', '1E+0', '0.62', '6.2E-1', '+0.5', '-0', '100E-2'])('accepts %s', (s) => {
    expect(Fraction.is(s)).toBe(true);
  });

  it.each(['1.0000001', '-0.1', '-1E-8', '1E+1', '2', '+1.01', 'abc', ''])('rejects %j without throwing', (s) => {
    expect(() => Fraction.is(s)).not.toThrow();
    expect(Fraction.is(s)).toBe(false);
  });

  // Past 15 characters a double may round across 0 or 1 (1.0000000000000001 is 1 as a double): the bounds are checked exactly.
  it.each(['0.12345678901234567', '1.000000000000000000', '0.0000000000000000001', '99999999999999999E-17'])(
    'given %s, longer than 15 characters and within 0..1, then it is accepted',
    (s) => {
      expect(Fraction.is(s)).toBe(true);
    },
  );

  it.each(['1.0000000000000001', '-0.0000000000000001', '100000000000000001E-17', '2.0000000000000000'])(
    'given %s, longer than 15 characters and outside 0..1, then it is rejected',
    (s) => {
      expect(Fraction.is(s)).toBe(false);
    },
  );
});

describe('plainWithinUnit', () => {
  /** Decimal strings near 0 and 1, in plain and exponent notation: signs, leading zeros, trailing zeros, long fractions. */
  const arbNearUnit = fc
    .tuple(
      fc.constantFrom('', '+', '-'),
      fc.constantFrom('0', '1', '00', '01', '0000', '10', '2', '9'),
      fc.option(fc.string({ unit: fc.constantFrom('0', '0', '0', '1', '5', '9'), minLength: 1, maxLength: 42 })),
      fc.option(fc.constantFrom('E+0', 'e-1', 'E1', 'E-30', 'e+2'), { freq: 4 }),
    )
    .map(([sign, whole, fraction, exponent]) => `${sign}${whole}${fraction === null ? '' : `.${fraction}`}${exponent ?? ''}`)
    .filter(isDecimalString);

  it('given decimal strings near 0 and 1, then where it answers it says what big.js says, and Fraction always does', () => {
    let answered = 0;
    fc.assert(
      fc.property(arbNearUnit, (d) => {
        const exact = toBig(d).gte(0) && toBig(d).lte(1);
        const plain = plainWithinUnit(d);
        if (plain !== undefined) {
          answered++;
          expect(plain).toBe(exact);
        }
        expect(Fraction.is(d)).toBe(exact);
      }),
      { numRuns: 5_000 },
    );
    expect(answered).toBeGreaterThan(500); // the plain strings, the fast path itself, are a good share
  });

  it.each([
    ['0', true],
    ['-0.000', true],
    ['1.000', true],
    ['001', true],
    ['1.0001', false],
    ['-0.0001', false],
    ['+0.5', true],
    ['+1.01', false],
    ['2', undefined],
    ['0.5E+0', undefined],
  ])('given %s, then it says %s', (d, answer) => {
    expect(plainWithinUnit(d)).toBe(answer);
  });
});

describe('toBig and toPlain', () => {
  it.each([
    ['1E+2', '100'],
    ['0E-8', '0'],
    ['+7', '7'],
    ['25.00', '25'],
    ['-2.5e-3', '-0.0025'],
    ['+1.50E+1', '15'],
  ])('%s is %s in plain notation', (input, plain) => {
    expect(toPlain(input)).toBe(plain);
  });

  it('every generated decimal parses, and its plain form has no exponent and the same value', () => {
    fc.assert(
      fc.property(fc.oneof(arbDecimal(), arbFraction(), arbAmount(), arbPnl()), (d) => {
        expect(isDecimalString(d)).toBe(true);
        const plain = toPlain(d);
        expect(plain).toMatch(/^-?\d+(\.\d+)?$/);
        expect(toBig(plain).eq(toBig(d))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('generated fractions are within 0..1 and generated amounts within their bounds', () => {
    fc.assert(
      fc.property(arbFraction(), arbAmount(1_000), arbPnl(500), (f, amount, pnl) => {
        expect(Fraction.is(f)).toBe(true);
        expect(toBig(amount).gte(0) && toBig(amount).lte(1_000)).toBe(true);
        expect(toBig(pnl).abs().lte(500)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('generators cover the notations projections must handle', () => {
    const samples = fc.sample(arbDecimal(), 2_000);
    expect(samples.some((s) => /E[+-]/.test(s))).toBe(true);
    expect(samples.some((s) => /e[+-]/.test(s))).toBe(true);
    expect(samples.some((s) => s.startsWith('+'))).toBe(true);
    expect(samples.some((s) => s.startsWith('-'))).toBe(true);
    expect(samples.some((s) => /\.\d*0$/.test(s))).toBe(true);
    expect(samples).toContain('0E-8');
  });

  it('toBig accepts the leading + that big.js itself rejects', () => {
    expect(() => new Big('+1')).toThrow();
    expect(toBig('+1').eq(1)).toBe(true);
  });
});
