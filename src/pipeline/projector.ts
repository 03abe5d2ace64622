import { AGENT_CHANNELS, type AgentChannel, type Event } from '../events';
import { lastCurveSplice } from '../projections';
import { diff, type Operation } from './jsonPatch';
import { ProjectionStates, type ReductionCounters, type States } from './projectionStates';
import { countingVersions, type VersionSource } from './versions';

/** One projection's change: its new version and the JSON Patch ops from the previous state. */
export interface Change {
  readonly channel: AgentChannel;
  readonly version: number;
  readonly ops: readonly Operation[];
}

/** What applying one event did. */
export interface ApplyResult {
  readonly outcome: 'applied' | 'duplicate';
  /** Events detected missing from this event's seq gap (0 if none). */
  readonly lost: number;
  /** One per projection whose state actually changed (version bumped). */
  readonly changes: readonly Change[];
}

/** Running totals since the projector was made. */
export type ProjectorCounters = ReductionCounters;

/**
 * Versions and deltas per event: applies events to the projection states, bumps a channel's
 * version only when its state's content changed, and reports the JSON Patch ops of each change.
 * (The server versions once per flush tick instead: see `src/server/fanout.ts`.)
 */
export class Projector {
  private readonly reduction = new ProjectionStates({ accept: (channel, before, after) => this.accept(channel, before, after) });
  private readonly versions: Record<AgentChannel, number> = Object.fromEntries(
    AGENT_CHANNELS.map((c) => [c, 0]),
  ) as Record<AgentChannel, number>;
  // Stryker disable next-line ArrayDeclaration: apply() starts every event with a new list
  private changes: Change[] = [];

  /** All five projections at version 0; `versionSource` is where new versions come from. */
  constructor(private readonly versionSource: VersionSource = countingVersions) {}

  /** Running totals: events applied, duplicates skipped, events detected lost. */
  get counters(): ProjectorCounters {
    return this.reduction.counters;
  }

  /** Applies one decoded event; never throws (see `ProjectionStates.apply`). */
  apply(event: Event, receivedAt?: string): ApplyResult {
    this.changes = [];
    const { outcome, lost } = this.reduction.apply(event, receivedAt);
    return { outcome, lost, changes: this.changes };
  }

  /** The current immutable JSON state of a channel (never mutated afterwards). */
  state<C extends AgentChannel>(channel: C): States[C] {
    return this.reduction.state(channel);
  }

  /** The current version of a channel: 0 until its state first changes. */
  version(channel: AgentChannel): number {
    return this.versions[channel];
  }

  /** Equal content keeps the old reference and consumes no version. */
  private accept(channel: AgentChannel, before: unknown, after: unknown): boolean {
    // The summary's equity curve (up to 500 points) changes by a splice its projection records.
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: a splice hint yields the ops the walk finds (jsonPatch tests), only faster
    const ops = diff(before, after, channel === 'portfolio.summary' ? lastCurveSplice() : undefined);
    if (ops.length === 0) return false;
    const version = this.versionSource.next(channel, this.versions[channel]);
    this.versions[channel] = version;
    this.changes.push({ channel, version, ops });
    return true;
  }
}
