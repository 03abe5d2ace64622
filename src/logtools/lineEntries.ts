import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import * as E from 'fp-ts/Either';
import type { LogEntry } from '../eventlog';
import { decodeLogLine } from './logLine';

/** The lines of a file (`-` or empty: standard input), read as a stream: never the whole file at once. */
export function readLines(file: string, stdin: Readable = process.stdin): AsyncIterable<string> {
  const input = file === '' || file === '-' ? stdin : createReadStream(file);
  return createInterface({ input, crlfDelay: Infinity });
}

/**
 * NDJSON lines → entries in batches of at most `batch`, for a replay: positions must rise from line to
 * line (they are the versions a replay reports). A line that holds no entry, or whose position does not
 * rise, is reported through `onBadLine` (its number from 1, and why) and skipped.
 */
export async function* lineEntryBatches(
  lines: AsyncIterable<string>,
  batch: number,
  onBadLine: (line: number, reason: string) => void,
): AsyncGenerator<readonly LogEntry[]> {
  let pending: LogEntry[] = [];
  let last = 0;
  let number = 0;
  for await (const text of lines) {
    number += 1;
    if (text.trim() === '') continue;
    const decoded = decodeLogLine(text);
    if (E.isLeft(decoded)) {
      onBadLine(number, decoded.left);
      continue;
    }
    const entry = decoded.right;
    if (entry.pos <= last) {
      onBadLine(number, `position ${entry.pos} does not come after the previous entry's ${last}`);
      continue;
    }
    last = entry.pos;
    pending.push(entry);
    if (pending.length >= batch) {
      yield pending;
      pending = [];
    }
  }
  if (pending.length > 0) yield pending;
}
