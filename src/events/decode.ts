import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { CATALOG, tagFor, type Event, type EventMeta } from './event';
import { EnvelopeV1, LegacyEnvelope, runOf } from './envelope';
import { describeErrors } from './report';
import { isAgentChannel } from './channels';

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

/** Cheap pre-check: only messages that could hold a forbidden key (or hide one in a `\\u` escape) are walked. */
const UNSAFE_KEYS_RE = /__proto__|constructor|prototype|\\u/;

/** Decoding options. */
export interface DecodeOptions {
  /** Messages larger than this many bytes are rejected before parsing. */
  readonly maxBytes?: number;
}

/**
 * Bytes from a channel → a typed event, or a `Rejected` saying why not.
 * The codec is chosen by (channel, type) before decoding, so errors name exact paths.
 */
export function decodeEvent(channel: string, raw: Buffer | string, options: DecodeOptions = {}): E.Either<Rejected, Event> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const bytes = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
  const reject = (reason: RejectReason, message: string): E.Either<Rejected, Event> =>
    E.left({ channel, reason, message, sample: sampleOf(raw), bytes });

  if (bytes > maxBytes) return reject('too_large', `Message of ${bytes} bytes exceeds the limit of ${maxBytes} bytes`);
  if (!isAgentChannel(channel)) return reject('unknown_channel', `Unknown channel "${channel}"`);

  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return reject('not_json', `Not JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return reject('not_object', `Expecting a JSON object but instead got: ${Array.isArray(json) ? 'an array' : text.slice(0, 40)}`);
  }
  if (UNSAFE_KEYS_RE.test(text)) {
    const path = findUnsafeKey(json, '');
    if (path !== undefined) return reject('unsafe_key', `Forbidden key at ${path.length > 120 ? `…${path.slice(-120)}` : path}`);
  }

  let head: { type: string; data: unknown; meta: EventMeta };
  if (Object.prototype.hasOwnProperty.call(json, 'v')) {
    const envelope = EnvelopeV1.decode(json);
    if (E.isLeft(envelope)) return reject('bad_envelope', describeErrors(envelope.left, ''));
    const { id, agent, seq, ts, type, data } = envelope.right;
    const run = runOf(id, agent, seq);
    if (run === undefined) {
      return reject('bad_envelope', `Expecting id "${agent}:<run>:${seq}" at id but instead got: ${JSON.stringify(id)}`);
    }
    head = { type, data, meta: { agent, id, run, seq, ts } };
  } else {
    const envelope = LegacyEnvelope.decode(json);
    if (E.isLeft(envelope)) return reject('bad_envelope', describeErrors(envelope.left, ''));
    const { agent, type, data } = envelope.right;
    head = { type, data, meta: { agent, id: null, run: null, seq: null, ts: null } };
  }

  const tag = tagFor(channel, head.type);
  if (tag === undefined) return reject('unknown_type', `Unknown event type "${head.type}" on channel ${channel}`);
  const codec: t.Decoder<unknown, unknown> = CATALOG[tag].codec;
  const data = codec.decode(head.data);
  if (E.isLeft(data)) return reject('bad_data', describeErrors(data.left, 'data'));
  return E.right({ type: tag, channel: CATALOG[tag].channel, meta: head.meta, data: data.right } as Event);
}

function sampleOf(raw: Buffer | string): string {
  const head = typeof raw === 'string' ? raw.slice(0, SAMPLE_CHARS) : raw.subarray(0, SAMPLE_CHARS * 4).toString('utf8');
  return head.length > SAMPLE_CHARS ? head.slice(0, SAMPLE_CHARS) : head;
}

/**
 * The path of the first own key named `__proto__`, `constructor` or `prototype`, if any.
 * Walks with an explicit stack: a 64 KiB message can nest ~32k levels, beyond the call stack.
 */
function findUnsafeKey(root: unknown, rootPath: string): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value: root, path: rootPath }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { value, path } = top;
    if (typeof value !== 'object' || value === null) continue;
    const keys = Object.keys(value);
    // Pushed in reverse so keys are visited in document order.
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      const here = path === '' ? key : `${path}.${key}`;
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') return here;
      stack.push({ value: (value as Record<string, unknown>)[key], path: here });
    }
  }
  return undefined;
}
