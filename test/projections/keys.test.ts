import { describe, expect, it } from 'vitest';
import { asDraft, deleteKey, draftDelete, draftSet, inDraftScope, isDraft, setKey } from '../../src/projections';

describe('setKey and deleteKey', () => {
  it('given a map holding that very value under the key, when it is set again, then the map itself comes back', () => {
    const value = { n: 1 };
    const map = { a: value };
    expect(setKey(map, 'a', value)).toBe(map);
  });

  it('given a map holding an equal but distinct value, when it is set, then a new map holds the new value', () => {
    const map = { a: { n: 1 } };
    const value = { n: 1 };
    const next = setKey(map, 'a', value);
    expect(next).not.toBe(map);
    expect(next.a).toBe(value);
    expect(map.a).not.toBe(value);
  });

  it('given a new key, a held key and the key __proto__, when each is set, then the copy holds it as an own data member, in the order of the map, the prototype untouched', () => {
    const map: Record<string, number> = { b: 1, a: 2 };
    expect(Object.entries(setKey(map, 'c', 3))).toEqual([['b', 1], ['a', 2], ['c', 3]]);
    expect(Object.entries(setKey(map, 'b', 4))).toEqual([['b', 4], ['a', 2]]);
    const proto = setKey(map, '__proto__', 5);
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(proto, '__proto__')).toEqual({ value: 5, writable: true, enumerable: true, configurable: true });
    expect(JSON.stringify(proto)).toBe('{"b":1,"a":2,"__proto__":5}');
    expect(map).toEqual({ b: 1, a: 2 });
  });

  it('given a map without the key, when the key is deleted, then the map itself comes back', () => {
    const map = { a: 1 };
    expect(deleteKey(map, 'b')).toBe(map);
  });

  it('given a map with the key, when it is deleted, then a new map holds exactly the other keys and the old one is untouched', () => {
    const map = { a: 1, b: 2 };
    expect(deleteKey(map, 'a')).toStrictEqual({ b: 2 });
    expect(map).toStrictEqual({ a: 1, b: 2 });
  });
});

describe('draftSet and draftDelete', () => {
  it('given no draft scope, when a map is set twice, then each call copies and no map is changed', () => {
    const map = { a: 1 };
    const first = draftSet(map, 'b', 2);
    const second = draftSet(first, 'c', 3);
    expect(first).not.toBe(map);
    expect(second).not.toBe(first);
    expect(map).toStrictEqual({ a: 1 });
    expect(first).toStrictEqual({ a: 1, b: 2 });
    expect(second).toStrictEqual({ a: 1, b: 2, c: 3 });
  });

  it('given no draft scope, when a map is deleted from twice, then each call copies and no map is changed', () => {
    const map = { a: 1, b: 2, c: 3 };
    const first = draftDelete(map, 'a');
    const second = draftDelete(first, 'b');
    expect(second).not.toBe(first);
    expect(map).toStrictEqual({ a: 1, b: 2, c: 3 });
    expect(first).toStrictEqual({ b: 2, c: 3 });
    expect(second).toStrictEqual({ c: 3 });
  });

  it('given a draft scope, when a map from outside it is set, then it is copied, and the copy is changed in place afterwards', () => {
    const map = { a: 1 };
    inDraftScope(new WeakSet(), () => {
      const copy = draftSet(map, 'b', 2);
      expect(copy).not.toBe(map);
      expect(draftSet(copy, 'c', 3)).toBe(copy);
      expect(draftDelete(copy, 'a')).toBe(copy);
      expect(copy).toStrictEqual({ b: 2, c: 3 });
    });
    expect(map).toStrictEqual({ a: 1 });
  });

  it('given a draft scope, when a map from outside it loses a key, then it is copied, and the copy is changed in place afterwards', () => {
    const map = { a: 1, b: 2 };
    inDraftScope(new WeakSet(), () => {
      const copy = draftDelete(map, 'a');
      expect(copy).not.toBe(map);
      expect(draftDelete(copy, 'b')).toBe(copy);
      expect(draftSet(copy, 'c', 3)).toBe(copy);
      expect(copy).toStrictEqual({ c: 3 });
    });
    expect(map).toStrictEqual({ a: 1, b: 2 });
  });

  it('given a draft scope, when a map from outside it is set to what it holds, then it is returned and stays outside the scope', () => {
    const map = { a: 1 };
    inDraftScope(new WeakSet(), () => {
      expect(draftSet(map, 'a', 1)).toBe(map);
      expect(draftSet(map, 'b', 2)).not.toBe(map);
    });
    expect(map).toStrictEqual({ a: 1 });
  });

  it('given a draft scope, when a key a map from outside it lacks is deleted, then it is returned and stays outside the scope', () => {
    const map = { a: 1 };
    inDraftScope(new WeakSet(), () => {
      expect(draftDelete(map, 'b')).toBe(map);
      expect(draftDelete(map, 'a')).not.toBe(map);
    });
    expect(map).toStrictEqual({ a: 1 });
  });

  it('given a map made in one scope, when a later scope sets it, then it is copied, not changed', () => {
    const scope = new WeakSet<object>();
    const made = inDraftScope(scope, () => draftSet({}, 'a', 1));
    const next = inDraftScope(new WeakSet(), () => draftSet(made, 'b', 2));
    expect(next).not.toBe(made);
    expect(made).toStrictEqual({ a: 1 });
    expect(next).toStrictEqual({ a: 1, b: 2 });
  });

  it('given a scope that has ended, when its maps are set outside any scope, then they are copied, not changed', () => {
    const made = inDraftScope(new WeakSet(), () => draftSet({}, 'a', 1));
    const next = draftSet(made, 'b', 2);
    expect(next).not.toBe(made);
    expect(made).toStrictEqual({ a: 1 });
  });

  it('given a nested scope, when it ends, then the outer scope is current again', () => {
    inDraftScope(new WeakSet(), () => {
      const outer = draftSet({}, 'a', 1);
      inDraftScope(new WeakSet(), () => {
        expect(draftSet(outer, 'b', 2)).not.toBe(outer);
      });
      expect(draftSet(outer, 'c', 3)).toBe(outer);
      expect(outer).toStrictEqual({ a: 1, c: 3 });
    });
  });

  it('given a scope whose reducer throws, when the error leaves it, then the scope has ended', () => {
    let made: Readonly<Record<string, number>> = {};
    expect(() =>
      inDraftScope(new WeakSet(), () => {
        made = draftSet({}, 'a', 1);
        throw new Error('reducer failed');
      }),
    ).toThrow('reducer failed');
    expect(draftSet(made, 'b', 2)).not.toBe(made);
    expect(made).toStrictEqual({ a: 1 });
  });

  it('given a scope, then what the reducer returns is what the scope returns', () => {
    expect(inDraftScope(new WeakSet(), () => 42)).toBe(42);
  });
});

describe('isDraft and asDraft', () => {
  it('given no draft scope, when a value is marked, then it comes back as is and is not a draft', () => {
    const value = { a: 1 };
    expect(asDraft(value)).toBe(value);
    expect(isDraft(value)).toBe(false);
  });

  it('given a scope, when a value is marked, then it is a draft there, and not in a later scope nor outside', () => {
    const value = { a: 1 };
    const other = { b: 2 };
    inDraftScope(new WeakSet(), () => {
      expect(isDraft(value)).toBe(false);
      expect(asDraft(value)).toBe(value);
      expect(isDraft(value)).toBe(true);
      expect(isDraft(other)).toBe(false);
    });
    expect(isDraft(value)).toBe(false);
    inDraftScope(new WeakSet(), () => {
      expect(isDraft(value)).toBe(false);
    });
  });

  it('given a map draftSet made in a scope, then it is a draft there', () => {
    inDraftScope(new WeakSet(), () => {
      const map = { a: 1 };
      expect(isDraft(draftSet(map, 'b', 2))).toBe(true);
      expect(isDraft(draftDelete(map, 'a'))).toBe(true);
      expect(isDraft(map)).toBe(false);
    });
  });
});
