/** The wait before reconnection attempt `attempt` (0-based) of every pm-arb Redis connection: 50 ms doubling, capped. */
export function retryDelayMs(attempt: number, maxRetryDelayMs = 2_000): number {
  return Math.min(50 * 2 ** Math.min(attempt, 10), maxRetryDelayMs);
}

/** Reports each distinct error of a connection once per outage, not once per retry: `clear()` when it is up again. */
export function faultLog(report: (error: Error) => void): { report(error: Error): void; clear(): void } {
  let last = '';
  return {
    report(error) {
      if (error.message !== last) report(error);
      last = error.message;
    },
    clear() {
      last = '';
    },
  };
}
