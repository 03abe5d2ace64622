import type * as t from 'io-ts';

/** Names a person reads instead of codec names. */
const READABLE: Readonly<Record<string, string>> = {
  Decimal: 'decimal string',
  Fraction: 'decimal string within 0..1',
  NonEmptyString: 'non-empty string (at most 256 characters)',
  MarketId: 'market id "venue:external_id"',
  Timestamp: 'ISO-8601 date-time with zone',
  Count: 'non-negative integer',
  Seq: 'positive integer',
};

const MAX_VALUE_CHARS = 60;

/** What a codec expects, in words: enumerations list their values, objects do not dump their codec. */
function expectedOf(type: t.Decoder<unknown, unknown>): string {
  const readable = READABLE[type.name];
  if (readable !== undefined) return readable;
  const tagged = type as { _tag?: string; keys?: Record<string, unknown> };
  if (tagged._tag === 'KeyofType' && tagged.keys !== undefined) {
    return `one of ${Object.keys(tagged.keys).map((k) => JSON.stringify(k)).join(', ')}`;
  }
  if (tagged._tag === 'InterfaceType' || tagged._tag === 'PartialType' || tagged._tag === 'IntersectionType') return 'an object';
  if (tagged._tag === 'ArrayType') return 'an array';
  return type.name;
}

/** The value as short JSON; never throws (JSON.stringify and String both overflow the stack on deep nesting). */
function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = Array.isArray(value) ? '[…]' : typeof value === 'object' ? '{…}' : typeof value;
  }
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}…` : s;
}

/** One validation error as a sentence: `Expecting decimal string at data.amount but instead got: 3`. */
export function describeError(error: t.ValidationError, root: string): string {
  const keys: string[] = [];
  error.context.forEach((entry, i) => {
    const parent = error.context[i - 1]?.type as { _tag?: string } | undefined;
    const transparent = parent?._tag === 'IntersectionType' || parent?._tag === 'UnionType';
    if (entry.key !== '' && !transparent) keys.push(entry.key);
  });
  const path = [root, ...keys].filter((k) => k !== '').join('.') || '(root)';
  if (error.message !== undefined) return `${error.message} at ${path}`;
  const last = error.context[error.context.length - 1];
  const expected = last === undefined ? 'value' : expectedOf(last.type);
  return `Expecting ${expected} at ${path} but instead got: ${show(error.value)}`;
}

/** The first few errors, joined; enough to fix the message without flooding a log. */
export function describeErrors(errors: t.Errors, root: string, max = 3): string {
  const unique = [...new Set(errors.map((e) => describeError(e, root)))];
  const shown = unique.slice(0, max).join('; ');
  return unique.length > max ? `${shown} (and ${unique.length - max} more)` : shown;
}
