/** Reconnect delays: exponential growth with full jitter, capped. */
export interface BackoffOptions {
  /** First delay's upper bound, ms. */
  readonly initialMs: number;
  /** Largest delay, ms. */
  readonly maxMs: number;
  /** Growth per attempt. */
  readonly factor: number;
}

/** Defaults: 250 ms, doubling, at most 10 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 10_000, factor: 2 };

/**
 * The delay before reconnect attempt `attempt` (0-based): uniformly drawn from
 * [ceiling / 2, ceiling] so that many clients dropped at once do not return in lockstep.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * options.factor ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
