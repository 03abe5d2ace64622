import { AGENT_CHANNELS, type AgentChannel } from '../events';
import type { LogEntry } from '../eventlog';
import type { Checkpoint } from '../pipeline/checkpoint';
import { reduceEntries, type ChannelVersions } from '../pipeline/logReduction';
import { ProjectionStates, type ReductionCounters, type States } from '../pipeline/projectionStates';

/** Where a replay stops: after the last entry at or below `untilPos`, and before the first entry stamped after `untilTime` (ms). */
export interface ReplayBounds {
  readonly untilPos?: number;
  readonly untilTime?: number;
}

/** The projections a replay rebuilt. */
export interface Replayed {
  /** The position the replay started after: 0, or the checkpoint's. */
  readonly from: number;
  /** The last position reduced (`from` when none was). */
  readonly pos: number;
  /** Entries reduced, and how many of them were rejected (did not decode). */
  readonly entries: number;
  readonly rejected: number;
  readonly counters: ReductionCounters;
  /** Every agent channel's version: the position of the last entry that changed it (0: never changed). */
  readonly versions: Readonly<Record<AgentChannel, number>>;
  readonly states: States;
}

/**
 * Rebuilds every agent projection from log entries in order, from the initial states or a checkpoint,
 * through the reduction the server uses (`reduceEntries`): the same entries give the same states and
 * versions. Stops at the bounds; only one batch of entries is held at a time.
 */
export async function replay(
  batches: AsyncIterable<readonly LogEntry[]>,
  options: { readonly maxEventBytes: number; readonly bounds: ReplayBounds; readonly checkpoint?: Checkpoint },
): Promise<Replayed> {
  const { checkpoint, bounds } = options;
  const states = new ProjectionStates({ inPlace: true }, checkpoint?.saved);
  const versions: ChannelVersions = { ...checkpoint?.versions };
  const from = checkpoint?.pos ?? 0;
  let pos = from;
  let entries = 0;
  let rejected = 0;
  const within = (entry: LogEntry): boolean =>
    (bounds.untilPos === undefined || entry.pos <= bounds.untilPos) && (bounds.untilTime === undefined || entry.time <= bounds.untilTime);
  for await (const batch of batches) {
    const end = batch.findIndex((entry) => !within(entry));
    const taken = end === -1 ? batch : batch.slice(0, end);
    reduceEntries({ states, versions }, taken, options, (_entry, outcome) => {
      entries += 1;
      if (outcome.outcome === 'rejected') rejected += 1;
    });
    pos = taken[taken.length - 1]?.pos ?? pos;
    if (end !== -1 || (bounds.untilPos !== undefined && pos >= bounds.untilPos)) break;
  }
  const all = {} as Record<AgentChannel, number>;
  for (const channel of AGENT_CHANNELS) all[channel] = versions[channel] ?? 0;
  return { from, pos, entries, rejected, counters: { ...states.counters }, versions: all, states: states.saved().states };
}
