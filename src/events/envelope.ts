import * as t from 'io-ts';
import { NonEmptyString, Timestamp } from './primitives';

/** A per-run sequence number: 1, 2, 3, ... */
export const Seq = t.brand(
  t.number,
  (n): n is t.Branded<number, { readonly Seq: unique symbol }> => Number.isSafeInteger(n) && n >= 1,
  'Seq',
);

/** Envelope v1: what our agents publish. `data` is decoded by the codec its (channel, type) picks. */
export const EnvelopeV1 = t.type({
  v: t.literal(1),
  id: NonEmptyString,
  agent: NonEmptyString,
  seq: Seq,
  ts: Timestamp,
  type: NonEmptyString,
  data: t.unknown,
});
export type EnvelopeV1 = t.TypeOf<typeof EnvelopeV1>;

/** The original Python agents' envelope: no `v`, `id`, `seq` or `ts`. */
export const LegacyEnvelope = t.type({
  agent: NonEmptyString,
  type: NonEmptyString,
  data: t.unknown,
});
export type LegacyEnvelope = t.TypeOf<typeof LegacyEnvelope>;

/** The run part of an id `<agent>:<run>:<seq>`, or `undefined` when the id does not have that form. */
export function runOf(id: string, agent: string, seq: number): string | undefined {
  const prefix = `${agent}:`;
  const suffix = `:${seq}`;
  if (!id.startsWith(prefix) || !id.endsWith(suffix)) return undefined;
  const run = id.slice(prefix.length, id.length - suffix.length);
  return run.length > 0 ? run : undefined;
}
