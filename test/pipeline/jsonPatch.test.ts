import fc from 'fast-check';
import * as jsonpatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { diff, escapePointer, type Operation } from '../../src/pipeline/jsonPatch';

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const patched = (doc: unknown, ops: readonly Operation[]): unknown =>
  jsonpatch.applyPatch(copy(doc), copy(ops) as jsonpatch.Operation[], true, true).newDocument;

const item = (n: number) => ({ id: `t${n}`, amount: String(n) });

describe('diff', () => {
  it('gives nothing for the same reference, or equal content', () => {
    const s = { a: [item(1)], b: { c: '1' } };
    expect(diff(s, s)).toEqual([]);
    expect(diff(s, copy(s))).toEqual([]);
  });

  it('gives nothing for equal content, for any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (a) => {
        expect(diff(a, copy(a))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('replaces a member object whole when most of its members changed, never the document', () => {
    const window = { trades: [item(1), item(2)] };
    expect(diff(window, { trades: [item(3), window.trades[1]] })).toEqual([{ op: 'replace', path: '/trades/0', value: item(3) }]);
    // Half or less changed: one op per member; the document itself is patched member by member.
    expect(diff({ t: { a: '1', b: '2' } }, { t: { a: '1', b: '3' } })).toEqual([{ op: 'replace', path: '/t/b', value: '3' }]);
    expect(diff({ a: '1', b: '2' }, { a: '3', b: '4' })).toEqual([
      { op: 'replace', path: '/a', value: '3' },
      { op: 'replace', path: '/b', value: '4' },
    ]);
  });

  it('replaces, adds and removes object members, escaping keys per RFC 6901', () => {
    expect(diff({ a: '1', 'x/y': 1, 'm~n': true }, { a: '2', 'x/y': 2, z: null })).toEqual([
      { op: 'replace', path: '/a', value: '2' },
      { op: 'replace', path: '/x~1y', value: 2 },
      { op: 'add', path: '/z', value: null },
      { op: 'remove', path: '/m~0n' },
    ]);
    expect(escapePointer('a~/b')).toBe('a~0~1b');
  });

  it('costs two ops for a prepend onto a full bounded list, whatever its length', () => {
    const before = { trades: Array.from({ length: 50 }, (_, i) => item(i)) };
    const fresh = item(99);
    const after = { trades: [fresh, ...before.trades.slice(0, 49)] };
    expect(diff(before, after)).toEqual([
      { op: 'add', path: '/trades/0', value: fresh },
      { op: 'remove', path: '/trades/50' },
    ]);
  });

  it('costs two ops for an append that drops the oldest point', () => {
    const before = Array.from({ length: 500 }, (_, i) => item(i));
    const point = item(500);
    expect(diff(before, [...before.slice(1), point])).toEqual([
      { op: 'remove', path: '/0' },
      { op: 'add', path: '/499', value: point },
    ]);
  });

  it('patches an item changed in place without touching its neighbours', () => {
    const before = [item(1), item(2), item(3)];
    const after = [before[0], { ...item(2), won: true }, before[2]];
    expect(diff(before, after)).toEqual([{ op: 'add', path: '/1/won', value: true }]);
  });

  it('treats names of Object.prototype members as ordinary keys', () => {
    expect(diff({ toString: '1' }, {})).toEqual([{ op: 'remove', path: '/toString' }]);
    expect(diff({}, { valueOf: 1 })).toEqual([{ op: 'add', path: '/valueOf', value: 1 }]);
  });

  it('replaces the root when its kind changes', () => {
    expect(diff([1], { a: 1 })).toEqual([{ op: 'replace', path: '', value: { a: 1 } }]);
  });

  it('before + diff = after, for any two JSON values', () => {
    // Projection states never hold prototype names as keys (safeKey), and patch libraries refuse them.
    const json = fc.jsonValue().filter((v) => !/"(__proto__|constructor|prototype)":/.test(JSON.stringify(v)));
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(patched(a, diff(a, b))).toEqual(copy(b));
      }),
      { numRuns: 500 },
    );
  });

  it('before + diff = after, for arrays edited while sharing their items', () => {
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), n: fc.integer({ min: 1000, max: 2000 }) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('change' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120 }), fc.array(edit, { maxLength: 12 }), (length, edits) => {
        const before = Array.from({ length }, (_, i) => item(i));
        const after = [...before] as { id: string; amount: string; won?: boolean }[];
        for (const e of edits) {
          const at = after.length === 0 ? 0 : e.at % after.length;
          if (e.kind === 'insert') after.splice(e.at % (after.length + 1), 0, item(e.n));
          else if (e.kind === 'delete') after.splice(at, 1);
          else if (e.kind === 'truncate') after.length = Math.min(after.length, at);
          else if (after[at] !== undefined) after[at] = { ...after[at], won: true };
        }
        const ops = diff({ list: before }, { list: after });
        expect(patched({ list: before }, ops)).toEqual({ list: copy(after) });
        expect(ops.length).toBeLessThanOrEqual(Math.max(before.length, after.length) + 2 * edits.length + 1);
      }),
      { numRuns: 500 },
    );
  });

  it('diffs a known splice of a series to the very ops it would find by walking it', () => {
    fc.assert(
      fc.property(fc.nat(30), fc.nat(30), fc.integer({ min: 1, max: 5 }), (length, cut, added) => {
        const series = Array.from({ length }, (_, i) => item(i));
        const dropped = Math.min(cut, length);
        const next = [...series.slice(dropped), ...Array.from({ length: added }, (_, i) => item(100 + i))];
        const before = { n: 1, series };
        const after = { n: 2, series: next };
        const ops = diff(before, after, { before: series, after: next, dropped });
        expect(ops).toEqual(diff(before, after));
        expect(patched(before, ops)).toEqual(after);
      }),
      { numRuns: 300 },
    );
  });

  it('ignores a splice that names other arrays', () => {
    const series = [item(1), item(2)];
    const next = [item(3)];
    const ops = diff({ series }, { series: next }, { before: series, after: [...next], dropped: 0 });
    expect(patched({ series }, ops)).toEqual({ series: next });
  });
});

describe('diff: the exact ops of hand-worked cases', () => {
  const [A, B, C, X] = [item(1), item(2), item(3), item(9)];

  it('given a kept item moved from the back to the front, then it is one add and one remove, not two of each', () => {
    expect(diff([A, B, C], [C, A, B])).toEqual([
      { op: 'add', path: '/0', value: C },
      { op: 'remove', path: '/3' },
    ]);
    expect(diff([X, A, B, C], [X, C, A, B])).toEqual([
      { op: 'add', path: '/1', value: C },
      { op: 'remove', path: '/4' },
    ]);
  });

  it('given a kept item moved from the front to the back, then removes come first, at the walk position', () => {
    expect(diff([X, A, B, C], [X, B, C, A])).toEqual([
      { op: 'remove', path: '/1' },
      { op: 'add', path: '/3', value: A },
    ]);
  });

  it('given arrays of equal numbers, then items are matched by position, never searched for by value', () => {
    expect(diff([1, 2, 3], [2, 3, 4])).toEqual([
      { op: 'replace', path: '/0', value: 2 },
      { op: 'replace', path: '/1', value: 3 },
      { op: 'replace', path: '/2', value: 4 },
    ]);
  });

  it('given a window whose front moved by more than the lookahead, then the first search still finds it: removes at the front, adds at the back', () => {
    const before = Array.from({ length: 500 }, (_, i) => item(i));
    const after = [...before.slice(100), ...Array.from({ length: 100 }, (_, i) => item(1000 + i))];
    expect(diff({ curve: before }, { curve: after })).toEqual([
      ...Array.from({ length: 100 }, () => ({ op: 'remove', path: '/curve/0' })),
      ...after.slice(400).map((value, k) => ({ op: 'add', path: `/curve/${400 + k}`, value })),
    ]);
    // 100 new items ahead of the whole array: found by the first search too, 100 adds.
    const prepended = [...Array.from({ length: 100 }, (_, i) => item(2000 + i)), ...before];
    expect(diff(before, prepended)).toEqual(prepended.slice(0, 100).map((value, j) => ({ op: 'add', path: `/${j}`, value })));
  });

  it('given a kept item further ahead than the lookahead after the first search, then the walk does not find it and patches by position', () => {
    const before = Array.from({ length: 70 }, (_, i) => item(i));
    const news = (n: number) => Array.from({ length: n }, (_, i) => item(1000 + i));
    // One item added at the front (the first search), then the rest of `before` behind 64 or 65 new items.
    const found = [item(999), before[0], ...news(64), ...before.slice(1)];
    const after = [item(999), before[0], ...news(65), ...before.slice(1)];
    // 64 new items ahead: the next kept item is the 64th looked at, within the lookahead: 65 adds in all.
    expect(diff(before, found)).toEqual([
      { op: 'add', path: '/0', value: found[0] },
      ...found.slice(2, 66).map((value, k) => ({ op: 'add', path: `/${2 + k}`, value })),
    ]);
    // 65 new items ahead: out of reach, so items are patched by position instead.
    const ops = diff(before, after);
    expect(ops.length).toBeGreaterThan(66);
    expect(ops[1]).toEqual({ op: 'replace', path: '/2', value: after[2] });
    expect(patched(before, ops)).toEqual(copy(after));
  });

  it('given a window of 8 or more items replaced through and through, then the array is replaced whole', () => {
    const before = Array.from({ length: 8 }, (_, i) => item(i));
    const after = Array.from({ length: 8 }, (_, i) => item(100 + i));
    expect(diff({ trades: before }, { trades: after })).toEqual([{ op: 'replace', path: '/trades', value: after }]);
    // From nothing to 8 items: an add per item would be the larger patch too.
    expect(diff({ trades: [] }, { trades: after })).toEqual([{ op: 'replace', path: '/trades', value: after }]);
  });

  it('given a window replaced but for one kept item, or shorter than 8, then the ops are per item', () => {
    const before = Array.from({ length: 8 }, (_, i) => item(i));
    const keptOne = [...Array.from({ length: 7 }, (_, i) => item(100 + i)), before[7]];
    const ops = diff({ trades: before }, { trades: keptOne });
    expect(ops.map((o) => o.path)).not.toContain('/trades');
    expect(patched({ trades: before }, ops)).toEqual(copy({ trades: keptOne }));
    const short = Array.from({ length: 7 }, (_, i) => item(100 + i));
    expect(diff({ trades: before.slice(0, 7) }, { trades: short })).toEqual(short.map((value, j) => ({ op: 'replace', path: `/trades/${j}`, value })));
  });

  it('given ops already made for earlier members, then an array with one changed item still gets only that op', () => {
    const before = Array.from({ length: 10 }, (_, i) => item(i));
    const after = copy(before);
    after[3] = item(300);
    const members = (v: string) => Object.fromEntries(Array.from({ length: 12 }, (_, k) => [`m${k}`, `${v}${k}`]));
    const ops = diff({ ...members('a'), trades: before }, { ...members('b'), trades: after });
    expect(ops).toEqual([
      ...Array.from({ length: 12 }, (_, k) => ({ op: 'replace', path: `/m${k}`, value: `b${k}` })),
      { op: 'replace', path: '/trades/3', value: item(300) },
    ]);
  });

  it('given a copy of a window with equal items (a restored state), then there are no ops, not a replace', () => {
    const before = Array.from({ length: 20 }, (_, i) => item(i));
    expect(diff({ trades: before }, { trades: copy(before) })).toEqual([]);
    // Equal but one: the one changed item's op only.
    const after = copy(before);
    after[3] = item(300);
    expect(diff({ trades: before }, { trades: after })).toEqual([{ op: 'replace', path: '/trades/3', value: item(300) }]);
  });

  it('given an object whose members half changed, then each is patched; more than half, then it is replaced whole', () => {
    expect(diff({ t: { a: '1', b: '2', c: '3', d: '4' } }, { t: { a: '1', b: '2', c: '9', d: '9' } })).toEqual([
      { op: 'replace', path: '/t/c', value: '9' },
      { op: 'replace', path: '/t/d', value: '9' },
    ]);
    expect(diff({ t: { a: '1', b: '2', c: '3' } }, { t: { a: '1', b: '9', c: '9' } })).toEqual([{ op: 'replace', path: '/t', value: { a: '1', b: '9', c: '9' } }]);
    // A member that is an object counts as kept, even when its content changed.
    expect(diff({ t: { a: { x: 1 }, b: '2' } }, { t: { a: { x: 2 }, b: '3' } })).toEqual([
      { op: 'replace', path: '/t/a', value: { x: 2 } },
      { op: 'replace', path: '/t/b', value: '3' },
    ]);
    // A member set to null counts as changed.
    expect(diff({ t: { a: '1', b: '2', c: '3' } }, { t: { a: null, b: null, c: '3' } })).toEqual([{ op: 'replace', path: '/t', value: { a: null, b: null, c: '3' } }]);
  });

  it('given a known splice that the walk would not see as one, then the ops are still the walk\'s', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 3 }), fc.boolean(), (length, cut, added, objects) => {
        const make = (n: number): unknown => (objects ? item(n) : n);
        const series = Array.from({ length }, (_, i) => make(i));
        const dropped = Math.min(cut, length);
        const next = [...series.slice(dropped), ...Array.from({ length: added }, (_, i) => make(1000 + i))];
        const ops = diff({ series }, { series: next }, { before: series, after: next, dropped });
        expect(ops).toEqual(diff({ series }, { series: next }));
      }),
      { numRuns: 300 },
    );
  });
});
