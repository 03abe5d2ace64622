import { tickLimits, type TickLimits } from '../../src/server/tickController';
import { defaultFlushMs, defaultLatencyBudgetMs } from './defaults';

/** Our server's flush tick over a run's measured window, from the `pmarb_flush_tick_ms` gauge sampled while publishing. */
export interface TickSummary {
  /** The shortest tick the server may use (`--flush-ms`). */
  readonly minMs: number;
  /** The longest (half of `--latency-budget-ms`): a tick there has no room left to grow. */
  readonly maxMs: number;
  /** Samples taken in the window. */
  readonly samples: number;
  readonly medianMs: number;
  readonly highestMs: number;
  /** Share of the samples at `maxMs` (0..1). */
  readonly atMaxShare: number;
}

/** The tick range of our server started with `flushMs` (its default when `undefined`) and the default latency budget (none: `fixedTick`). */
export function tickRange(flushMs: number | undefined, fixedTick = false): TickLimits {
  return tickLimits(flushMs ?? defaultFlushMs(), fixedTick ? 0 : defaultLatencyBudgetMs());
}

/** Summarises the tick samples of a window; `undefined` when the server reported none (a peer, or a build without the gauge). */
export function summariseTicks(samples: readonly { readonly tickMs: number | undefined }[], range: TickLimits): TickSummary | undefined {
  const ticks = samples.map((s) => s.tickMs).filter((x): x is number => x !== undefined && Number.isFinite(x));
  if (ticks.length === 0) return undefined;
  const sorted = [...ticks].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const medianMs = sorted.length % 2 === 1 ? (sorted[Math.floor(mid)] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return {
    minMs: range.minMs,
    maxMs: range.maxMs,
    samples: ticks.length,
    medianMs,
    highestMs: sorted[sorted.length - 1] ?? 0,
    atMaxShare: ticks.filter((t) => t >= range.maxMs).length / ticks.length,
  };
}
