import type { EventLog, LogEntry } from '../eventlog';

/** Where a read of the whole log started: its epoch, and its head when the read began. */
export interface LogReadStart {
  readonly epoch: string;
  readonly head: number;
}

/** Why reading the log stopped before its head. */
export class LogReadError extends Error {}

/**
 * The log's entries from position `after` + 1 up to its head as of the first read, in batches of at most
 * `batch`: one batch is held at a time, so a log of millions of entries streams through. Entries appended
 * meanwhile are left for the next run. Throws `LogReadError` when there is no log, when the epoch changes
 * (the log was replaced) or when entries after a position other than 0 are gone (trimmed).
 */
export async function* readLogBatches(
  log: EventLog,
  after: number,
  batch: number,
  onStart?: (start: LogReadStart & { readonly first: number | undefined }) => void,
): AsyncGenerator<readonly LogEntry[]> {
  let position = after;
  let start: LogReadStart | undefined;
  for (;;) {
    const read = await log.read(position, batch, 0);
    if (read.epoch === '') throw new LogReadError('there is no log under this prefix (nothing was ever appended to it)');
    if (start === undefined) {
      start = { epoch: read.epoch, head: read.head };
      onStart?.({ ...start, first: read.entries[0]?.pos });
    } else if (read.epoch !== start.epoch) {
      throw new LogReadError(`the log was replaced while reading (epoch ${start.epoch} became ${read.epoch})`);
    }
    const { head } = start;
    const wanted = read.entries.filter((entry) => entry.pos <= head);
    const first = wanted[0];
    if (first === undefined) return;
    if (position > 0 && first.pos !== position + 1) {
      throw new LogReadError(`entries ${position + 1}..${first.pos - 1} were trimmed from the log while reading`);
    }
    yield wanted;
    position = (wanted[wanted.length - 1] as LogEntry).pos;
    if (position >= head) return;
  }
}
