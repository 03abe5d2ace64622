import { execFileSync } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import * as t from 'io-ts';
import { compileGuard } from '../../src/events/guard';
import { INVALID, decodeCheck, fastCheck } from '../../src/events/check';
import { CATALOG, type EventTag } from '../../src/events/event';
import { EnvelopeV1, LegacyEnvelope } from '../../src/events/envelope';
import { Decimal, Fraction } from '../../src/events/decimal';
import { MarketId, NonEmptyString, Side, Venue, safeRecord } from '../../src/events/primitives';
import { TAGS, arbData } from './arbitraries';
import { arbJunk, arbMutatedText } from './mutations';

/** Every codec a message passes through: the two envelopes and each catalog payload. */
const DECODED: readonly [string, t.Decoder<unknown, unknown>][] = [
  ['EnvelopeV1', EnvelopeV1],
  ['LegacyEnvelope', LegacyEnvelope],
  ...TAGS.map((tag): [string, t.Decoder<unknown, unknown>] => [tag, CATALOG[tag].codec as t.Decoder<unknown, unknown>]),
];

function guardOf(codec: t.Decoder<unknown, unknown>): (u: unknown) => boolean {
  const guard = compileGuard(codec);
  if (guard === undefined) throw new Error(`no guard for ${codec.name}`);
  return guard;
}

/** Whether some object inside has an own `__proto__` key (JSON.parse makes one; decodeEvent refuses it before any codec). */
function holdsProtoKey(u: unknown): boolean {
  if (typeof u !== 'object' || u === null) return false;
  return Object.prototype.hasOwnProperty.call(u, '__proto__') || Object.values(u).some(holdsProtoKey);
}

/**
 * The rule the decoder relies on: the guard accepts exactly what `is` accepts, and then `decode`
 * gives the value back. (Except that where io-ts copies an object, its copy turns an own
 * `__proto__` key into a prototype: such values never reach a codec, decodeEvent refuses them.)
 */
function expectSameAsIoTs(codec: t.Mixed, u: unknown): void {
  const accepted = guardOf(codec)(u);
  expect(accepted).toBe(codec.is(u));
  if (holdsProtoKey(u)) return;
  const decoded = codec.decode(u);
  if (accepted) expect(decoded).toStrictEqual({ _tag: 'Right', right: u });
  const check = fastCheck(codec)(u);
  expect(check).toStrictEqual(decodeCheck(codec)(u));
}

describe('compileGuard on our codecs', () => {
  it.each(DECODED)('given %s, then it compiles (a codec kind the compiler lacks would fall back to io-ts, slowly)', (_name, codec) => {
    expect(compileGuard(codec)).toBeTypeOf('function');
  });

  it.each(TAGS)('given valid %s payloads, then the guard accepts them and decode returns them unchanged', (tag: EventTag) => {
    const codec = CATALOG[tag].codec as t.Type<unknown>;
    fc.assert(
      fc.property(arbData[tag], (data) => {
        const u: unknown = JSON.parse(JSON.stringify(data));
        expect(guardOf(codec)(u)).toBe(true);
        expectSameAsIoTs(codec, u);
      }),
      { numRuns: 300 },
    );
  });

  it.each(TAGS)('given broken %s payloads, then the guard answers as io-ts does', (tag: EventTag) => {
    const codec = CATALOG[tag].codec as t.Type<unknown>;
    let accepted = 0;
    fc.assert(
      fc.property(arbMutatedText(arbData[tag]), (text) => {
        const u: unknown = JSON.parse(text);
        if (codec.is(u)) accepted++;
        expectSameAsIoTs(codec, u);
      }),
      { numRuns: 1_000 },
    );
    // Some mutations keep the payload valid (an extra key, a dropped optional field): both sides are exercised.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(1_000);
  });

  it.each([
    ['EnvelopeV1', EnvelopeV1],
    ['LegacyEnvelope', LegacyEnvelope],
  ] as const)('given broken %s envelopes, then the guard answers as io-ts does', (_name, codec) => {
    const arbEnvelope = fc.record({
      v: fc.constant(1),
      id: fc.constant('a:run:7'),
      agent: fc.constant('a'),
      seq: fc.constant(7),
      ts: fc.constant('2026-11-26T02:47:30.123Z'),
      type: fc.constant('trade.executed'),
      data: fc.constant({}),
      as_of: fc.constant('2026-11-26T02:47:30+00:00'),
    }, { requiredKeys: ['v', 'id', 'agent', 'seq', 'ts', 'type', 'data'] });
    fc.assert(
      fc.property(arbMutatedText(arbEnvelope), (text) => expectSameAsIoTs(codec, JSON.parse(text))),
      { numRuns: 1_000 },
    );
  });
});

describe('compileGuard on each kind it knows', () => {
  const KINDS: readonly [string, t.Mixed][] = [
    ['string', t.string],
    ['number', t.number],
    ['boolean', t.boolean],
    ['null', t.null],
    ['unknown', t.unknown],
    ['string literal', t.literal('1')],
    ['number literal', t.literal(1)],
    ['boolean literal', t.literal(false)],
    ['number literal JSON cannot write (Infinity)', t.literal(Infinity)],
    ['keyof', Side],
    ['keyof with odd keys', t.keyof({ '': null, __proto__x: null, '"': null, '\\': null })],
    ['keyof with no keys', t.keyof({}) as unknown as t.Mixed],
    ['brand', NonEmptyString],
    ['brand of a brand', Fraction],
    ['refinement', t.refinement(t.number, (n) => n > 0)],
    ['union', t.union([Decimal, t.null, t.literal(3)])],
    ['type', t.type({ a: t.string, b: t.unknown, constructor: t.unknown, toString: t.unknown })],
    ['partial', t.partial({ a: Decimal, toString: t.string })],
    ['intersection', t.intersection([t.type({ a: t.number }), t.partial({ b: Side }), t.type({ c: t.union([t.null, t.type({ d: t.boolean })]) })])],
    ['array', t.array(t.union([t.number, t.array(t.string)]))],
    ['safeRecord', safeRecord(MarketId, t.array(Venue))],
    ['a union of objects', t.union([t.type({ k: t.literal('a') }), t.type({ k: t.literal('b'), n: t.number })])],
  ];

  const arbValue = fc.oneof(
    arbJunk,
    fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'k', 'n', 'constructor', 'toString', '__proto__', 'polymarket:x', 'kalshi:y'), arbJunk),
    fc.array(arbJunk),
  );

  it.each(KINDS)('given %s, then the guard accepts exactly what io-ts accepts', (_name, codec) => {
    fc.assert(
      fc.property(arbValue, (value) => expectSameAsIoTs(codec, JSON.parse(JSON.stringify(value) ?? 'null'))),
      { numRuns: 1_000 },
    );
  });

  it('given a literal 1, then the string "1" is refused (and a literal "1" refuses the number 1)', () => {
    expect(guardOf(t.literal(1))('1')).toBe(false);
    expect(guardOf(t.literal('1'))(1)).toBe(false);
  });

  it('given a type with a missing unknown field, then the guard refuses it and io-ts alone decides', () => {
    const codec = t.type({ a: t.unknown });
    expect(guardOf(codec)({})).toBe(false);
    expect(fastCheck(codec)({})).toStrictEqual({ a: undefined });
  });

  it('given a codec with a guard and a valid value, then fastCheck returns the value itself without calling decode; only a refused value is decoded', () => {
    const codec = t.type({ a: t.string });
    const decode = vi.spyOn(codec, 'decode');
    const value = { a: 'x' };
    expect(fastCheck(codec)(value)).toBe(value);
    expect(decode).not.toHaveBeenCalled();
    expect(fastCheck(codec)({ a: 1 })).toBe(INVALID);
    expect(decode).toHaveBeenCalledTimes(1);
  });
});

describe('codec kinds the compiler does not know', () => {
  const Point = t.type({ x: t.number });
  const Custom = new t.Type<string, string, unknown>('Custom', (u): u is string => u === 'ok', (u, c) => (u === 'ok' ? t.success('ok') : t.failure(u, c)), String);
  interface Tree {
    children: Tree[];
  }
  const Tree: t.Type<Tree> = t.recursion('Tree', () => t.type({ children: t.array(Tree) }));

  it.each([
    ['exact', t.exact(Point)],
    ['strict', t.strict({ x: t.number })],
    ['record', t.record(t.string, t.number)],
    ['tuple', t.tuple([t.number, t.string])],
    ['readonly', t.readonly(Point)],
    ['recursion', Tree],
    ['custom', Custom],
    ['exact deep inside a known kind', t.type({ a: t.array(t.union([t.null, t.partial({ p: t.exact(Point) })])) })],
    ['custom deep inside an intersection', t.intersection([Point, t.type({ c: Custom })])],
    ['intersection with a union member', t.intersection([Point, t.union([t.type({ a: t.string }), t.type({ b: t.string })])])],
  ] as const)('given %s, then there is no guard and io-ts decodes', (_name, codec) => {
    expect(compileGuard(codec)).toBeUndefined();
  });

  /** Codecs of some other making that carry io-ts's tag of a kind but not the fields io-ts gives it. */
  const tagged = (fields: Record<string, unknown>): t.Decoder<unknown, unknown> => ({ name: 'Tagged', ...fields }) as unknown as t.Decoder<unknown, unknown>;

  it.each([
    ['a refinement without its inner codec', tagged({ _tag: 'RefinementType', predicate: () => true })],
    ['a refinement without its predicate', tagged({ _tag: 'RefinementType', type: t.number })],
    ['a union without its members', tagged({ _tag: 'UnionType' })],
    ['a union of no members', tagged({ _tag: 'UnionType', types: [] })],
    ['an array without its item codec', tagged({ _tag: 'ArrayType' })],
    ['a type without its props', tagged({ _tag: 'InterfaceType' })],
    ['a partial without its props', tagged({ _tag: 'PartialType' })],
    ['an intersection without its members', tagged({ _tag: 'IntersectionType' })],
  ] as const)('given %s, then there is no guard (the compiler reads no field it has not checked)', (_name, codec) => {
    expect(compileGuard(codec)).toBeUndefined();
  });

  it('given a codec whose field throws when read (a fault, not a kind the compiler lacks), then compileGuard throws it rather than falling back unseen', () => {
    const broken = {
      _tag: 'InterfaceType',
      name: 'Broken',
      get props(): never {
        throw new RangeError('props unreadable');
      },
    };
    expect(() => compileGuard(broken as unknown as t.Decoder<unknown, unknown>)).toThrow(RangeError);
  });

  it('given an exact codec, then fastCheck strips extra keys as io-ts does, never returning the input as it is', () => {
    const input = { x: 1, extra: true };
    expect(fastCheck(t.exact(Point))(input)).toStrictEqual({ x: 1 });
    expect(fastCheck(t.type({ p: t.exact(Point) }))({ p: input })).toStrictEqual({ p: { x: 1 } });
    expect(fastCheck(t.exact(Point))({ x: '1' })).toBe(INVALID);
  });
});

describe('where code generation is forbidden', () => {
  it('given node --disallow-code-generation-from-strings, then there are no guards and decodeEvent still decodes and rejects, by io-ts', () => {
    const script = `
      const { compileGuard } = require('./src/events/guard');
      const { decodeEvent } = require('./src/events/decode');
      const { EnvelopeV1 } = require('./src/events/envelope');
      const ok = decodeEvent('risk.state', JSON.stringify({ agent: 'a', type: 'risk.halted', data: { rule: 'r', reason: '' } }));
      const bad = decodeEvent('risk.state', JSON.stringify({ agent: 'a', type: 'risk.halted', data: { rule: 'r', reason: 1 } }));
      process.stdout.write(JSON.stringify({ guard: compileGuard(EnvelopeV1) === undefined ? 'none' : 'compiled', ok: ok._tag, bad: bad._tag === 'Left' ? bad.left.message : 'accepted' }));
    `;
    const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--import', 'tsx', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ guard: 'none', ok: 'Right', bad: 'Expecting string at data.reason but instead got: 1' });
  });
});
