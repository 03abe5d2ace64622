import { describe, expect, it } from 'vitest';
import {
  CALM_MS,
  FORGET_MS,
  FULL_MS,
  STRAIN_TICKS,
  initialTick,
  nextTick,
  tickLimits,
  type TickLimits,
  type TickSignals,
  type TickState,
} from '../../src/server/tickController';

const limits = tickLimits(25, 250);

const quiet: Omit<TickSignals, 'elapsedMs'> = { lateMs: 1, busy: 0.3, logLagMs: 0, queuedBytes: 0, sentBytes: 2_000, fanoutMs: 1 };

/** A loop kept full, half of it by fan-out (the frames of a tick take half of it to go out). */
const saturated = (tickMs: number): Omit<TickSignals, 'elapsedMs'> => ({ ...quiet, busy: 1, fanoutMs: tickMs / 2 });

/** Runs the controller for `ms` of ticks whose signals `signalsAt` computes from the tick length; returns every tick length. */
function run(ms: number, signalsAt: (tickMs: number) => Omit<TickSignals, 'elapsedMs'>, from: TickState = initialTick(limits), within: TickLimits = limits) {
  const ticks: number[] = [];
  let state = from;
  for (let t = 0; t < ms; t += state.tickMs) {
    state = nextTick(state, { elapsedMs: state.tickMs, ...signalsAt(state.tickMs) }, within);
    ticks.push(state.tickMs);
  }
  return { ticks, state };
}

/**
 * A server whose ingest keeps the loop `ingestBusy` busy and whose fan-out costs `flushCostMs` per
 * tick; each socket takes `drainPerMs` bytes per ms of the `frameBytes` a tick sends it (a saturated
 * channel: the frame does not grow with the tick). The queue carries over from tick to tick.
 */
function loadedServer(ingestBusy: number, flushCostMs: number, frameBytes: number, drainPerMs: number) {
  const queues: number[] = [];
  let queued = 0;
  const signalsAt = (tickMs: number): Omit<TickSignals, 'elapsedMs'> => {
    const seen = queued;
    queues.push(seen);
    queued = Math.max(0, queued + frameBytes - drainPerMs * tickMs);
    return { lateMs: 1, busy: Math.min(1, ingestBusy + flushCostMs / tickMs), logLagMs: 0, queuedBytes: seen, sentBytes: frameBytes, fanoutMs: flushCostMs };
  };
  return { signalsAt, queues };
}

describe('tick limits', () => {
  it('given a budget of 250 ms and --flush-ms 25, then ticks stay within 25..125 ms (half the budget is left for delivery)', () => {
    expect(tickLimits(25, 250)).toEqual({ minMs: 25, maxMs: 125 });
  });

  it('given no budget (0) or one under two ticks, then the tick is fixed at --flush-ms', () => {
    expect(tickLimits(25, 0)).toEqual({ minMs: 25, maxMs: 25 });
    expect(tickLimits(100, 150)).toEqual({ minMs: 100, maxMs: 100 });
  });
});

describe('tick controller', () => {
  it('given a quiet server, then the tick stays at --flush-ms', () => {
    const { ticks } = run(10_000, () => quiet);
    expect(new Set(ticks)).toEqual(new Set([25]));
  });

  it('given two late ticks in a row (a GC pause) among quiet ones, then the tick does not change', () => {
    let n = 0;
    const { ticks } = run(5_000, () => (++n === 40 || n === 41 ? { ...quiet, lateMs: 80 } : quiet));
    expect(new Set(ticks)).toEqual(new Set([25]));
  });

  it('given a loop busy at 90 % or more, half of it fan-out, keeping up, then the tick doubles, step by step, up to half the budget and never beyond', () => {
    const { ticks } = run(5_000, saturated);
    const steps = ticks.filter((t, i) => i === 0 || t !== ticks[i - 1]);
    expect(steps).toEqual([25, 50, 100, 125]);
    expect(ticks.at(-1)).toBe(125);
    // Each step waits for FULL_MS of it, so the longest tick is reached after about three of them.
    const elapsedAt125 = ticks.slice(0, ticks.indexOf(125)).reduce((sum, t) => sum + t, 0);
    expect(elapsedAt125).toBeGreaterThanOrEqual(2 * FULL_MS);
    expect(elapsedAt125).toBeLessThan(4 * FULL_MS);
  });

  it('given the same loop falling behind (each flush later than a tick), then the tick lengthens after STRAIN_TICKS ticks, without waiting for FULL_MS', () => {
    const { ticks } = run(2_000, (tickMs) => ({ ...saturated(tickMs), lateMs: tickMs + 5 }));
    expect(ticks.indexOf(50)).toBe(STRAIN_TICKS - 1);
    expect(ticks.at(-1)).toBe(125);
  });

  it('given a start of traffic that keeps the loop full, keeping up, for 400 ms and then settles at half of it, then the tick stays at --flush-ms', () => {
    let elapsed = 0;
    const { ticks } = run(5_000, (tickMs) => {
      elapsed += tickMs;
      return elapsed <= 400 ? saturated(tickMs) : { ...quiet, busy: 0.5, fanoutMs: tickMs * 0.45 };
    });
    expect(new Set(ticks)).toEqual(new Set([25]));
  });

  it('given a tick a step above --flush-ms after load ended, then it goes to --flush-ms itself rather than to a step just above it', () => {
    const from: TickState = { ...initialTick(limits), tickMs: 37 };
    const { ticks } = run(2_000, () => quiet, from);
    expect(ticks.filter((t, i) => i === 0 || t !== ticks[i - 1])).toEqual([37, 25]);
  });

  it('given the log lagging more than a tick behind while fan-out takes 30 % of the loop, then the tick lengthens', () => {
    const { ticks } = run(1_000, (tickMs) => ({ ...quiet, logLagMs: tickMs + 10, fanoutMs: tickMs * 0.3 }));
    expect(ticks.at(-1)).toBe(125);
  });

  it('given ingest keeping the loop 95 % busy and the log lagging while fan-out takes 4 % of it (many events, few clients), then the tick stays at --flush-ms: a longer one would give back nothing but latency', () => {
    const { ticks, state } = run(5_000, (tickMs) => ({ ...quiet, busy: 0.95, logLagMs: 400, lateMs: 30, fanoutMs: tickMs * 0.04 }));
    expect(new Set(ticks)).toEqual(new Set([25]));
    expect(state.fanout).toBeCloseTo(0.04, 3);
  });

  it('given a tick lengthened by a burst, when ingest alone keeps the loop 85 % busy with the log lagging, then the tick returns to --flush-ms', () => {
    const { state } = run(2_000, saturated);
    expect(state.tickMs).toBe(125);
    const { ticks } = run(5_000, () => ({ ...quiet, busy: 0.85, logLagMs: 300, fanoutMs: 0.5 }), state);
    expect(ticks.at(-1)).toBe(25);
  });

  it('given fan-out at 8 % of a loop 95 % busy (between FANOUT_LOW and FANOUT_HIGH), then the tick holds where it is', () => {
    const from: TickState = { ...initialTick(limits), tickMs: 50, busy: 0.95, fanout: 0.08 };
    const { ticks } = run(10_000, (tickMs) => ({ ...quiet, busy: 0.95, logLagMs: 100, fanoutMs: tickMs * 0.08 }), from);
    expect(new Set(ticks)).toEqual(new Set([50]));
  });

  it('given sockets holding more than a tick of queued bytes, then the tick lengthens', () => {
    // 20 KB per tick to each socket; 30 KB queued is 1.5 ticks of it.
    const { ticks } = run(1_000, () => ({ ...quiet, sentBytes: 20_000, queuedBytes: 30_000 }));
    expect(ticks.slice(0, 4)).toEqual([25, 25, 50, 50]);
  });

  it('given a backlog under a tick and a loop between 70 % and 90 % busy, then the tick holds where it is', () => {
    const from: TickState = { ...initialTick(limits), tickMs: 100 };
    const { ticks } = run(10_000, () => ({ ...quiet, busy: 0.8, logLagMs: 50, fanoutMs: 20 }), from);
    expect(new Set(ticks)).toEqual(new Set([100]));
  });

  it('given ingest that keeps the loop 60 % busy and a fan-out of 10 ms per tick, then the tick settles at 50 ms and stays', () => {
    // 25 ms: 0.6 + 0.4 = 1.0 (strained); 50 ms: 0.8 (holds); no oscillation afterwards.
    const { ticks } = run(20_000, loadedServer(0.6, 10, 1_000, 1_000).signalsAt);
    const settled = ticks.slice(-100);
    expect(new Set(settled)).toEqual(new Set([50]));
  });

  it('given clients that take 200 bytes/ms of 20 KB frames, then the tick settles where the queue stays bounded, trying a shorter one only after a long calm', () => {
    // 20 KB every 25 ms is 800 B/ms, every 100 ms 200 B/ms: only ticks of 100 ms or more keep the queue from growing.
    const server = loadedServer(0.3, 1, 20_000, 200);
    const { ticks } = run(60_000, server.signalsAt);
    const after = ticks.findIndex((t) => t === 125);
    const settled = ticks.slice(after);
    expect(Math.min(...settled)).toBeGreaterThanOrEqual(93);
    expect(settled.filter((t) => t === 125).length / settled.length).toBeGreaterThan(0.75);
    // A shorter tick is tried again at most once per FORGET_MS, and its queue never exceeds two frames.
    const tries = settled.filter((t, i) => i > 0 && t !== 125 && settled[i - 1] === 125).length;
    expect(tries).toBeLessThanOrEqual(Math.ceil(60_000 / FORGET_MS));
    expect(Math.max(...server.queues.slice(after + 20))).toBeLessThan(40_000);
  });

  it('given load that ends, then the tick returns to --flush-ms within seconds, step by step, never below it', () => {
    const { state } = run(2_000, saturated);
    expect(state.tickMs).toBe(125);
    const { ticks } = run(5_000, () => quiet, state);
    expect(ticks.at(-1)).toBe(25);
    expect(Math.min(...ticks)).toBe(25);
    for (let i = 1; i < ticks.length; i += 1) expect(ticks[i]).toBeLessThanOrEqual(ticks[i - 1] as number);
    // Each step waits for CALM_MS of calm: 125 → 25 is several steps, not one.
    const steps = ticks.filter((t, i) => i > 0 && t !== ticks[i - 1]).length;
    expect(steps).toBeGreaterThanOrEqual(4);
    expect(ticks.findIndex((t) => t < 125)).toBeGreaterThanOrEqual(Math.floor(CALM_MS / 125) - 1);
  });

  it('given a shorter tick that strains soon after it is tried, then it is not tried again before FORGET_MS of calm', () => {
    const { state } = run(2_000, saturated);
    // Calm at 125 ms; at 93 ms the loop is saturated again.
    const { ticks } = run(FORGET_MS * 2, (tickMs) => (tickMs < 125 ? saturated(tickMs) : quiet), state);
    const tries = ticks.filter((t, i) => i > 0 && t < 125 && ticks[i - 1] === 125).length;
    expect(tries).toBeGreaterThanOrEqual(1);
    expect(tries).toBeLessThanOrEqual(3);
    expect(Math.min(...ticks)).toBe(93);
  });

  it('given snapshots queued for sockets that just joined while hardly any deltas flow, then the tick does not change', () => {
    const { ticks } = run(3_000, () => ({ ...quiet, sentBytes: 20, queuedBytes: 60_000 }));
    expect(new Set(ticks)).toEqual(new Set([25]));
  });

  it('given a fixed tick (no budget), then strain changes nothing', () => {
    const fixed = tickLimits(25, 0);
    const { ticks } = run(2_000, () => ({ ...quiet, busy: 1, logLagMs: 500 }), initialTick(fixed), fixed);
    expect(new Set(ticks)).toEqual(new Set([25]));
  });
});
