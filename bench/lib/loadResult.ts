import type { LatencySummary } from './histogram';
import type { TargetName } from './targets';
import type { TickSummary } from './ticks';
import type { WorkloadName } from './workloads';

/** One load run: a target, a workload, a client count and an event rate. */
export interface LoadOptions {
  readonly target: TargetName;
  readonly workload: WorkloadName;
  readonly clients: number;
  readonly rate: number;
  readonly durationS: number;
  /** Our server's flush interval; `undefined` = its default. */
  readonly flushMs?: number;
  /** Our server's tick held at `flushMs` (`--latency-budget-ms 0`, no adaptive ticks); `undefined` = adaptive. */
  readonly fixedTick?: boolean;
  /** Full clients (ours only) that apply every delta for the convergence check. */
  readonly fullClients: number;
  readonly clientProcs?: number;
  /** Publisher processes sharing the rate; `undefined` = `publishersFor(rate)`. */
  readonly publishers?: number;
  /** Counting clients record the latency of one frame in this many. */
  readonly sampleEvery?: number;
  readonly redisUrl: string;
  readonly outDir: string;
  readonly cpuProf?: boolean;
  readonly runId: string;
  /** A proposed server change (bench/proposals/<name>.patch) to run instead of src/ as it is. */
  readonly proposal?: string;
}

/** CPU in cores (1 = one core busy) over the measured window. */
export interface CpuFigures {
  readonly server: number;
  readonly clients: number;
  readonly clientsMax: number;
  /** All publisher processes together. */
  readonly publisher: number;
  /** The busiest publisher process (absent in results from before there were several). */
  readonly publisherMax?: number;
  readonly redis: number;
  /** Interrupt time (irq + softirq), mostly the kernel's loopback network stack, charged to no process. */
  readonly kernelIrq: number;
  /** Everything else on the machine: other programs (and kernel threads). */
  readonly other: number;
}

/** What one load run measured. */
export interface LoadResult {
  readonly options: Omit<LoadOptions, 'outDir' | 'redisUrl' | 'runId'>;
  readonly clientProcs: number;
  /** Publisher processes (absent in results from before there were several: one). */
  readonly publishers?: number;
  readonly connected: number;
  readonly connectFailed: number;
  readonly windowS: number;
  readonly publishedPerS: number;
  readonly publishedTotal: number;
  readonly publisherMaxBehind: number;
  readonly ingestedTotal: number | undefined;
  readonly ingestedPerS: number | undefined;
  readonly lost: number | undefined;
  readonly framesPerS: number;
  readonly bytesPerS: number;
  readonly latency: LatencySummary;
  readonly cpu: CpuFigures;
  readonly serverCpuMsPer1kFrames: number;
  readonly serverCpuMsPer1kEvents: number | undefined;
  readonly serverRssMb: { readonly idle: number; readonly connected: number; readonly end: number };
  readonly closedDuringRun: number;
  readonly gaps: number;
  /** Our server's own counts: rejected messages and events its seq tracking found missing. */
  readonly serverFaults: { readonly rejected: number; readonly seqLost: number } | undefined;
  readonly convergence: { readonly fullClients: number; readonly equal: number; readonly mismatches: readonly string[] } | undefined;
  /** What bounded the run (`boundOf`). */
  readonly bound: string;
  /** Machine CPU in use (cores) just before the run started, after waiting up to QUIET_WAIT_MS for quiet. */
  readonly backgroundCores: number;
  /** Twice a second while publishing: server CPU (cores), RSS (MB), events ingested so far, our server's flush tick (ms) and log lag (s). */
  readonly timeline: readonly TimelinePoint[];
  /**
   * Events appended but not yet ingested when the publisher finished (`undefined`: the server did not
   * answer), and how long ingest then took to take them all (capped by the drain wait). Absent in results from before it was recorded.
   */
  readonly ingestLag?: { readonly atPublishEnd: number | undefined; readonly drainMs: number };
  /** Our server's flush tick over the measured window, from its admin `/metrics`. Absent for peers and older results. */
  readonly tick?: TickSummary;
  /** Our server's largest log lag sampled while publishing (s). Absent for peers and older results. */
  readonly logLagMaxS?: number;
}

/** One sample of the server while publishing. */
export interface TimelinePoint {
  readonly t: number;
  readonly cpu: number;
  readonly rssMb: number;
  readonly ingested: number | undefined;
  readonly tickMs: number | undefined;
  readonly logLagS: number | undefined;
}
