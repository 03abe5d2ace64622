import { isUtf8 } from 'node:buffer';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import type { LogEntry } from '../eventlog';
import { describeErrors } from '../events/report';

const Position = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 1, 'positive integer');
const Millis = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'milliseconds since 1970 (integer)');
const Base64 = t.refinement(t.string, (s) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0, 'base64 text');

/**
 * One log entry as a line of NDJSON (`pm-arb log export`, `log import`, `replay --from-file`).
 * The message is `message` when its bytes are valid UTF-8 (all JSON events are), otherwise
 * `message_b64` (standard base64): exactly one of the two, so every byte survives the round trip.
 */
export const LogLine = t.intersection([
  t.type({
    /** The entry's position in the log it was exported from. */
    pos: Position,
    channel: t.string,
    /** When that log took the entry (ms since 1970): the time of events that carry none. */
    time: Millis,
  }),
  t.partial({ message: t.string, message_b64: Base64 }),
]);
/** A decoded NDJSON line. */
export type LogLine = t.TypeOf<typeof LogLine>;

/** An entry as one NDJSON line, without the newline. */
export function encodeLogLine(entry: LogEntry): string {
  const { pos, channel, time, message } = entry;
  return isUtf8(message)
    ? JSON.stringify({ pos, channel, time, message: message.toString() })
    : JSON.stringify({ pos, channel, time, message_b64: message.toString('base64') });
}

/** One NDJSON line → the entry it holds, or why it does not hold one. */
export function decodeLogLine(text: string): E.Either<string, LogEntry> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return E.left('not JSON');
  }
  const decoded = LogLine.decode(json);
  if (E.isLeft(decoded)) return E.left(describeErrors(decoded.left, ''));
  const { pos, channel, time, message, message_b64 } = decoded.right;
  if ((message === undefined) === (message_b64 === undefined)) return E.left('expected exactly one of message and message_b64');
  return E.right({ pos, channel, time, message: message === undefined ? Buffer.from(message_b64 as string, 'base64') : Buffer.from(message) });
}
