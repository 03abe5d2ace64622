import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { EventLog } from '../eventlog';
import { readLogBatches } from './logReader';
import { encodeLogLine } from './logLine';

/** What an export wrote. */
export interface ExportSummary {
  readonly epoch: string;
  readonly entries: number;
  /** Positions of the first and last entry written (0 when none). */
  readonly first: number;
  readonly last: number;
}

/**
 * Writes the log's entries up to its head, one NDJSON line each, batch by batch, waiting for `out` to
 * drain: memory stays at one batch whatever the log's length. Rejects with `LogReadError` (see
 * `readLogBatches`) or the stream's first error.
 */
export async function exportLog(log: EventLog, out: Writable, batch: number): Promise<ExportSummary> {
  let epoch = '';
  let entries = 0;
  let first = 0;
  let last = 0;
  // A write may fail later (a closed pipe, a full disk): keep the error and stop at the next batch.
  let failed: Error | undefined;
  const onError = (error: Error): void => {
    failed ??= error;
  };
  out.on('error', onError);
  try {
    for await (const entriesRead of readLogBatches(log, 0, batch, (start) => (epoch = start.epoch))) {
      if (failed !== undefined) throw failed;
      let text = '';
      for (const entry of entriesRead) text += `${encodeLogLine(entry)}\n`;
      if (first === 0) first = entriesRead[0]?.pos ?? 0;
      last = entriesRead[entriesRead.length - 1]?.pos ?? last;
      entries += entriesRead.length;
      if (!out.write(text)) await once(out, 'drain');
    }
    if (failed !== undefined) throw failed;
  } finally {
    out.off('error', onError);
  }
  return { epoch, entries, first, last };
}
