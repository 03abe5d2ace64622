// From its module, not the `../events` index (whose re-exports are getters): this runs for most events.
import { isUnsafeKey } from '../events/primitives';

/**
 * A data value (agent, strategy or rule name) as a state key: names of `Object.prototype`
 * members get a leading `_`, so no client ever indexes `__proto__` or `constructor`.
 */
export function safeKey(name: string): string {
  return isUnsafeKey(name) ? `_${name}` : name;
}

/** `map[key]` if `map` owns it. */
export function own<V>(map: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

/** `map` with `key` set to `value`, or `map` itself when it already holds that very value. */
export function setKey<V>(map: Readonly<Record<string, V>>, key: string, value: V): Readonly<Record<string, V>> {
  if (Object.prototype.hasOwnProperty.call(map, key) && map[key] === value) return map;
  // Assigning to the copy defines the key as the literal would, faster, for every key but `__proto__` (whose setter it would call).
  if (key === '__proto__') return { ...map, [key]: value };
  const copy: Record<string, V> = { ...map };
  copy[key] = value;
  return copy;
}

/**
 * The maps `draftSet` and `draftDelete` may change in place: the ones they made inside the current
 * draft scope. `undefined` outside any scope, where they copy like `setKey` and `deleteKey`.
 */
let drafts: WeakSet<object> | undefined;

/**
 * Runs `reduce(arg)` with `scope` as the set of maps that `draftSet`/`draftDelete` made and may change in
 * place. Whoever passes a scope owns the states reduced in it: it starts a new scope (a new set) before
 * anyone else may read those states, so a map once read is never changed again.
 */
export function inDraftScope<T>(scope: WeakSet<object>, reduce: () => T): T;
export function inDraftScope<A, T>(scope: WeakSet<object>, reduce: (arg: A) => T, arg: A): T;
export function inDraftScope<A, T>(scope: WeakSet<object>, reduce: (arg?: A) => T, arg?: A): T {
  const outer = drafts;
  drafts = scope;
  try {
    return reduce(arg);
  } finally {
    drafts = outer;
  }
}

/**
 * `map` with `key` set to `value`, for a large map whose identity is never used as a change signal:
 * inside a draft scope, a map this function (or `draftDelete`) made in that scope is changed in place
 * and returned as is; any other map is copied, as `setKey` does.
 */
export function draftSet<V>(map: Readonly<Record<string, V>>, key: string, value: V): Readonly<Record<string, V>> {
  if (isDraft(map)) {
    (map as Record<string, V>)[key] = value;
    return map;
  }
  const copy = setKey(map, key, value);
  return copy === map ? map : asDraft(copy);
}

/** Whether `value` was made in the current draft scope, and so may be changed in place (see `draftSet`). */
export function isDraft(value: object): boolean {
  return drafts?.has(value) === true;
}

/** `value`, which the caller just made, marked as made in the current draft scope (if any): see `isDraft`. */
export function asDraft<T extends object>(value: T): T {
  drafts?.add(value);
  return value;
}

/** A draft's fields, writable: what `edit` hands out. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Calls of `edit` so far: a change made in place leaves the state's identity as it was, and shows here instead. */
let edits = 0;

/** How many changes `edit` has handed out: compared before and after a reducer, it says whether the reducer changed something in place. */
export function editCount(): number {
  return edits;
}

/**
 * `value`, to be changed by the caller: itself when it was made in the current draft scope, else a
 * shallow copy made in it (see `draftSet`). Call it only to make a change: every call counts as one
 * (`editCount`), since a change made in place cannot be seen from the state's identity. For objects
 * whose identity nothing uses as a change signal.
 */
export function edit<T extends object>(value: T): Mutable<T> {
  edits++;
  return (isDraft(value) ? value : asDraft({ ...value })) as Mutable<T>;
}

/** `list`, to be changed by the caller: `edit` for arrays (itself when made in the current draft scope, else a copy made in it). */
export function editList<T>(list: readonly T[]): T[] {
  edits++;
  return isDraft(list) ? (list as T[]) : asDraft(list.slice());
}

/** `map` without `key`: `deleteKey`, in place for a map made in the current draft scope (see `draftSet`). */
export function draftDelete<V>(map: Readonly<Record<string, V>>, key: string): Readonly<Record<string, V>> {
  if (isDraft(map)) {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a map of data keys, made in this scope
    delete (map as Record<string, V>)[key];
    return map;
  }
  const copy = deleteKey(map, key);
  return copy === map ? map : asDraft(copy);
}

/** `map` without `key`, or `map` itself when it has no such key. */
export function deleteKey<V>(map: Readonly<Record<string, V>>, key: string): Readonly<Record<string, V>> {
  if (!Object.prototype.hasOwnProperty.call(map, key)) return map;
  const copy: Record<string, V> = {};
  for (const k of Object.keys(map)) if (k !== key) copy[k] = map[k] as V;
  return copy;
}

/** Whether two maps hold the same keys with the very same values. */
export function sameRecord<V>(a: Readonly<Record<string, V>>, b: Readonly<Record<string, V>>): boolean {
  let count = 0;
  for (const key in b) {
    if (!Object.prototype.hasOwnProperty.call(a, key) || a[key] !== b[key]) return false;
    count++;
  }
  return count === size(a);
}

/** Whether two objects of one shape hold the very same value in every field. */
export function sameFields<T extends object>(a: T, b: T): boolean {
  for (const key of Object.keys(a) as (keyof T)[]) if (a[key] !== b[key]) return false;
  return true;
}

/** How many keys a map holds. */
export function size(map: Readonly<Record<string, unknown>>): number {
  return Object.keys(map).length;
}
