import * as E from 'fp-ts/Either';
import { runField, runKeyOf, type AppendOutcome, type EventLog } from '../eventlog';
import { decodeLogLine } from './logLine';

/** What an import did. */
export interface ImportSummary {
  /** Lines appended, and the positions the target log gave the first and last of them (0 when none). */
  readonly appended: number;
  readonly firstPos: number;
  readonly lastPos: number;
  /** Lines the target log refused as duplicates (a v1 event at or below its run's last `seq`, or a recent identical legacy message). */
  readonly duplicates: number;
  /** Lines that hold no entry (reported through `onBadLine`, skipped). */
  readonly bad: number;
  /** Input lines read, blank ones included. */
  readonly lines: number;
}

/** How an import runs. */
export interface ImportOptions {
  /** Appends sent before waiting for the oldest one's answer (they travel in order on one connection). */
  readonly window: number;
  /** A line that holds no entry: its number (from 1) and why. */
  readonly onBadLine: (line: number, reason: string) => void;
}

/** An append failed: the import stopped after the summary's lines. */
export class ImportError extends Error {
  constructor(
    message: string,
    readonly summary: ImportSummary,
  ) {
    super(message);
  }
}

/**
 * Appends NDJSON entries to a log in the order of the lines. Each keeps its channel, bytes and time;
 * the log gives it its own position (after its head) and applies its dedup rules, so an envelope v1
 * event already logged for its run is refused. Nothing is published on pub/sub: the log's readers
 * take the entries from the log. Bad lines are counted, reported and skipped.
 */
export async function importLog(log: EventLog, lines: AsyncIterable<string>, options: ImportOptions): Promise<ImportSummary> {
  let appended = 0;
  let duplicates = 0;
  let bad = 0;
  let lineNumber = 0;
  let firstPos = 0;
  let lastPos = 0;
  const summary = (): ImportSummary => ({ appended, firstPos, lastPos, duplicates, bad, lines: lineNumber });
  const pending: { readonly line: number; readonly outcome: Promise<AppendOutcome> }[] = [];
  const count = (outcome: AppendOutcome): void => {
    if (outcome.outcome === 'duplicate') {
      duplicates += 1;
      return;
    }
    appended += 1;
    if (firstPos === 0) firstPos = outcome.pos;
    lastPos = outcome.pos;
  };
  const settleOldest = async (): Promise<void> => {
    const oldest = pending.shift();
    if (oldest === undefined) return;
    try {
      count(await oldest.outcome);
    } catch (error) {
      // Later appends may still have landed: count them, so the summary says what the log took.
      for (const later of await Promise.allSettled(pending.map((p) => p.outcome))) if (later.status === 'fulfilled') count(later.value);
      throw new ImportError(`appending line ${oldest.line} failed: ${(error as Error).message}`, summary());
    }
  };

  for await (const text of lines) {
    lineNumber += 1;
    if (text.trim() === '') continue;
    const decoded = decodeLogLine(text);
    if (E.isLeft(decoded)) {
      bad += 1;
      options.onBadLine(lineNumber, decoded.left);
      continue;
    }
    const { channel, message, time } = decoded.right;
    const key = runKeyOf(message);
    const outcome = log.append(
      key === undefined ? { channel, message, time, publish: false } : { channel, message, time, publish: false, run: runField(key), seq: key.seq },
    );
    // Settled in order by `settleOldest`; this only keeps a failure from being reported as unhandled first.
    outcome.catch(() => undefined);
    pending.push({ line: lineNumber, outcome });
    if (pending.length >= options.window) await settleOldest();
  }
  while (pending.length > 0) await settleOldest();
  return summary();
}
