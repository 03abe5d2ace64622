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

  it.each([
    ['a test op', { op: 'test', path: '/a', value: 1 }, 'Unsupported operation "test"'],
    ['a move onto a member that exists', { op: 'move', from: '/a', path: '/a' }, 'Unsupported operation "move"'],
    ['an add without value', { op: 'add', path: '/b' }, 'Operation add at /b has no value'],
    ['a replace without value', { op: 'replace', path: '/a' }, 'Operation replace at /a has no value'],
    ['an op without a path', { op: 'remove' }, 'Operation remove has no string path'],
    ['a number', 7, 'Operation is not an object: 7'],
    ['an array', ['remove'], 'Operation is not an object: ["remove"]'],
  ])('given %s, then the PatchError says %j', (_label, op, message) => {
    expect(() => applyPatch({ a: 1 }, [op] as unknown as PatchOperation[])).toThrow(new PatchError(message));
  });

  it('given array indexes of several digits, then they address the element', () => {
    const list = Array.from({ length: 12 }, (_, i) => i);
    expect(applyPatch({ l: list }, [{ op: 'replace', path: '/l/11', value: 'x' }, { op: 'remove', path: '/l/10' }])).toEqual({ l: [...list.slice(0, 10), 'x'] });
  });

  it('given an add or replace whose value is null, then null is written (a value, not a missing one)', () => {
    expect(applyPatch({ a: 1 }, [{ op: 'replace', path: '/a', value: null }, { op: 'add', path: '/b', value: null }])).toEqual({ a: null, b: null });
  });
});

describe('applyPatch errors say what did not fit', () => {
  it.each([
    ['a pointer without a leading "/"', {}, { op: 'add', path: 'a', value: 1 }, 'JSON pointer must start with "/": a'],
    ['an array index that is not a number', { l: [1] }, { op: 'replace', path: '/l/x', value: 1 }, 'Bad array index "x"'],
    ['an array index with a leading zero', { l: [1, 2] }, { op: 'replace', path: '/l/01', value: 1 }, 'Bad array index "01"'],
    ['"-" where an element must exist', { l: [1] }, { op: 'remove', path: '/l/-' }, 'Bad array index "-"'],
    ['an array index past the end', { l: [1] }, { op: 'add', path: '/l/2', value: 1 }, 'Array index 2 out of bounds'],
    ['replacing one past the last element', { l: [1] }, { op: 'replace', path: '/l/1', value: 1 }, 'Array index 1 out of bounds'],
    ['going through one past the last element', { l: [{}] }, { op: 'add', path: '/l/1/a', value: 1 }, 'Array index 1 out of bounds'],
    ['removing the root', { a: 1 }, { op: 'remove', path: '' }, 'Cannot remove the document root'],
    ['a path into a number', 5, { op: 'add', path: '/a', value: 1 }, 'Path /a goes through a non-container'],
    ['a path into null', null, { op: 'add', path: '/a', value: 1 }, 'Path /a goes through a non-container'],
    ['a path through a missing member', { a: {} }, { op: 'add', path: '/a/b/c', value: 1 }, 'Path /a/b/c goes through a missing or non-container member'],
    ['a path through a string', { a: 'text' }, { op: 'add', path: '/a/b', value: 1 }, 'Path /a/b goes through a missing or non-container member'],
    ['a path through null', { a: null }, { op: 'add', path: '/a/b', value: 1 }, 'Path /a/b goes through a missing or non-container member'],
    ['a path through an inherited member', {}, { op: 'add', path: '/constructor/x', value: 1 }, 'Path /constructor/x goes through a missing or non-container member'],
    ['replacing a missing member', { a: 1 }, { op: 'replace', path: '/b', value: 1 }, 'No member "b" to replace'],
    ['removing a missing member', { a: 1 }, { op: 'remove', path: '/b' }, 'No member "b" to remove'],
    ['removing an inherited member', {}, { op: 'remove', path: '/toString' }, 'No member "toString" to remove'],
  ])('given %s, then a PatchError says so', (_label, doc, op, message) => {
    const error = (() => {
      try {
        applyPatch(doc, [op as PatchOperation]);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(PatchError);
    expect(error).toMatchObject({ name: 'PatchError', message });
  });

  it('given an op on the root, then add and replace set the whole document', () => {
    expect(applyPatch({ a: 1 }, [{ op: 'replace', path: '', value: [1] }])).toEqual([1]);
    expect(applyPatch(null, [{ op: 'add', path: '', value: { b: 2 } }, { op: 'add', path: '/c', value: 3 }])).toEqual({ b: 2, c: 3 });
  });

  it('given members written by a patch, then they are plain writable, enumerable data properties', () => {
    const out = applyPatch({ a: 1, o: {} }, [
      { op: 'replace', path: '/a', value: 2 },
      { op: 'add', path: '/o/x', value: 3 },
      { op: 'add', path: '/__proto__', value: 4 },
    ]) as Record<string, unknown>;
    for (const [target, key, value] of [[out, 'a', 2], [out.o, 'x', 3], [out, '__proto__', 4]] as const) {
      expect(Object.getOwnPropertyDescriptor(target, key)).toEqual({ value, writable: true, enumerable: true, configurable: true });
    }
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('given a removal, then the member is gone, not set to undefined', () => {
    const out = applyPatch({ a: 1, b: 2 }, [{ op: 'remove', path: '/a' }]) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['b']);
  });

  it('given writes under the same container in one patch, then untouched siblings are shared and the input is unchanged', () => {
    const input = freeze({ o: { a: 1, b: 2 }, keep: { k: 1 }, list: [{ x: 1 }, { y: 2 }] });
    const out = applyPatch(input, [
      { op: 'replace', path: '/o/a', value: 10 },
      { op: 'replace', path: '/o/b', value: 20 },
      { op: 'add', path: '/list/0/z', value: 3 },
    ]) as typeof input & { list: Record<string, number>[] };
    expect(out).toEqual({ o: { a: 10, b: 20 }, keep: { k: 1 }, list: [{ x: 1, z: 3 }, { y: 2 }] });
    expect(out.keep).toBe(input.keep);
    expect(out.list[1]).toBe(input.list[1]);
    expect(Array.isArray(out.list)).toBe(true);
  });
});
