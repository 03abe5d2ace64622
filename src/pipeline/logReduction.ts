import * as E from 'fp-ts/Either';
import { decodeEvent, type AgentChannel, type Rejected } from '../events';
import type { LogEntry } from '../eventlog/eventLog';
import type { ProjectionStates, Reduction } from './projectionStates';

/** Per agent channel, the position of the last log entry whose reduction changed it: its version. */
export type ChannelVersions = Partial<Record<AgentChannel, number>>;

/** Projections reduced from a log: their states, and each channel's version (updated in place). */
export interface LogProjections {
  readonly states: ProjectionStates;
  readonly versions: ChannelVersions;
}

/** What reducing one log entry did. */
export type EntryOutcome =
  /** The message did not decode: nothing changed. */
  | { readonly outcome: 'rejected'; readonly rejected: Rejected }
  | {
      readonly outcome: 'reduced';
      readonly reduction: Reduction;
      /** The event's time: its own `ts`, or the entry's log time for a legacy event that has none. */
      readonly ts: string;
      /** Whether the event carried no `ts` (a legacy message): dated by the log, not by its producer. */
      readonly undated: boolean;
    };

/** How entries are decoded: the same limit on every instance, or replays would differ. */
export interface EntryReductionOptions {
  readonly maxEventBytes: number;
}

/**
 * Reduces one log entry into `into`: decodes it, dates an event without `ts` with the entry's log time
 * (never a clock: replays are deterministic), applies it, and makes the entry's position the version of
 * every channel it changed. The server's ingest and `pm-arb replay` both reduce through here, so they
 * agree on states and versions.
 */
export function reduceEntry(into: LogProjections, entry: LogEntry, options: EntryReductionOptions): EntryOutcome {
  const decoded = decodeEvent(entry.channel, entry.message, { maxBytes: options.maxEventBytes });
  if (E.isLeft(decoded)) return { outcome: 'rejected', rejected: decoded.left };
  const event = decoded.right;
  const undated = event.meta.ts === null;
  const ts = event.meta.ts ?? new Date(entry.time).toISOString();
  const reduction = into.states.apply(event, undated ? ts : undefined);
  for (const channel of reduction.touched) into.versions[channel] = entry.pos;
  return { outcome: 'reduced', reduction, ts, undated };
}

/** Reduces log entries in order into `into` (see `reduceEntry`); `observe` sees each entry's outcome. */
export function reduceEntries(
  into: LogProjections,
  entries: Iterable<LogEntry>,
  options: EntryReductionOptions,
  observe?: (entry: LogEntry, outcome: EntryOutcome) => void,
): void {
  for (const entry of entries) {
    const outcome = reduceEntry(into, entry, options);
    observe?.(entry, outcome);
  }
}
