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
const ZERO = 48;
/** The run `runOf` returned last: the next event of the same run gets this very string back. */
let lastRun = '';

/**
 * The run part of an id `<agent>:<run>:<seq>`, or `undefined` when the id does not have that form.
 * Compares in place (this runs for every event): the seq's digits are read as a number rather than
 * `seq` written out, and the run is sliced out only when it differs from the last one returned, so
 * consecutive events of a run share one string (whose hash the seq tracker's lookups then reuse).
 * Characters are compared in loops: on strings `JSON.parse` made, `lastIndexOf` and `startsWith`
 * cost several times as much.
 */
export function runOf(id: string, agent: string, seq: number): string | undefined {
  const start = agent.length + 1;
  const end = lastColon(id);
  if (end <= start || id.charCodeAt(start - 1) !== COLON || !spellsAt(id, 0, agent)) return undefined;
  if (!digitsSpell(id, end + 1, seq)) return undefined;
  // Stryker disable next-line ConditionalExpression,ArithmeticOperator: slicing the run every time gives the same run, as a new string
  if (lastRun.length !== end - start || !spellsAt(id, start, lastRun)) lastRun = id.slice(start, end);
  return lastRun;
}

/** `id.lastIndexOf(':')`. */
function lastColon(id: string): number {
  let i = id.length - 1;
  while (i >= 0 && id.charCodeAt(i) !== COLON) i--;
  return i;
}

/** Whether `part` is in `s` at `at` (`s.startsWith(part, at)`; past the end charCodeAt is NaN, which equals no code). */
function spellsAt(s: string, at: number, part: string): boolean {
  for (let i = 0; i < part.length; i++) if (s.charCodeAt(at + i) !== part.charCodeAt(i)) return false;
  return true;
}

/**
 * Whether `id` from `from` to its end is `String(seq)` (`seq` a safe integer of at least 1): decimal
 * digits without a leading zero whose value is `seq`. No digits give 0, never a seq; their value is
 * exact below 2^53 and rounds to 2^53 or above when it is not, never to a safe seq.
 */
function digitsSpell(id: string, from: number, seq: number): boolean {
  if (id.charCodeAt(from) === ZERO) return false;
  let value = 0;
  for (let i = from; i < id.length; i++) {
    const digit = id.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return false;
    value = value * 10 + digit;
  }
  return value === seq;
}
