/** Messages between the bench orchestrator and its child processes (publisher, client workers). */

/** Orchestrator → publisher: publish `rate` events/s for `durationMs`. */
export interface PublishCommand {
  readonly type: 'publish';
  readonly rate: number;
  readonly durationMs: number;
}

/**
 * Orchestrator → publisher: make the next `count` events now, stamped at publish time later, so the
 * measured phase spends the publisher's CPU on sending only (answered with `prepared`).
 */
export interface PrepareCommand {
  readonly type: 'prepare';
  readonly count: number;
}

/** Publisher → orchestrator: one publish phase finished. */
export interface PublishReport {
  readonly type: 'published';
  readonly count: number;
  readonly elapsedMs: number;
  /** Events published through this phase and all before it. */
  readonly total: number;
  /** The largest gap between the schedule and what had been sent, in events. */
  readonly maxBehind: number;
}

/** Orchestrator → client worker. */
export type WorkerCommand =
  | { readonly type: 'connect'; readonly count: number; readonly full: number; readonly startAt: number }
  | { readonly type: 'measure' }
  | { readonly type: 'mark' }
  | { readonly type: 'report' }
  | { readonly type: 'converge'; readonly timeoutMs: number }
  | { readonly type: 'close' };

/** Client worker → orchestrator: all requested connections hold their snapshots (or failed). */
export interface ConnectedReport {
  readonly type: 'connected';
  readonly open: number;
  readonly failed: number;
  /** Wall time (epoch ms) when the last connection got its last snapshot. */
  readonly lastReadyAt: number;
  /** Per-connection time from `startAt` to holding every snapshot, encoded µs histogram. */
  readonly readyHistogram: string;
}

/** Client worker → orchestrator: counters since `measure`. */
export interface CountsReport {
  readonly type: 'counts';
  readonly frames: number;
  readonly bytes: number;
  readonly deltas: number;
  readonly latencyHistogram: string;
  readonly gaps: number;
  readonly closed: number;
  readonly elapsedMs: number;
  /** Counters when publishing ended (`mark`): rates are taken over the publishing part only. */
  readonly marked: { readonly frames: number; readonly bytes: number; readonly elapsedMs: number };
}

/** Client worker → orchestrator: convergence of the full clients. */
export interface ConvergeReport {
  readonly type: 'converged';
  readonly fullClients: number;
  readonly equal: number;
  readonly mismatches: readonly string[];
}

/** Server-path child (pipelineCompare) → orchestrator: one pass over the events, CPU µs per event. */
export interface PassReport {
  readonly type: 'pass';
  readonly usPerEvent: number;
}

/** Anything a child sends. */
export type ChildMessage = { readonly type: 'ready' } | { readonly type: 'prepared' } | PublishReport | ConnectedReport | CountsReport | ConvergeReport | PassReport;
