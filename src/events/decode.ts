import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { CATALOG, type Event, type EventMeta, type EventTag } from './event';
import { EnvelopeV1, LegacyEnvelope, runOf } from './envelope';
import { describeErrors } from './report';
import { AGENT_CHANNELS, type AgentChannel } from './channels';
import { INVALID, decodeCheck, fastCheck, type Check } from './check';

/** Why a message was rejected: the label metrics and `/rejected` count by. */
export type RejectReason =
  | 'too_large'
  | 'not_json'
  | 'not_object'
  | 'unsafe_key'
  | 'unknown_channel'
  | 'bad_envelope'
  | 'unknown_type'
  | 'bad_data';

/** A message that is not a valid event: data, never thrown. */
export interface Rejected {
  /** The channel it arrived on (without the Redis prefix). */
  readonly channel: string;
  readonly reason: RejectReason;
  /** A sentence saying what is wrong and where, e.g. `Expecting decimal string at data.amount but instead got: 3`. */
  readonly message: string;
  /** The start of the raw message, at most `SAMPLE_CHARS` characters. */
  readonly sample: string;
  /** The raw message's size in bytes. */
  readonly bytes: number;
}

/** Default limit on one message's size (PROTOCOL.md). */
export const DEFAULT_MAX_EVENT_BYTES = 64 * 1024;
/** How much of a rejected message is kept. */
export const SAMPLE_CHARS = 256;

/** Decoding options. */
export interface DecodeOptions {
  /** Messages larger than this many bytes are rejected before parsing. */
  readonly maxBytes?: number;
}

/** What decoding needs for one (channel, wire type): the event's tag and home channel, its payload codec and check. */
interface Route {
  readonly tag: EventTag;
  readonly channel: AgentChannel;
  readonly codec: t.Decoder<unknown, unknown>;
  readonly check: Check<unknown>;
}

/** How a decoding checks the values it parsed: compiled guards first, or io-ts alone (see `decodeEventByIoTs`). */
interface Checks {
  readonly envelopeV1: Check<EnvelopeV1>;
  readonly legacyEnvelope: Check<LegacyEnvelope>;
  /**
   * Channel → wire type → route: every agent channel, with the types the catalog has on it
   * (`tagFor` and `isAgentChannel` in one table, so an event costs two lookups).
   */
  readonly routes: ReadonlyMap<string, ReadonlyMap<string, Route>>;
}

function routesWith(check: (codec: t.Decoder<unknown, unknown>) => Check<unknown>): Checks['routes'] {
  const byChannel = new Map<string, Map<string, Route>>(AGENT_CHANNELS.map((channel) => [channel, new Map()]));
  for (const tag of Object.keys(CATALOG) as EventTag[]) {
    const { channel, wireType, codec } = CATALOG[tag];
    byChannel.get(channel)?.set(wireType, { tag, channel, codec, check: check(codec) });
  }
  return byChannel;
}

/** The definition: io-ts decodes every value. */
const BY_IO_TS: Checks = {
  envelopeV1: decodeCheck(EnvelopeV1),
  legacyEnvelope: decodeCheck(LegacyEnvelope),
  routes: routesWith(decodeCheck),
};

/** The same answers, cheaper: a compiled guard before io-ts (check.ts). */
const FAST: Checks = {
  envelopeV1: fastCheck(EnvelopeV1),
  legacyEnvelope: fastCheck(LegacyEnvelope),
  routes: routesWith(fastCheck),
};

/**
 * Bytes from a channel → a typed event, or a `Rejected` saying why not.
 * The codec is chosen by (channel, type) before decoding, so errors name exact paths.
 */
export function decodeEvent(channel: string, raw: Buffer | string, options?: DecodeOptions): E.Either<Rejected, Event> {
  return decodeWith(FAST, channel, raw, options);
}

/**
 * `decodeEvent` by io-ts alone, with none of its shortcuts: the definition `decodeEvent` is tested
 * equal to (test/events/fastDecode.test.ts), and the baseline benches compare it with.
 */
export function decodeEventByIoTs(channel: string, raw: Buffer | string, options?: DecodeOptions): E.Either<Rejected, Event> {
  return decodeWith(BY_IO_TS, channel, raw, options);
}

function decodeWith(checks: Checks, channel: string, raw: Buffer | string, options: DecodeOptions | undefined): E.Either<Rejected, Event> {
  const maxBytes = options?.maxBytes ?? DEFAULT_MAX_EVENT_BYTES;
  // Stryker disable next-line ConditionalExpression: a Buffer's byteLength is its length
  const bytes = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;

  if (bytes > maxBytes) return reject(channel, raw, bytes, 'too_large', `Message of ${bytes} bytes exceeds the limit of ${maxBytes} bytes`);
  const types = checks.routes.get(channel);
  if (types === undefined) return reject(channel, raw, bytes, 'unknown_channel', `Unknown channel "${channel}"`);

  // `toString()` without arguments is UTF-8 and skips the encoding lookup `toString('utf8')` does.
  // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: JSON.parse reads a Buffer as its UTF-8 text
  const text = typeof raw === 'string' ? raw : raw.toString();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return reject(channel, raw, bytes, 'not_json', `Not JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    const got = Array.isArray(json) ? 'an array' : text.slice(0, 40);
    return reject(channel, raw, bytes, 'not_object', `Expecting a JSON object but instead got: ${got}`);
  }
  if (mayHoldUnsafeKey(json)) {
    const path = findUnsafeKey(json, '');
    if (path !== undefined) {
      return reject(channel, raw, bytes, 'unsafe_key', `Forbidden key at ${path.length > 120 ? `…${path.slice(-120)}` : path}`);
    }
  }

  let type: string;
  let payload: unknown;
  let meta: EventMeta;
  if (Object.prototype.hasOwnProperty.call(json, 'v')) {
    const envelope = checks.envelopeV1(json);
    if (envelope === INVALID) return reject(channel, raw, bytes, 'bad_envelope', describeErrors(errorsOf(EnvelopeV1, json), ''));
    const { id, agent, seq, ts, as_of } = envelope;
    const run = runOf(id, agent, seq);
    if (run === undefined) {
      return reject(channel, raw, bytes, 'bad_envelope', `Expecting id "${agent}:<run>:${seq}" at id but instead got: ${JSON.stringify(id)}`);
    }
    type = envelope.type;
    payload = envelope.data;
    meta = as_of === undefined ? { agent, id, run, seq, ts } : { agent, id, run, seq, ts, asOf: as_of };
  } else {
    const envelope = checks.legacyEnvelope(json);
    if (envelope === INVALID) return reject(channel, raw, bytes, 'bad_envelope', describeErrors(errorsOf(LegacyEnvelope, json), ''));
    type = envelope.type;
    payload = envelope.data;
    meta = { agent: envelope.agent, id: null, run: null, seq: null, ts: null };
  }

  const route = types.get(type);
  if (route === undefined) return reject(channel, raw, bytes, 'unknown_type', `Unknown event type "${type}" on channel ${channel}`);
  const data = route.check(payload);
  if (data === INVALID) return reject(channel, raw, bytes, 'bad_data', describeErrors(errorsOf(route.codec, payload), 'data'));
  return E.right({ type: route.tag, channel: route.channel, meta, data } as Event);
}

function reject(channel: string, raw: Buffer | string, bytes: number, reason: RejectReason, message: string): E.Either<Rejected, Event> {
  return E.left({ channel, reason, message, sample: sampleOf(raw), bytes });
}

/** The errors `decode` reports for a value a `Check` refused (the failure path: decodes again, to keep the hot path lean). */
function errorsOf<A>(codec: t.Decoder<unknown, A>, u: unknown): t.Errors {
  const result = codec.decode(u);
  return result._tag === 'Left' ? result.left : [];
}

function sampleOf(raw: Buffer | string): string {
  const head = typeof raw === 'string' ? raw.slice(0, SAMPLE_CHARS) : raw.subarray(0, SAMPLE_CHARS * 4).toString('utf8');
  return head.length > SAMPLE_CHARS ? head.slice(0, SAMPLE_CHARS) : head;
}

/** Objects and arrays still to visit; shared by every `mayHoldUnsafeKey` call, and left empty. */
const pending: object[] = [];

/**
 * Cheap pre-check: only messages where some object has a key named `__proto__`, `constructor`
 * or `prototype` are walked again by `findUnsafeKey` for the path. It runs for every message,
 * so it builds no paths and allocates nothing; walking the parsed keys costs less than scanning
 * the text for the names and for `\\u` escapes that could spell them. (`for in` also visits
 * inherited enumerable keys, never fewer than the own ones `findUnsafeKey` decides on.)
 */
function mayHoldUnsafeKey(root: object): boolean {
  pending.push(root);
  for (let value = pending.pop(); value !== undefined; value = pending.pop()) {
    if (Array.isArray(value)) {
      // Stryker disable next-line ConditionalExpression,LogicalOperator: pushing a primitive visits nothing (for-in over it yields no names)
      for (const item of value as unknown[]) if (typeof item === 'object' && item !== null) pending.push(item);
      continue;
    }
    for (const key in value) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
        pending.length = 0;
        return true;
      }
      const item = (value as Record<string, unknown>)[key];
      // Stryker disable next-line ConditionalExpression: as above, a primitive yields no names
      if (typeof item === 'object' && item !== null) pending.push(item);
    }
  }
  // Stryker disable next-line BooleanLiteral: a wider answer only runs the exact search
  return false;
}

/**
 * The path of the first own key named `__proto__`, `constructor` or `prototype`, if any.
 * Walks with an explicit stack: a 64 KiB message can nest ~32k levels, beyond the call stack.
 */
function findUnsafeKey(root: unknown, rootPath: string): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value: root, path: rootPath }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { value, path } = top;
    // Stryker disable next-line ConditionalExpression: the keys of a string are its indexes, never a forbidden name
    if (typeof value !== 'object' || value === null) continue;
    const keys = Object.keys(value);
    // Pushed in reverse so keys are visited in document order.
    // Stryker disable next-line ArithmeticOperator: starting one past the end visits an undefined key first, which names nothing
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      const here = path === '' ? key : `${path}.${key}`;
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') return here;
      stack.push({ value: (value as Record<string, unknown>)[key], path: here });
    }
  }
  return undefined;
}
