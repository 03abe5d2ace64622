import type { Step } from './suite';

/** `npm run bench`: a small version of every measurement, under 3 minutes. */
export const QUICK_PLAN: readonly Step[] = [
  { kind: 'mixed', load: { target: 'ours', workload: 'mixed', clients: 300, rate: 1_000, durationS: 8, fullClients: 5 } },
  ...(['ours', 'socketio', 'uws'] as const).map(
    (target): Step => ({ kind: 'trades', load: { target, workload: 'trades', clients: 200, rate: 100, durationS: 6, fullClients: 5 } }),
  ),
  { kind: 'trades', load: { target: 'ours', workload: 'trades', clients: 100, rate: 10_000, durationS: 6, fullClients: 5 } },
  { kind: 'storm', storm: { target: 'ours', stormClients: 2_000, idleClients: 4_000, populateEvents: 2_000 } },
];

/**
 * Sweep rates per target (events/s), ascending. Ours goes past 50,000/s until the publisher (one
 * process, batched appends; Redis runs every append script) or the machine gives out: the sweep rule
 * (`sweep` in suite.ts) stops after two failing rates in a row or once the publisher falls short.
 */
export const SWEEP_RATES = {
  socketio: [25, 50, 100, 200, 400],
  uws: [50, 100, 200, 400, 800, 1_600],
  ours: [100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 80_000, 100_000, 150_000, 200_000],
} as const;

/**
 * `npm run bench:results`: every figure issues 7 and 15 ask for. `planMinutes` bounds it at ~18 min on a
 * quiet machine (every sweep rate run); the previous plan, 6 sweep points and the 5,000-client row fewer, took 10 min.
 */
export const FULL_PLAN: readonly Step[] = [
  { kind: 'mixed', load: { target: 'ours', workload: 'mixed', clients: 1_000, rate: 1_000, durationS: 20, fullClients: 10 } },
  // The same with the tick held at its floor (no adaptive ticks): what adaptive ticks cost when quiet.
  { kind: 'mixed', load: { target: 'ours', workload: 'mixed', clients: 1_000, rate: 1_000, durationS: 20, fullClients: 10, fixedTick: true } },
  { kind: 'mixed', load: { target: 'ours', workload: 'mixed', clients: 1_000, rate: 1_000, durationS: 15, fullClients: 10, flushMs: 100 } },
  { kind: 'mixed', load: { target: 'socketio', workload: 'mixed', clients: 1_000, rate: 1_000, durationS: 10, fullClients: 0 } },
  { kind: 'mixed', load: { target: 'uws', workload: 'mixed', clients: 1_000, rate: 1_000, durationS: 10, fullClients: 0 } },
  // Many quiet clients: 5,000 sockets on the five agent channels (two client processes of 2,500).
  { kind: 'mixed', load: { target: 'ours', workload: 'mixed', clients: 5_000, rate: 100, durationS: 15, fullClients: 10 } },
  { kind: 'trades', load: { target: 'ours', workload: 'trades', clients: 100, rate: 50_000, durationS: 15, fullClients: 10 } },
  ...(['socketio', 'uws', 'ours'] as const).map(
    (target): Step => ({ kind: 'sweep', target, rates: SWEEP_RATES[target], load: { workload: 'trades', clients: 1_000, durationS: 10, fullClients: 5 } }),
  ),
  // A delta is at most the projection's window, so a longer tick caps bytes/s whatever the event rate.
  {
    kind: 'sweep',
    target: 'ours',
    rates: [500, 1_000, 2_000, 5_000, 10_000, 20_000],
    load: { workload: 'trades', clients: 1_000, durationS: 10, fullClients: 5, flushMs: 100 },
  },
  ...(['ours', 'socketio', 'uws'] as const).map(
    (target): Step => ({ kind: 'storm', storm: { target, stormClients: 5_000, idleClients: 10_000, populateEvents: 2_000 } }),
  ),
];

/**
 * Seconds a load run takes here beyond its publishing time, on a quiet machine: the quiet check (1 s),
 * server start, connecting, the drain, convergence and teardown; plus per 1,000 clients. A failing
 * run at a high rate takes up to the drain wait (5 s) more.
 */
export const RUN_OVERHEAD_S = 8;
export const OVERHEAD_PER_1K_CLIENTS_S = 1;
/** Seconds one storm step takes here (populate, 10,000 idle clients, the storm). */
export const STORM_S = 40;
/**
 * What a failing point at a rate the machine cannot carry adds: the publisher keeps trying up to twice
 * the duration plus 5 s, then the drain wait (5 s). A sweep ends after at most two of them.
 */
const failingExtraS = (durationS: number): number => durationS + 5 + 5;

/**
 * An upper bound of a plan's run time in minutes on a quiet machine: every sweep rate run, two of each
 * sweep's points failing slowly, no wait for quiet beyond the first second of each run (on a busy
 * machine each run may wait up to BENCH_QUIET_WAIT_MS, default 60 s, more).
 */
export function planMinutes(steps: readonly Step[]): number {
  const load = (durationS: number, clients: number): number => durationS + RUN_OVERHEAD_S + (OVERHEAD_PER_1K_CLIENTS_S * clients) / 1_000;
  const seconds = steps.reduce((sum, step) => {
    switch (step.kind) {
      case 'mixed':
      case 'trades':
        return sum + load(step.load.durationS, step.load.clients);
      case 'sweep':
        return sum + step.rates.length * load(step.load.durationS, step.load.clients) + 2 * failingExtraS(step.load.durationS);
      case 'storm':
        return sum + STORM_S;
    }
  }, 0);
  return Math.round(seconds / 60);
}
