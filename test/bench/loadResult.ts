import type { LoadResult } from '../../bench/lib/scenario';
import type { TargetName } from '../../bench/lib/targets';

/** A load result that passes, with plausible figures; tests override what they check. */
export function loadResult(target: TargetName, rate: number, over: Partial<LoadResult> = {}): LoadResult {
  return {
    options: { target, workload: 'trades', clients: 1_000, rate, durationS: 10, flushMs: undefined, fullClients: 0, sampleEvery: 1, cpuProf: false },
    clientProcs: 2,
    connected: 1_000,
    connectFailed: 0,
    windowS: 9,
    publishedPerS: rate,
    publishedTotal: rate * 10,
    publisherMaxBehind: 0,
    ingestedTotal: rate * 10,
    ingestedPerS: rate,
    lost: 0,
    framesPerS: 1_000,
    bytesPerS: 1e6,
    latency: { count: 1_000, p50: 10, p99: 100, p999: 150, max: 200, mean: 20 },
    cpu: { server: 0.5, clients: 0.5, clientsMax: 0.3, publisher: 0.1, redis: 0.05, kernelIrq: 0.1, other: 0 },
    serverCpuMsPer1kFrames: 1,
    serverCpuMsPer1kEvents: 10,
    serverRssMb: { idle: 100, connected: 120, end: 120 },
    closedDuringRun: 0,
    gaps: 0,
    serverFaults: undefined,
    convergence: undefined,
    bound: 'x',
    backgroundCores: 0,
    timeline: [],
    ...over,
  };
}
