import { isUnsafeKey } from '../events';

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
  return { ...map, [key]: value };
}

/** `map` without `key`, or `map` itself when it has no such key. */
export function deleteKey<V>(map: Readonly<Record<string, V>>, key: string): Readonly<Record<string, V>> {
  if (!Object.prototype.hasOwnProperty.call(map, key)) return map;
  const copy: Record<string, V> = {};
  for (const k of Object.keys(map)) if (k !== key) copy[k] = map[k] as V;
  return copy;
}

/** How many keys a map holds. */
export function size(map: Readonly<Record<string, unknown>>): number {
  return Object.keys(map).length;
}
