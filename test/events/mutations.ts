/**
 * fast-check arbitraries that break valid JSON values in the ways hostile or buggy publishers do:
 * a field dropped, retyped (numbers for strings, strings for numbers, huge and fractional numbers,
 * unicode), extra keys (prototype names among them), a whole object swapped for junk. Values go
 * through JSON text, so they are what `JSON.parse` hands the decoder (`__proto__` an own key).
 */
import fc from 'fast-check';

/** Keys a mutation adds: ordinary, prototype members, and ones that only look odd. */
export const EXTRA_KEYS = [
  'extra',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  'é',
  '🙂',
  'v',
  'data',
  '0',
] as const;

/** Values that sit next to valid ones: wrong type, out of range, not quite a decimal or a date. */
export const arbJunk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -0,
    1,
    -1,
    1.5,
    2 ** 53,
    2 ** 53 + 2,
    1e308,
    -1e308,
    5e-324,
    '',
    '0',
    '1',
    '-1',
    '1.5',
    '+1',
    '1E+2',
    '1e400',
    'NaN',
    'Infinity',
    ' 1',
    '0x10',
    '2026-01-31T12:00:00Z',
    '2026-02-30T12:00:00Z',
    'polymarket:x',
    'nyse:x',
    'buy',
    'YES',
    'filled',
    '__proto__',
    'constructor',
    'x'.repeat(257),
    [],
    {},
    [1, '2'],
    { a: 1 },
  ),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.double(),
  fc.integer(),
  fc.jsonValue({ maxDepth: 2 }),
);

/** One edit to apply at some object or array inside a value. */
export type Mutation =
  | { readonly op: 'delete'; readonly at: number; readonly pick: number }
  | { readonly op: 'set'; readonly at: number; readonly pick: number; readonly value: unknown }
  | { readonly op: 'add'; readonly at: number; readonly key: string; readonly value: unknown }
  | { readonly op: 'replace'; readonly at: number; readonly value: unknown };

/** A random edit; `at` and `pick` choose the object and the key modulo what there is. */
export const arbMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), pick: fc.nat() }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), pick: fc.nat(), value: arbJunk }),
  fc.record({ op: fc.constant('add' as const), at: fc.nat(), key: fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ maxLength: 6 })), value: arbJunk }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: arbJunk }),
);

/** Sets an own data property, even `__proto__` (an assignment would change the prototype instead). */
function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `value` with the mutations applied, as JSON text (what a publisher would send). */
export function mutatedText(value: unknown, mutations: readonly Mutation[]): string {
  let root: unknown = JSON.parse(JSON.stringify(value));
  for (const mutation of mutations) {
    // Every object and array inside, root first, with a way to put a new value in its place.
    const found: { node: object; put: (value: unknown) => void }[] = [];
    const visit = (node: unknown, put: (value: unknown) => void): void => {
      if (typeof node !== 'object' || node === null) return;
      found.push({ node, put });
      for (const key of Object.keys(node)) visit((node as Record<string, unknown>)[key], (v) => define(node, key, v));
    };
    visit(root, (v) => {
      root = v;
    });
    const target = found[mutation.at % Math.max(found.length, 1)];
    if (target === undefined) {
      if (mutation.op === 'replace') root = JSON.parse(JSON.stringify(mutation.value) ?? 'null');
      continue;
    }
    // A copy: junk constants are shared between runs, and a value put inside itself would make a cycle.
    const value: unknown = 'value' in mutation ? JSON.parse(JSON.stringify(mutation.value) ?? 'null') : undefined;
    const keys = Object.keys(target.node);
    const key = keys.length === 0 ? undefined : keys[('pick' in mutation ? mutation.pick : 0) % keys.length];
    switch (mutation.op) {
      case 'delete':
        if (key !== undefined) {
          if (Array.isArray(target.node)) target.node.splice(Number(key), 1);
          else Reflect.deleteProperty(target.node, key);
        }
        break;
      case 'set':
        if (key !== undefined) define(target.node, key, value);
        break;
      case 'add':
        if (Array.isArray(target.node)) target.node.push(value);
        else define(target.node, mutation.key, value);
        break;
      case 'replace':
        target.put(value);
        break;
    }
  }
  return JSON.stringify(root) ?? 'null';
}

/** JSON text of `value` broken by one to three mutations. */
export function arbMutatedText(value: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.tuple(value, fc.array(arbMutation, { minLength: 1, maxLength: 3 })).map(([v, mutations]) => mutatedText(v, mutations));
}
