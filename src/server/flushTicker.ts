import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { initialTick, nextTick, type TickLimits, type TickSignals, type TickState } from './tickController';

/** What the ticker reads from the rest of the server before each flush. */
export interface TickObservations {
  /** How far behind the head of the log ingest is (ms). */
  readonly logLagMs: number;
  /** Bytes waiting in the server for a socket (90th percentile of those sampled). */
  readonly queuedBytes: number;
  /** Bytes published per subscriber of every channel since the last reading. */
  readonly sentBytes: number;
}

/** What the ticker drives. */
export interface TickerDeps {
  readonly limits: TickLimits;
  readonly heartbeatMs: number;
  /** Publishes the deltas of the tick; with `heartbeatDue`, also `system` and the heartbeat. */
  flush(heartbeatDue: boolean): void;
  /** Read once per tick, before its flush: the backlog the previous flushes left. */
  observe(): TickObservations;
  /** The tick length changed, after a tick that showed `signals` (none at start). */
  changed(tickMs: number, signals?: TickSignals & { readonly smoothedBusy: number }): void;
}

/**
 * The flush timer: runs a flush every tick and asks the tick controller how long the next tick is,
 * from what the server observed over this one (how late it ran, how busy the event loop was, the
 * log lag, the bytes queued for the sockets). A heartbeat rides on the tick closest to its period.
 */
export class FlushTicker {
  private state: TickState;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastAt = performance.now();
  private dueAt = this.lastAt;
  private loop: EventLoopUtilization = performance.eventLoopUtilization();
  private lastHeartbeat = Date.now();
  private stopped = false;

  constructor(private readonly deps: TickerDeps) {
    this.state = initialTick(deps.limits);
  }

  /** The current tick length (ms). */
  get tickMs(): number {
    return this.state.tickMs;
  }

  start(): void {
    this.deps.changed(this.state.tickMs);
    this.schedule(performance.now());
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(startedAt: number): void {
    if (this.stopped) return;
    this.dueAt = startedAt + this.state.tickMs;
    this.timer = setTimeout(() => this.run(), Math.max(0, this.dueAt - performance.now()));
    this.timer.unref?.();
  }

  private run(): void {
    const now = performance.now();
    const busy = performance.eventLoopUtilization(this.loop).utilization;
    this.loop = performance.eventLoopUtilization();
    const observed = this.deps.observe();
    const signals: TickSignals = { elapsedMs: now - this.lastAt, lateMs: Math.max(0, now - this.dueAt), busy, ...observed };
    this.lastAt = now;

    const heartbeatDue = Date.now() - this.lastHeartbeat >= this.deps.heartbeatMs - this.state.tickMs / 2;
    try {
      this.deps.flush(heartbeatDue);
      if (heartbeatDue) this.lastHeartbeat = Date.now();
    } finally {
      // A flush that threw must not stop the ticks that follow.
      const before = this.state.tickMs;
      this.state = nextTick(this.state, signals, this.deps.limits);
      if (this.state.tickMs !== before) this.deps.changed(this.state.tickMs, { ...signals, smoothedBusy: this.state.busy });
      this.schedule(now);
    }
  }
}
