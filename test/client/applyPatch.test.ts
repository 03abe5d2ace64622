import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPatch, parsePointer, PatchError } from '../../src/client/applyPatch';
import type { PatchOperation } from '../../src/client/protocol';
import { diff } from '../../src/pipeline/jsonPatch';

/** Deep-freezes a JSON value so that any mutation throws. */
function freeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) freeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Any JSON without `__proto__` members: the decoder rejects those before they reach a projection, so diff need not handle them. */
const json = fc
  .jsonValue({ maxDepth: 4 })
  .map((v) => JSON.parse(JSON.stringify(v)) as unknown)
  .filter((v) => !JSON.stringify(v).includes('"__proto__"'));

describe('applyPatch', () => {
  it('applies add, remove and replace by RFC 6902', () => {
    const doc = freeze({ a: 1, list: [1, 2, 3], 'x/y': { '~z': true } });
    expect(
      applyPatch(doc, [
        { op: 'add', path: '/list/0', value: 0 },
        { op: 'add', path: '/list/-', value: 4 },
        { op: 'remove', path: '/list/2' },
        { op: 'replace', path: '/a', value: { b: 2 } },
        { op: 'add', path: '/x~1y/~0z', value: false },
        { op: 'add', path: '/a/c', value: 3 },
      ]),
    ).toEqual({ a: { b: 2, c: 3 }, list: [0, 1, 3, 4], 'x/y': { '~z': false } });
  });

  it('rejects ops that do not fit the document', () => {
    const doc = freeze({ a: { b: 1 }, list: [1] });
    expect(() => applyPatch(doc, [{ op: 'replace', path: '/missing', value: 1 }])).toThrow(PatchError);
    expect(() => applyPatch(doc, [{ op: 'remove', path: '/list/1' }])).toThrow(PatchError);
    expect(() => applyPatch(doc, [{ op: 'add', path: '/list/5', value: 1 }])).toThrow(PatchError);
    expect(() => applyPatch(doc, [{ op: 'add', path: '/nope/x', value: 1 }])).toThrow(PatchError);
    expect(() => applyPatch(doc, [{ op: 'add', path: 'a', value: 1 }])).toThrow(PatchError);
  });

  it('treats a member named __proto__ as data, never as the prototype', () => {
    const doc = freeze(JSON.parse('{"__proto__":{"a":1}}') as Record<string, unknown>);
    const next = applyPatch(doc, [
      { op: 'add', path: '/__proto__/polluted', value: true },
      { op: 'add', path: '/x', value: JSON.parse('{"__proto__":1}') as unknown },
    ]) as Record<string, unknown>;
    expect(Object.getPrototypeOf(next)).toBe(Object.prototype);
    expect(JSON.stringify(next)).toBe('{"__proto__":{"a":1,"polluted":true},"x":{"__proto__":1}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('turns a state into the next one by the ops diff produced, never mutating either', () => {
    fc.assert(
      fc.property(json, json, (before, after) => {
        const ops = diff(freeze(before), freeze(after));
        expect(applyPatch(before, freeze(ops))).toEqual(after);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps states handed out earlier unchanged (structural sharing, copy on write)', () => {
    const base = freeze({ keep: { big: [1, 2, 3] }, change: { n: 1 } });
    const next = applyPatch(base, [{ op: 'replace', path: '/change/n', value: 2 }]) as typeof base;
    expect(next.keep).toBe(base.keep);
    expect(base.change.n).toBe(1);
    expect(next.change.n).toBe(2);
  });
});

describe('parsePointer (RFC 6901)', () => {
  it.each([
    ['', []],
    ['/', ['']],
    ['/a~1b/c~0d', ['a/b', 'c~d']],
    // ~1 is unescaped after ~0 would be wrong: "~01" is the text "~1", never "/".
    ['/~01', ['~1']],
    ['/~10', ['/0']],
    ['/~0~1~1~0', ['~//~']],
    ['/m~n/ /0', ['m~n', ' ', '0']],
  ])('given the pointer %j, then its reference tokens are %j', (pointer, tokens) => {
    expect(parsePointer(pointer)).toEqual(tokens);
  });

  it('given a pointer not starting with "/", then it is a PatchError', () => {
    expect(() => parsePointer('a/b')).toThrow(PatchError);
  });
});

describe('applyPatch checks each operation before writing', () => {
  it.each([
    ['an add without value', { op: 'add', path: '/b' }],
    ['a replace without value', { op: 'replace', path: '/a' }],
    ['an op that is not one of the three', { op: 'copy', from: '/a', path: '/b' }],
    ['an op without a path', { op: 'remove' }],
    ['a path that is not a string', { op: 'remove', path: 0 }],
    ['an operation that is not an object', 'remove /a'],
    ['an operation that is an array', ['remove', '/a']],
    ['null', null],
  ])('given %s, then the patch fails with a PatchError and the document is untouched', (_label, op) => {
    const doc = freeze({ a: 1 });
    expect(() => applyPatch(doc, [{ op: 'replace', path: '/a', value: 2 }, op] as unknown as PatchOperation[])).toThrow(PatchError);
    expect(doc).toEqual({ a: 1 });
  });

  it('given an add or replace whose value is null, then null is written (a value, not a missing one)', () => {
    expect(applyPatch({ a: 1 }, [{ op: 'replace', path: '/a', value: null }, { op: 'add', path: '/b', value: null }])).toEqual({ a: null, b: null });
  });
});
