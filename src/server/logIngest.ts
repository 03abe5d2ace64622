import * as E from 'fp-ts/Either';
import type { Logger } from 'pino';
import type { EventBus } from '../bus';
import type { ServerConfig } from '../config';
import { AGENT_CHANNELS, type RejectReason } from '../events';
import { Bridge, BRIDGE_OUTCOMES, LogFollower, Publisher, type BridgeOutcome, type EventLog, type LogEntry } from '../eventlog';
import { decodeCheckpoint, encodeCheckpoint, REDUCER_SCHEMA, type Checkpoint } from '../pipeline/checkpoint';
import { reduceEntry, type ChannelVersions, type EntryOutcome } from '../pipeline/logReduction';
import { ProjectionStates } from '../pipeline/projectionStates';
import type { Fanout } from './fanout';
import type { Metrics, Tally } from './metrics';
import type { RejectionLog } from './rejections';

/**
 * Where the server stands with the log: `connecting` until its epoch and checkpoint are known,
 * `replaying` from the checkpoint to the head at start, `rebuilding` from the oldest entry (no usable
 * checkpoint of this reducer schema), `gap` rebuilding after entries to apply were trimmed away,
 * `live` at the head.
 */
/** Why the projections were built from the oldest log entry instead of a checkpoint. */
export type RebuildReason = 'no_checkpoint' | 'unreadable_checkpoint' | 'other_epoch' | 'trimmed' | 'gap' | 'new_epoch';

export type LogStatus = 'connecting' | 'replaying' | 'rebuilding' | 'gap' | 'live';

/** What the ingest needs from the rest of the server. */
export interface IngestDeps {
  readonly config: ServerConfig;
  readonly log: EventLog;
  readonly bus: EventBus;
  readonly fanout: Fanout;
  readonly metrics: Metrics;
  readonly rejections: RejectionLog;
  readonly logger: Logger;
  /** The projections were reset (new epoch, or a rebuild after a gap): clients must start over. */
  onReset(reason: string): void;
  /** The epoch and starting states are known (status left `connecting`). */
  onReady(): void;
  /** Counts and logs an exception a message made a handler throw (a bug: the message is skipped, the server goes on). */
  fault(handler: string, error: unknown): void;
}

/**
 * Feeds the projections from the durable log, in log order only: loads the newest checkpoint of this
 * reducer schema, replays the log from its position, then follows the head. Bridges messages that
 * were only published (not logged) into the log, writes checkpoints and trims the log. A reduction's
 * "now" is the entry's log time, never this process's clock: every instance computes the same states
 * and versions (the position of the last entry that changed a channel).
 */
export class LogIngest {
  projections = new ProjectionStates({ inPlace: true });
  status: LogStatus = 'connecting';
  /** Messages read from the log since start. */
  eventsIn = 0;
  /** Time spent applying log entries and bridging pub/sub messages since start (ms): the event loop's time ingest took. */
  busyMs = 0;
  private follower: LogFollower | undefined;
  private readonly bridge: Bridge;
  private readonly bridgePublisher: Publisher;
  /** Per channel, the position of the last entry that changed it. */
  private changedAt: ChannelVersions = {};
  /** Set while replaying or rebuilding: where it started, and when. Ends at the first read that reaches the head. */
  private catchUp: { readonly startedAt: number; readonly from: number } | undefined;
  private lastEntryTime = 0;
  private checkpointedAt = 0;
  private checkpointTimer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  private markReady: () => void = () => undefined;
  /** Resolves once the epoch and starting states are known. */
  readonly ready = new Promise<void>((resolve) => {
    this.markReady = resolve;
  });
  private readonly log: Logger;
  private readonly eventsInByChannel: Map<string, Tally>;
  private readonly rejectedByReason = new Map<RejectReason, { inc(): void }>();

  constructor(private readonly deps: IngestDeps) {
    this.log = deps.logger.child({ module: 'log' });
    this.eventsInByChannel = new Map(AGENT_CHANNELS.map((c) => [c as string, deps.metrics.eventsIn.tally(c)]));
    this.bridgePublisher = new Publisher(deps.log, { publish: false });
    // Bound once: every message heard on pub/sub is counted, and looking a label up costs more than the count.
    const bridged = Object.fromEntries(BRIDGE_OUTCOMES.map((o) => [o, deps.metrics.bridged.tally(o)])) as Record<BridgeOutcome, Tally>;
    this.bridge = new Bridge({
      append: (channel, message, key) => this.bridgePublisher.publish(channel, message, key),
      readsIssued: () => this.follower?.readsIssued ?? 0,
      loggedSeq: (agent, run) => this.projections.lastSeq(agent, run),
      count: (outcome) => bridged[outcome].inc(),
      behind: () => (this.follower?.lag ?? 0) > 0,
    });
  }

  /** The log's epoch as followed ('' until known). */
  get epoch(): string {
    return this.follower?.epoch ?? '';
  }

  /** Entries between the position applied and the head. */
  get lagEntries(): number {
    return this.follower?.lag ?? 0;
  }

  /** How far behind the head the last applied entry is, in ms (0 at the head). */
  get lagMs(): number {
    return this.lagEntries === 0 || this.lastEntryTime === 0 ? 0 : Math.max(0, Date.now() - this.lastEntryTime);
  }

  /** Every agent channel's version as of the last entry applied. */
  private versions(): Record<string, number> {
    const versions: Record<string, number> = {};
    for (const channel of AGENT_CHANNELS) versions[channel] = this.changedAt[channel] ?? 0;
    return versions;
  }

  /** Starts: epoch and checkpoint, then replay and follow in the background; subscribes the bridge. Never rejects. */
  async start(): Promise<void> {
    const { config, log, bus } = this.deps;
    if (config.bridge) {
      const offer = (channel: string, payload: Buffer): void => {
        const started = performance.now();
        try {
          this.bridge.offer(channel, payload);
        } catch (error) {
          this.deps.fault('redis message', error);
        } finally {
          this.busyMs += performance.now() - started;
        }
      };
      bus.subscribe(AGENT_CHANNELS, offer).catch((error: unknown) => {
        if (!this.stopped) this.log.error({ err: error }, 'subscribing the bridge to pub/sub failed');
      });
    }
    let bounds;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
      if (this.stopped) return;
      try {
        bounds = await log.bounds();
        break;
      } catch (error) {
        this.log.warn({ err: error }, 'cannot reach the log yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    const checkpoint = await this.loadCheckpoint(bounds.epoch, bounds.first);
    if (this.stopped) return;
    let from = 0;
    if (checkpoint !== undefined) {
      this.restore(checkpoint);
      from = checkpoint.pos;
      this.status = 'replaying';
    } else {
      this.status = bounds.head > 0 ? 'rebuilding' : 'live';
    }
    this.deps.fanout.epoch = bounds.epoch;
    this.deps.fanout.reset(this.versions(), true);
    this.beginCatchUp(from, bounds.head);
    this.deps.onReady();
    this.markReady();
    this.follower = new LogFollower(
      log,
      {
        onEntries: (entries) => this.apply(entries),
        onEpoch: (epoch) => this.newEpoch(epoch),
        onGap: (after, next) => this.gap(after, next),
        onRead: (read, atHead) => this.afterRead(read, atHead),
        onError: (error) => this.log.warn({ err: error }, 'log read failed; retrying'),
      },
      { batch: config.logBatch, blockMs: 100 },
      bounds.epoch,
      from,
    );
    this.follower.start();
    this.checkpointTimer = setInterval(() => void this.checkpoint(), config.checkpointMs);
    this.checkpointTimer.unref?.();
  }

  /** Stops reading, bridging and checkpointing (after a last checkpoint when live). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.checkpointTimer);
    this.bridgePublisher.close();
    await this.follower?.stop();
  }

  /**
   * The newest checkpoint of this schema and epoch whose position the log still continues from; when
   * there is none, why (logged and counted in `pmarb_log_rebuilds_total{reason}`): the projections are
   * then built from the oldest entry held.
   */
  private async loadCheckpoint(epoch: string, first: number): Promise<Checkpoint | undefined> {
    const found = await this.findCheckpoint(epoch, first);
    if ('checkpoint' in found) return found.checkpoint;
    this.deps.metrics.rebuilds.inc({ reason: found.reason });
    this.log.warn({ schema: REDUCER_SCHEMA, reason: found.reason }, `${found.why}; building the projections from the oldest log entry`);
    return undefined;
  }

  private async findCheckpoint(epoch: string, first: number): Promise<{ checkpoint: Checkpoint } | { reason: RebuildReason; why: string }> {
    let stored;
    try {
      stored = await this.deps.log.loadCheckpoint(REDUCER_SCHEMA);
    } catch (error) {
      return { reason: 'unreadable_checkpoint', why: `cannot read the checkpoint (${(error as Error).message})` };
    }
    if (stored === undefined) return { reason: 'no_checkpoint', why: `no checkpoint for reducer schema ${REDUCER_SCHEMA}` };
    const decoded = decodeCheckpoint(stored.data);
    if (E.isLeft(decoded)) return { reason: 'unreadable_checkpoint', why: `checkpoint not usable: ${decoded.left}` };
    const checkpoint = decoded.right;
    if (checkpoint.epoch !== epoch) return { reason: 'other_epoch', why: `the checkpoint belongs to log epoch ${checkpoint.epoch}, the log is ${epoch}` };
    if (checkpoint.pos + 1 < first) {
      this.deps.metrics.logGaps.inc();
      return { reason: 'trimmed', why: `the log no longer holds the entries after the checkpoint (at ${checkpoint.pos}, oldest held ${first})` };
    }
    return { checkpoint };
  }

  private restore(checkpoint: Checkpoint): void {
    this.projections = new ProjectionStates({ inPlace: true }, checkpoint.saved);
    this.changedAt = { ...checkpoint.versions };
    this.checkpointedAt = checkpoint.pos;
    this.deps.metrics.logPosition.set(checkpoint.pos);
    this.log.info({ pos: checkpoint.pos, epoch: checkpoint.epoch }, 'loaded the checkpoint; replaying the log from there');
  }

  private beginCatchUp(from: number, target: number): void {
    this.catchUp = target > from ? { startedAt: Date.now(), from } : undefined;
    this.deps.fanout.observeLatency = this.catchUp === undefined;
    if (this.catchUp === undefined) this.becameLive(from, Date.now());
  }

  private becameLive(from: number, startedAt: number): void {
    const { metrics } = this.deps;
    const replayed = (this.follower?.position ?? from) - from;
    const seconds = (Date.now() - startedAt) / 1000;
    metrics.replaySeconds.set(seconds);
    metrics.replayedEvents.set(replayed);
    if (this.status !== 'live') this.log.info({ replayed, seconds, status: this.status }, 'reached the head of the log');
    this.status = 'live';
    this.catchUp = undefined;
    this.deps.fanout.observeLatency = true;
  }

  private apply(entries: readonly LogEntry[]): void {
    const started = performance.now();
    try {
      this.applyAll(entries);
    } finally {
      this.busyMs += performance.now() - started;
    }
  }

  private applyAll(entries: readonly LogEntry[]): void {
    const { fanout, metrics, config } = this.deps;
    const observe = (entry: LogEntry, reduced: EntryOutcome): void => {
      this.eventsIn += 1;
      this.eventsInByChannel.get(entry.channel)?.inc();
      if (reduced.outcome === 'rejected') {
        this.reject(reduced.rejected.reason);
        this.deps.rejections.record(reduced.rejected, new Date(entry.time));
        this.bridge.sawLegacy(entry.channel, entry.message);
        return;
      }
      if (reduced.undated) this.bridge.sawLegacy(entry.channel, entry.message);
      const { reduction } = reduced;
      if (reduction.outcome === 'duplicate') metrics.duplicates.inc();
      if (reduction.lost > 0) metrics.lost.inc(reduction.lost);
      for (const channel of reduction.touched) fanout.touch(channel, reduced.ts, entry.pos);
      if (config.flushMs === 0) fanout.flush();
    };
    // One entry at a time: an entry that makes a handler throw is a counted fault, and the next entries still apply.
    const into = { states: this.projections, versions: this.changedAt };
    for (const entry of entries) {
      try {
        observe(entry, reduceEntry(into, entry, config));
      } catch (error) {
        this.deps.fault('log entry', error);
      }
    }
    const last = entries[entries.length - 1];
    if (last !== undefined) {
      this.lastEntryTime = last.time;
      this.deps.metrics.logPosition.set(last.pos);
    }
  }

  private reject(reason: RejectReason): void {
    let counter = this.rejectedByReason.get(reason);
    if (counter === undefined) {
      counter = this.deps.metrics.rejected.labels({ reason });
      this.rejectedByReason.set(reason, counter);
    }
    counter.inc();
  }

  private afterRead(read: number, atHead: boolean): void {
    const { metrics } = this.deps;
    metrics.logLagEntries.set(this.lagEntries);
    metrics.logLagSeconds.set(this.lagMs / 1000);
    const catchUp = this.catchUp;
    if (catchUp !== undefined && atHead) this.becameLive(catchUp.from, catchUp.startedAt);
    this.bridge.settle(read, atHead);
  }

  /** The log was replaced (Redis lost it, or it was reset): start over from its first entry. */
  private newEpoch(epoch: string): void {
    this.deps.metrics.logEpochChanges.inc();
    this.deps.metrics.rebuilds.inc({ reason: 'new_epoch' });
    this.log.warn({ from: this.epoch, to: epoch }, 'the log has a new epoch (Redis lost it or it was replaced); rebuilding the projections from it');
    // What the bridge heard belonged to the old log: appending it to the new one would add events its producers never logged there.
    this.bridge.reset();
    this.startOver('rebuilding', epoch, `log epoch changed to ${epoch}`);
  }

  /** Entries after `after` are gone: rebuild from the oldest one held. */
  private gap(after: number, next: number): void {
    this.deps.metrics.logGaps.inc();
    this.deps.metrics.rebuilds.inc({ reason: 'gap' });
    this.log.warn({ after, next }, 'log entries to apply were trimmed away; rebuilding the projections from the oldest entry held');
    this.startOver('gap', this.epoch, 'log gap: projections rebuilt');
  }

  private startOver(status: LogStatus, epoch: string, reason: string): void {
    this.projections = new ProjectionStates({ inPlace: true });
    this.changedAt = {};
    this.checkpointedAt = 0;
    this.status = status;
    this.deps.fanout.epoch = epoch;
    this.deps.fanout.reset(this.versions(), false);
    this.deps.onReset(reason);
    this.catchUp = { startedAt: Date.now(), from: 0 };
    this.deps.fanout.observeLatency = false;
  }

  /** Writes a checkpoint when the position moved since the last one, then trims the log. */
  private async checkpoint(): Promise<void> {
    const follower = this.follower;
    if (follower === undefined || this.stopped || this.status !== 'live') return;
    const pos = follower.position;
    if (pos <= this.checkpointedAt) return;
    const checkpoint: Checkpoint = { schema: REDUCER_SCHEMA, epoch: follower.epoch, pos, versions: { ...this.changedAt }, saved: this.projections.saved() };
    const data = Buffer.from(encodeCheckpoint(checkpoint));
    try {
      await this.deps.log.saveCheckpoint(REDUCER_SCHEMA, { epoch: checkpoint.epoch, pos, data });
      this.checkpointedAt = pos;
      this.deps.metrics.checkpoints.inc({ outcome: 'written' });
      await this.deps.log.trim(this.deps.config.logMaxEntries);
    } catch (error) {
      this.deps.metrics.checkpoints.inc({ outcome: 'failed' });
      this.log.warn({ err: error }, 'writing the checkpoint failed; trying again at the next one');
    }
  }
}
