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

/** Sweep rates per target (events/s), ascending; a sweep stops at its first failing rate. */
export const SWEEP_RATES = {
  socketio: [25, 50, 100, 200, 400],
  uws: [50, 100, 200, 400, 800, 1_600],
  ours: [100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000],
} as const;

/** `npm run bench:results`: every figure issue 7 asks for (about 20 minutes here). */
export const FULL_PLAN: readonly Step[] = [
  { kind: 'mixed', load: { target: 'ours', workload: 'mixed', clients: 1_000, rate: 1_000, durationS: 20, fullClients: 10 } },
  { kind: 'mixed', load: { target: 'ours', workload: 'mixed', clients: 1_000, rate: 1_000, durationS: 15, fullClients: 10, flushMs: 100 } },
  { kind: 'mixed', load: { target: 'socketio', workload: 'mixed', clients: 1_000, rate: 1_000, durationS: 10, fullClients: 0 } },
  { kind: 'mixed', load: { target: 'uws', workload: 'mixed', clients: 1_000, rate: 1_000, durationS: 10, fullClients: 0 } },
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
