import { diff } from '../pipeline/jsonPatch';
import { countingVersions, type VersionSource } from '../pipeline/versions';
import type { Metrics } from './metrics';

/** Where the fan-out reads each channel's current state, at flush time. */
export interface StateSource {
  state(channel: string): unknown;
}

/** Where serialised frames go: a topic publish, once per frame whatever the number of subscribers. */
export type Publish = (topic: string, frame: string) => void;

/** A channel touched since the last flush: the publish times of the oldest and newest event that touched it. */
interface Pending {
  tsFirst: string;
  ts: string;
}

interface Published {
  readonly version: number;
  readonly state: unknown;
}

/** The topic every socket joins for heartbeats. */
export const HEARTBEAT_TOPIC = '#heartbeat';

/**
 * Conflation, versions and fan-out. Events mark the channels they touched; `flush` turns each
 * touched channel into at most ONE delta frame — the diff from the last published state to the
 * current one, so its size follows what changed, not how many events changed it — serialised once
 * and published to the channel's topic. A channel's version is consumed here, once per flush in
 * which its content changed. What was last flushed is the "published" state: snapshots show it
 * (never a version not yet sent as a delta), so a snapshot at V is always followed by a delta from V.
 */
export class Fanout {
  private readonly pending = new Map<string, Pending>();
  private readonly published = new Map<string, Published>();
  private readonly snapshots = new Map<string, { version: number; buffer: Buffer; bytes: number }>();

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

  /** Marks `channel` as changed by an event published at `ts`. */
  touch(channel: string, ts: string): void {
    const pending = this.pending.get(channel);
    if (pending === undefined) this.pending.set(channel, { tsFirst: ts, ts });
    else pending.ts = ts;
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
      if (ops.length === 0) {
        // Same content (changed and changed back within the tick): no version, no frame.
        this.published.set(channel, { version: published.version, state });
        continue;
      }
      const version = this.versionSource.next(channel, published.version);
      const frame = JSON.stringify({ type: 'delta', channel, from: published.version, to: version, ts: p.ts, ts_first: p.tsFirst, ops });
      this.published.set(channel, { version, state });
      this.publish(channel, frame);
      this.metrics.deltasPublished.inc({ channel });
      const first = Date.parse(p.tsFirst);
      if (Number.isFinite(first)) this.metrics.latency.observe(Math.max(0, now - first) / 1000);
    }
    this.pending.clear();
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

  /** A heartbeat frame with the published versions. */
  heartbeatFrame(): string {
    return JSON.stringify({ type: 'heartbeat', versions: this.versions() });
  }
}
