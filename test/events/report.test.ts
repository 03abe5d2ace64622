import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { describeErrors } from '../../src/events/report';
import { Decimal } from '../../src/events/decimal';
import { OpportunityType } from '../../src/events/primitives';

/** The sentence a codec's failure on `value` reads as, under `root`. */
function sentence(codec: t.Decoder<unknown, unknown>, value: unknown, root = 'data', max?: number): string {
  const result = codec.decode(value);
  if (E.isRight(result)) throw new Error('expected a failure');
  return describeErrors(result.left, root, max);
}

describe('rejection sentences', () => {
  it('given a value at the root, then the path says (root)', () => {
    expect(sentence(Decimal, 3, '')).toBe('Expecting decimal string at (root) but instead got: 3');
  });

  it('given a long value, then it is shown cut at 60 characters with an ellipsis', () => {
    const long = 'x'.repeat(100);
    expect(sentence(t.type({ a: Decimal }), { a: long })).toBe(`Expecting decimal string at data.a but instead got: "${'x'.repeat(59)}…`);
  });

  it('given a value of exactly 60 characters as JSON, then it is shown whole', () => {
    const value = 'y'.repeat(58);
    expect(sentence(t.type({ a: Decimal }), { a: value })).toBe(`Expecting decimal string at data.a but instead got: "${value}"`);
  });

  it('given a nested array or object where another kind is expected, then they read as "an array" and "an object"', () => {
    expect(sentence(t.type({ a: t.array(t.string) }), { a: {} })).toBe('Expecting an array at data.a but instead got: {}');
    expect(sentence(t.type({ a: t.type({ b: t.string }) }), { a: 1 })).toBe('Expecting an object at data.a but instead got: 1');
    expect(sentence(t.type({ a: t.partial({ b: t.string }) }), { a: 1 })).toBe('Expecting an object at data.a but instead got: 1');
  });

  it('given an enumeration, then its values are listed', () => {
    expect(sentence(t.type({ k: OpportunityType }), { k: 'x' })).toBe(
      'Expecting one of "oracle_lag", "cross_platform", "temporal", "mispricing" at data.k but instead got: "x"',
    );
  });

  it('given an error with no context at all (not one io-ts makes), then it reads as a value expected at the root', () => {
    expect(describeErrors([{ value: 3, context: [] }], '')).toBe('Expecting value at (root) but instead got: 3');
  });

  it('given a codec with no readable name, then its own name is used', () => {
    expect(sentence(t.type({ n: t.number }), { n: 'one' })).toBe('Expecting number at data.n but instead got: "one"');
  });

  it('given a codec of our own making that carries a keys field but is no keyof, then its own name is used, not a list of values', () => {
    class Keyed extends t.Type<string> {
      readonly keys = { a: null };
      constructor() {
        super('Keyed', (u): u is string => u === 'a', (u, c) => (u === 'a' ? t.success('a') : t.failure(u, c)), String);
      }
    }
    expect(sentence(t.type({ k: new Keyed() }), { k: 'b' })).toBe('Expecting Keyed at data.k but instead got: "b"');
  });

  it('given members of intersections and unions, then the path skips the combinators and names only keys', () => {
    const codec = t.type({ a: t.intersection([t.type({ b: t.string }), t.partial({ c: t.string })]) });
    expect(sentence(codec, { a: { b: 1, c: 2 } })).toBe('Expecting string at data.a.b but instead got: 1; Expecting string at data.a.c but instead got: 2');
  });

  it('given repeated errors, then each sentence appears once, and beyond the limit a count of the rest', () => {
    const codec = t.type({ a: t.string, b: t.string, c: t.string, d: t.string });
    expect(sentence(codec, { a: 1, b: 2, c: 3, d: 4 }, 'data', 2)).toBe(
      'Expecting string at data.a but instead got: 1; Expecting string at data.b but instead got: 2 (and 2 more)',
    );
    expect(sentence(codec, { a: 1, b: 2, c: 3, d: 'ok' }, 'data', 3)).toBe(
      'Expecting string at data.a but instead got: 1; Expecting string at data.b but instead got: 2; Expecting string at data.c but instead got: 3',
    );
  });

  it('given a value JSON cannot show (a cycle, a bigint), then a short stand-in is shown instead of throwing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(sentence(t.type({ a: t.string }), { a: cyclic })).toBe('Expecting string at data.a but instead got: {…}');
    const list: unknown[] = [];
    list.push(list);
    expect(sentence(t.type({ a: t.string }), { a: list })).toBe('Expecting string at data.a but instead got: […]');
    expect(sentence(t.type({ a: t.string }), { a: 10n })).toBe('Expecting string at data.a but instead got: bigint');
    expect(sentence(t.type({ a: t.string }), { a: Symbol.for('s') })).toBe('Expecting string at data.a but instead got: Symbol(s)');
  });
});
