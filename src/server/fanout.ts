import { diff } from '../pipeline/jsonPatch';
import { countingVersions, type VersionSource } from '../pipeline/versions';
import type { Metrics } from './metrics';

/** Where the fan-out reads each channel's current state, at flush time. */
export interface StateSource {
  state(channel: string): unknown;
}

/** Where serialised frames go: a topic publish, once per frame whatever the number of subscribers. */
export type Publish = (topic: string, frame: string) => void;

/**
 * A channel touched since the last flush: the publish times of the oldest and newest event that touched
 * it, and the log position of the newest (0 for a channel whose versions are counted, such as `system`).
 */
interface Pending {
  tsFirst: string;
  ts: string;
  pos: number;
}

/** A published state and its version. */
export interface Published {
  readonly version: number;
  readonly state: unknown;
}

/** A published state kept for resuming clients, with when it stopped being the newest. */
interface Held extends Published {
  replacedAt: number;
}

/** The topic every socket joins for heartbeats. */
export const HEARTBEAT_TOPIC = '#heartbeat';

/**
 * Conflation, versions and fan-out. Events mark the channels they touched; `flush` turns each
 * touched channel into at most ONE delta frame — the diff from the last published state to the
 * current one, so its size follows what changed, not how many events changed it — serialised once
 * and published to the channel's topic. What was last flushed is the "published" state: snapshots
 * show it (never a version not yet sent as a delta), so a snapshot at V is always followed by a delta from V.
 *
 * Versions: a channel fed by the log takes the position of the newest entry that changed it (every
 * instance agrees), and a delta goes out whenever that position moved, even when its net ops are
 * empty. A channel touched without a position (`system`) counts its own versions, one per flush in
 * which its content changed. Published states stay held for `resumeWindowMs` after they are replaced,
 * so a reconnecting client can continue from one (`stateAt`).
 */
export class Fanout {
  private readonly pending = new Map<string, Pending>();
  private readonly published = new Map<string, Published>();
  private readonly snapshots = new Map<string, { version: number; buffer: Buffer; bytes: number }>();
  /** Per channel, the states published before the current one that are still within the resume window, oldest first. */
  private readonly history = new Map<string, Held[]>();
  /** Channels whose published state came from a reset that clients must not resume into. */
  private readonly unresumable = new Set<string>();
  /** The last catch-up frame built per channel, for clients resuming from the same version. */
  private readonly catchUps = new Map<string, { from: number; to: number; frame: string }>();
  /** The log's epoch: versions are only comparable within it. */
  epoch = '';
  /** Whether delta latencies are observed (off while replaying the log: those events are old). */
  observeLatency = true;
  /** How long a replaced state stays available to `stateAt`. */
  resumeWindowMs = 30_000;

  constructor(
    readonly channels: readonly string[],
    private readonly source: StateSource,
    private readonly publish: Publish,
    private readonly metrics: Metrics,
    private readonly versionSource: VersionSource = countingVersions,
    private readonly now: () => number = Date.now,
  ) {
    for (const channel of channels) this.published.set(channel, { version: 0, state: source.state(channel) });
  }

  /** Marks `channel` as changed by an event published at `ts`, logged at `pos` (omitted: the channel counts its versions). */
  touch(channel: string, ts: string, pos = 0): void {
    const pending = this.pending.get(channel);
    if (pending === undefined) this.pending.set(channel, { tsFirst: ts, ts, pos });
    else {
      pending.ts = ts;
      if (pos > pending.pos) pending.pos = pos;
    }
  }

  /** Whether any touched channel waits for the next flush. */
  get hasPending(): boolean {
    return this.pending.size > 0;
  }

  /** Publishes one delta per touched channel whose content changed, and makes the current states the published ones. */
  flush(): void {
    if (this.pending.size === 0) return;
    const now = this.now();
    for (const [channel, p] of this.pending) {
      const published = this.published.get(channel);
      if (published === undefined) continue;
      const state = this.source.state(channel);
      // States are immutable once read: the identity-aware diff skips every subtree the tick left alone.
      const ops = diff(published.state, state);
      const logged = p.pos > 0;
      if (logged ? p.pos <= published.version : ops.length === 0) {
        // No newer position, or (counted channels) the same content: no version, no frame.
        this.published.set(channel, { version: published.version, state });
        continue;
      }
      const version = logged ? p.pos : this.versionSource.next(channel, published.version);
      const frame = JSON.stringify({ type: 'delta', channel, from: published.version, to: version, ts: p.ts, ts_first: p.tsFirst, ops });
      if (this.unresumable.delete(channel) === false) this.hold(channel, published, now);
      this.published.set(channel, { version, state });
      this.publish(channel, frame);
      this.metrics.deltasPublished.inc({ channel });
      const first = Date.parse(p.tsFirst);
      if (this.observeLatency && Number.isFinite(first)) this.metrics.latency.observe(Math.max(0, now - first) / 1000);
    }
    this.pending.clear();
  }

  /** Keeps a replaced published state for resuming clients, and forgets those past the window. */
  private hold(channel: string, replaced: Published, now: number): void {
    let held = this.history.get(channel);
    if (held === undefined) {
      held = [];
      this.history.set(channel, held);
    }
    held.push({ version: replaced.version, state: replaced.state, replacedAt: now });
    let stale = 0;
    while (stale < held.length && now - (held[stale] as Held).replacedAt > this.resumeWindowMs) stale += 1;
    if (stale > 0) held.splice(0, stale);
  }

  /** The state a channel had at `version` if it was published and is still held (the current one always is). */
  stateAt(channel: string, version: number): unknown {
    const published = this.published.get(channel);
    if (published === undefined) return undefined;
    if (published.version === version) return this.unresumable.has(channel) ? undefined : published.state;
    const held = this.history.get(channel);
    if (held === undefined) return undefined;
    const cutoff = this.now() - this.resumeWindowMs;
    for (let i = held.length - 1; i >= 0; i -= 1) {
      const h = held[i] as Held;
      if (h.version === version) return h.replacedAt >= cutoff ? h.state : undefined;
      if (h.version < version) return undefined;
    }
    return undefined;
  }

  /**
   * What a client resuming `channel` from `version` needs before the next topic delta: `''` when it is
   * at the published version already, a delta frame from `version` to the published one when that
   * state is still held, `undefined` when it is not (the client gets a snapshot instead).
   */
  catchUpFrame(channel: string, version: number): string | undefined {
    const published = this.published.get(channel);
    if (published === undefined) return undefined;
    const from = this.stateAt(channel, version);
    if (from === undefined) return undefined;
    if (version === published.version) return '';
    const cached = this.catchUps.get(channel);
    if (cached !== undefined && cached.from === version && cached.to === published.version) return cached.frame;
    const ts = new Date(this.now()).toISOString();
    const frame = JSON.stringify({ type: 'delta', channel, from: version, to: published.version, ts, ts_first: ts, ops: diff(from, published.state) });
    this.catchUps.set(channel, { from: version, to: published.version, frame });
    return frame;
  }

  /**
   * Makes the source's current states of the channels named in `versions` the published ones at those versions,
   * dropping what was pending and held: after loading a checkpoint (`resumable`: those are the states
   * at those versions), or after the projections were rebuilt (not resumable: a client's state at the
   * same version may differ from the rebuilt one).
   */
  reset(versions: Readonly<Record<string, number>>, resumable: boolean): void {
    for (const channel of Object.keys(versions)) {
      this.pending.delete(channel);
      this.history.delete(channel);
      this.snapshots.delete(channel);
      this.catchUps.delete(channel);
      this.unresumable.delete(channel);
    }
    for (const [channel, version] of Object.entries(versions)) {
      if (!this.published.has(channel)) continue;
      this.published.set(channel, { version, state: this.source.state(channel) });
      if (!resumable) this.unresumable.add(channel);
    }
  }

  /** The published version of every channel: what heartbeats carry. */
  versions(): Record<string, number> {
    const versions: Record<string, number> = {};
    for (const [channel, p] of this.published) versions[channel] = p.version;
    return versions;
  }

  /** The published state and version of one channel, or `undefined` for an unknown channel. */
  snapshot(channel: string): Published | undefined {
    return this.published.get(channel);
  }

  /** The snapshot frame of a channel as of the last flush, as UTF-8 bytes: serialised once per version and reused. */
  cachedSnapshot(channel: string): { readonly buffer: Buffer; readonly bytes: number } {
    const published = this.published.get(channel);
    if (published === undefined) throw new Error(`unknown channel ${channel}`);
    const cached = this.snapshots.get(channel);
    if (cached !== undefined && cached.version === published.version) return cached;
    const buffer = Buffer.from(JSON.stringify({ type: 'snapshot', channel, version: published.version, state: published.state }));
    const entry = { version: published.version, buffer, bytes: buffer.length };
    this.snapshots.set(channel, entry);
    this.metrics.snapshotSerializations.inc({ channel });
    return entry;
  }

  /** Publishes a heartbeat to every socket: call right after `flush`. */
  publishHeartbeat(): void {
    this.publish(HEARTBEAT_TOPIC, this.heartbeatFrame());
  }

  /** A heartbeat frame with the epoch and the published versions. */
  heartbeatFrame(): string {
    return JSON.stringify({ type: 'heartbeat', epoch: this.epoch, versions: this.versions() });
  }
}
