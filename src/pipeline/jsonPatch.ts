/** One RFC 6902 operation; the projector only ever emits these three. */
export type Operation =
  | { readonly op: 'add'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'replace'; readonly path: string; readonly value: unknown };

/**
 * How far ahead the array diff looks for an item it can keep, after its first search: bounds the work
 * on unrelated arrays. The first search looks through the whole array, so a window whose front moved
 * by any amount (a bounded series that dropped more than this many points in one tick) is still
 * removes at the front and adds at the back, not a replace of every item.
 */
const LOOKAHEAD = 64;

/**
 * The shortest array the diff replaces whole when it kept none of its items and needed an op per
 * item: below it, the ops' paths cost next to nothing.
 */
const WHOLE_ARRAY_MIN = 8;

/** A key as one RFC 6901 JSON Pointer segment (`~` → `~0`, `/` → `~1`). */
export function escapePointer(key: string): string {
  // Stryker disable next-line ConditionalExpression,StringLiteral: a fast path; the replaces below return such a key unchanged
  if (!key.includes('~') && !key.includes('/')) return key;
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * A change to one array known by whoever made it: `after` is `before` without its first
 * `dropped` items, then new items (none of them in `before`) appended: a bounded series, such
 * as an equity curve.
 */
export interface KnownSplice {
  readonly before: readonly unknown[];
  readonly after: readonly unknown[];
  readonly dropped: number;
}

/**
 * Whether the walk below would see `splice` as removes at the front and adds at the back: it
 * does when nothing is dropped, or when a kept item (an object, which its first search finds
 * wherever it is) follows the dropped ones; otherwise the walk is left to decide.
 */
function isPlainSplice({ before, after, dropped }: KnownSplice): boolean {
  if (dropped === 0) return true;
  const first = after[0];
  return dropped < before.length && typeof first === 'object' && first !== null;
}

/** The splice the running `diff` may use; module scratch, so the recursion carries no extra argument. */
let known: KnownSplice | undefined;

/**
 * Ops turning `before` into `after` (immutable JSON values; subtrees that are `===` are skipped).
 * Ops share values with `after`: serialise them, never mutate them. With `splice`, that very
 * pair of arrays (by identity) is diffed in O(changes) instead of walking a long series; the ops
 * are those the alignment below would find.
 */
export function diff(before: unknown, after: unknown, splice?: KnownSplice): Operation[] {
  const ops: Operation[] = [];
  known = splice;
  try {
    diffInto(before, after, '', ops);
    // Stryker disable next-line BlockStatement: every call sets `known` before use; the reset only drops a reference early
  } finally {
    known = undefined;
  }
  return ops;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function diffInto(before: unknown, after: unknown, path: string, ops: Operation[]): void {
  if (before === after) return;
  if (Array.isArray(before) && Array.isArray(after)) {
    diffArrays(before, after, path, ops);
  } else if (isObject(before) && isObject(after)) {
    diffObjects(before, after, path, ops);
  } else {
    ops.push({ op: 'replace', path, value: after });
  }
}

/** The own value at `key`, or `undefined`: JSON values are never functions, so inherited members read as absent. */
function member(o: Record<string, unknown>, key: string): unknown {
  const v = o[key];
  return typeof v === 'function' ? undefined : v;
}

/**
 * Whether more than half of `after`'s members are new or hold another primitive value than in
 * `before`: then one `replace` of the whole object is smaller than an op per member (and cheaper
 * to apply), e.g. a window slot that now holds another trade. Members that are objects count as
 * kept (their content may be equal), so equal content never turns into a replace.
 */
function mostlyReplaced(before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  let count = 0;
  let changed = 0;
  for (const key in after) {
    count++;
    const value = after[key];
    const held = member(before, key);
    if (held === undefined || (held !== value && (typeof value !== 'object' || value === null))) changed++;
  }
  return changed * 2 > count;
}

function diffObjects(before: Record<string, unknown>, after: Record<string, unknown>, path: string, ops: Operation[]): void {
  // The document itself is never replaced whole: a delta's ops address its members.
  if (path !== '' && mostlyReplaced(before, after)) {
    ops.push({ op: 'replace', path, value: after });
    return;
  }
  // for-in allocates no key arrays; these are plain JSON objects, whose prototypes add no enumerable keys.
  let beforeCount = 0;
  // Stryker disable next-line UpdateOperator: counts only enable the skip below; a wrong count means a removal scan that finds nothing
  for (const _ in before) beforeCount++;
  let shared = 0;
  for (const key in after) {
    const value = after[key];
    const held = member(before, key);
    if (held === undefined) {
      ops.push({ op: 'add', path: `${path}/${escapePointer(key)}`, value });
    } else {
      // Stryker disable next-line UpdateOperator: as above, the count only enables the skip
      shared++;
      // Stryker disable next-line ConditionalExpression: diffInto returns at once for the same value
      if (held !== value) diffInto(held, value, `${path}/${escapePointer(key)}`, ops);
    }
  }
  // Stryker disable next-line ConditionalExpression: skips a removal scan that would find nothing
  if (shared === beforeCount) return;
  for (const key in before) {
    if (member(after, key) === undefined) ops.push({ op: 'remove', path: `${path}/${escapePointer(key)}` });
  }
}

/**
 * Greedy alignment by identity: items kept by reference are matched, so a prepend onto a
 * bounded list is `add /0` + `remove /<n>` and an append that drops the oldest is `remove /0` + `add`.
 * Invariant: the patched array so far is `after[0..j) ++ before[i..)`.
 */
function diffArrays(before: readonly unknown[], after: readonly unknown[], path: string, ops: Operation[]): void {
  if (known !== undefined && before === known.before && after === known.after && isPlainSplice(known)) {
    for (let k = 0; k < known.dropped; k++) ops.push({ op: 'remove', path: `${path}/0` });
    for (let j = before.length - known.dropped; j < after.length; j++) ops.push({ op: 'add', path: `${path}/${j}`, value: after[j] });
    return;
  }
  const start = ops.length;
  /** Whether an item was kept by identity (a found item is met by the in-place check next). */
  let kept = false;
  let i = 0;
  let j = 0;
  let reach = Math.max(before.length, after.length);
  while (i < before.length && j < after.length) {
    // Stryker disable next-line ConditionalExpression,BlockStatement: a fast path; without it an item kept in place is found by neither search and diffed with itself (no ops)
    if (before[i] === after[j]) {
      kept = true;
      i++;
      j++;
      continue;
    }
    // Stryker disable next-line ArithmeticOperator: searching from j - 1 finds only items already placed, which in JSON states are never one reference twice
    const inserted = findAhead(after, j + 1, before[i], reach);
    // Stryker disable next-line ArithmeticOperator: likewise for i - 1
    const removed = findAhead(before, i + 1, after[j], reach);
    reach = LOOKAHEAD;
    if (inserted >= 0 && (removed < 0 || inserted - j <= removed - i)) {
      for (; j < inserted; j++) ops.push({ op: 'add', path: `${path}/${j}`, value: after[j] });
    } else if (removed >= 0) {
      for (; i < removed; i++) ops.push({ op: 'remove', path: `${path}/${j}` });
    } else {
      diffInto(before[i], after[j], `${path}/${j}`, ops);
      i++;
      j++;
    }
  }
  for (let k = j + before.length - i - 1; k >= j; k--) ops.push({ op: 'remove', path: `${path}/${k}` });
  for (; j < after.length; j++) ops.push({ op: 'add', path: `${path}/${j}`, value: after[j] });
  if (!kept && path !== '' && after.length >= WHOLE_ARRAY_MIN && ops.length - start >= after.length) {
    // Nothing kept and at least an op per item: a window replaced through and through. One replace of
    // the array is smaller than an op (with its path) per item, and cheaper to apply.
    ops.length = start;
    ops.push({ op: 'replace', path, value: after });
  }
}

function findAhead(items: readonly unknown[], from: number, target: unknown, reach: number): number {
  if (typeof target !== 'object' || target === null) return -1; // only shared references identify an item
  const end = Math.min(items.length, from + reach);
  for (let k = from; k < end; k++) if (items[k] === target) return k;
  return -1;
}
