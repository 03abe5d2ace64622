import { describe, expect, it } from 'vitest';
import { FlushTicker } from '../../src/server/flushTicker';
import { tickLimits, type TickSignals } from '../../src/server/tickController';

/** Keeps the event loop busy for `ms`. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

/**
 * Runs a ticker (20 ms ticks, up to 100 ms) for `ms` whose every flush leaves `workMs` of work to
 * the end of the loop iteration, as uWS leaves the writes of a published frame; `asIngest` counts
 * that work as log entries applied instead. Returns the tick lengths chosen and the signals seen.
 */
async function runTicker(ms: number, workMs: number, asIngest: boolean) {
  const ingest = { busyMs: 0 };
  const changes: { tickMs: number; signals?: TickSignals }[] = [];
  const ticker = new FlushTicker({
    limits: tickLimits(20, 200),
    heartbeatMs: 60_000,
    ingest,
    flush: () => {
      setImmediate(() => {
        spin(workMs);
        if (asIngest) ingest.busyMs += workMs;
      });
    },
    observe: () => ({ logLagMs: 0, queuedBytes: 0, sentBytes: 0 }),
    changed: (tickMs, signals) => changes.push({ tickMs, signals }),
  });
  ticker.start();
  await new Promise((resolve) => setTimeout(resolve, ms));
  ticker.stop();
  return changes;
}

describe('flush ticker', () => {
  it('given frames whose writes keep the loop busy after each flush, then it counts them as fan-out and lengthens the tick', async () => {
    const changes = await runTicker(1_500, 19, false);
    // 19 ms of every 20 ms tick: strained, so 40 ms; from there it may come down, never back to 20 ms.
    expect(changes[1]?.tickMs).toBe(40);
    expect(changes[1]?.signals?.fanoutMs).toBeGreaterThan(15);
    expect(changes.slice(1).every((c) => c.tickMs > 20)).toBe(true);
  });

  it('given the same work done by ingest between a flush and its writes, then it is not counted as fan-out and the tick stays at --flush-ms', async () => {
    const changes = await runTicker(1_500, 19, true);
    expect(changes.map((c) => c.tickMs)).toEqual([20]);
  });
});
