import * as t from 'io-ts';
import { NonEmptyString, Timestamp } from './primitives';

/** The brand of `Seq` (exported so that declaration files can name it). */
export interface SeqBrand {
  readonly Seq: unique symbol;
}
/** A per-run sequence number: 1, 2, 3, ... */
export const Seq = t.brand(
  t.number,
  (n): n is t.Branded<number, SeqBrand> => Number.isSafeInteger(n) && n >= 1,
  'Seq',
);

/**
 * Envelope v1: what our agents publish. `data` is decoded by the codec its (channel, type) picks.
 * `as_of` (optional, added later) is the agents' simulated market time when they published it.
 */
export const EnvelopeV1 = t.intersection([
  t.type({
    v: t.literal(1),
    id: NonEmptyString,
    agent: NonEmptyString,
    seq: Seq,
    ts: Timestamp,
    type: NonEmptyString,
    data: t.unknown,
  }),
  t.partial({ as_of: Timestamp }),
]);
export type EnvelopeV1 = t.TypeOf<typeof EnvelopeV1>;

/** The original Python agents' envelope: no `v`, `id`, `seq` or `ts`. */
export const LegacyEnvelope = t.type({
  agent: NonEmptyString,
  type: NonEmptyString,
  data: t.unknown,
});
export type LegacyEnvelope = t.TypeOf<typeof LegacyEnvelope>;

const COLON = 58;

/**
 * The run part of an id `<agent>:<run>:<seq>`, or `undefined` when the id does not have that form.
 * Compares in place (this runs for every event): only the run itself is sliced out.
 */
export function runOf(id: string, agent: string, seq: number): string | undefined {
  const digits = String(seq);
  const start = agent.length + 1;
  const end = id.length - digits.length - 1;
  if (end <= start || id.charCodeAt(start - 1) !== COLON || id.charCodeAt(end) !== COLON) return undefined;
  if (!id.startsWith(agent) || !id.endsWith(digits)) return undefined;
  return id.slice(start, end);
}
