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

/** What the ticker reads of ingest while it measures the fan-out. */
export interface IngestClock {
  /** Time spent applying log entries and bridging pub/sub messages since start (ms). */
  readonly busyMs: number;
}

/** What the ticker drives. */
export interface TickerDeps {
  readonly limits: TickLimits;
  readonly heartbeatMs: number;
  /** Publishes the deltas of the tick; with `heartbeatDue`, also `system` and the heartbeat. */
  flush(heartbeatDue: boolean): void;
  /** Read once per tick, before its flush: the backlog the previous flushes left. */
  observe(): TickObservations;
  /** Ingest's time, so that entries applied while a tick's frames go out are not counted as fan-out. */
  readonly ingest: IngestClock;
  /** The tick length changed, after a tick that showed `signals` (none at start). */
  changed(tickMs: number, signals?: TickSignals & { readonly smoothedBusy: number }): void;
}

/**
 * The flush timer: runs a flush every tick and asks the tick controller how long the next tick is,
 * from what the server observed over this one (how late it ran, how busy the event loop was and how
 * much of it the fan-out took, the log lag, the bytes queued for the sockets). A heartbeat rides on
 * the tick closest to its period.
 *
 * The fan-out's time is measured from the start of a flush to the first immediate after it: the
 * publish calls write to the sockets that can take a frame at once, and the rest of that loop
 * iteration is where uWS writes to sockets with data already queued as they drain and sends the
 * messages it batched (its check handle runs before Node's immediates). Under load most of the
 * writes happen there: timing `flush()` alone saw 0.3–0.6 ms where the whole was 11–24 ms with 1,000
 * clients. Ingest's own work in between (log entries applied, pub/sub messages bridged) is taken
 * out; the rest of that poll phase (the Redis replies' parsing, a client message or two) stays in.
 * Writes that wait for a socket past that iteration are not counted: the queues are their own signal.
 */
export class FlushTicker {
  private state: TickState;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastAt = performance.now();
  private dueAt = this.lastAt;
  private loop: EventLoopUtilization = performance.eventLoopUtilization();
  private lastHeartbeat = Date.now();
  private stopped = false;
  /** The last tick's fan-out time (ms), measured once its frames were written. */
  private fanoutMs = 0;

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
    const signals: TickSignals = { elapsedMs: now - this.lastAt, lateMs: Math.max(0, now - this.dueAt), busy, fanoutMs: this.fanoutMs, ...observed };
    this.fanoutMs = 0;
    this.lastAt = now;

    const heartbeatDue = Date.now() - this.lastHeartbeat >= this.deps.heartbeatMs - this.state.tickMs / 2;
    const ingestBefore = this.deps.ingest.busyMs;
    try {
      this.deps.flush(heartbeatDue);
      if (heartbeatDue) this.lastHeartbeat = Date.now();
    } finally {
      // A flush that threw must not stop the ticks that follow; what it sent is measured all the same.
      setImmediate(() => {
        this.fanoutMs = Math.max(0, performance.now() - now - (this.deps.ingest.busyMs - ingestBefore));
      });
      const before = this.state.tickMs;
      this.state = nextTick(this.state, signals, this.deps.limits);
      if (this.state.tickMs !== before) this.deps.changed(this.state.tickMs, { ...signals, smoothedBusy: this.state.busy });
      this.schedule(now);
    }
  }
}
