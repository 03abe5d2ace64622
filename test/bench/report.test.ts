import { describe, expect, it } from 'vitest';
import { checkTargets } from '../../bench/lib/report';
import type { LoadResult } from '../../bench/lib/scenario';
import { passes, type SuiteResult } from '../../bench/lib/suite';
import type { TargetName } from '../../bench/lib/targets';

/** A load result with plausible defaults; tests override what they check. */
function run(target: TargetName, rate: number, over: Partial<LoadResult> = {}): LoadResult {
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

function suite(over: Partial<SuiteResult>): SuiteResult {
  return {
    kind: 'full',
    startedAt: '',
    elapsedS: 0,
    command: '',
    machine: { cpu: '', cores: 2, memoryGb: 1, kernel: '', node: '', redis: '', fdLimit: '' },
    defaultFlushMs: 25,
    mixed: [],
    trades: [],
    sweeps: [],
    storms: [],
    ...over,
  };
}

describe('passes', () => {
  it('needs p99 under 250 ms, nothing lost, the publisher on schedule and every client kept', () => {
    expect(passes(run('ours', 100))).toBe(true);
    expect(passes(run('ours', 100, { latency: { count: 1, p50: 1, p99: 250, p999: 1, max: 1, mean: 1 } }))).toBe(false);
    expect(passes(run('ours', 100, { lost: 1 }))).toBe(false);
    expect(passes(run('ours', 100, { publishedPerS: 90 }))).toBe(false);
    expect(passes(run('ours', 100, { closedDuringRun: 1 }))).toBe(false);
    expect(passes(run('ours', 100, { latency: { count: 0, p50: 0, p99: 0, p999: 0, max: 0, mean: 0 } }))).toBe(false);
  });
});

describe('checkTargets', () => {
  const sweep = (target: TargetName, best: number, cpuPer1k: number) => {
    const point = run(target, best, { serverCpuMsPer1kEvents: cpuPer1k });
    return { target, points: [point], best: point };
  };
  const find = (result: SuiteResult, prefix: string) => checkTargets(result).find((c) => c.target.startsWith(prefix));

  it('applies the 50× rate and 1/20 CPU rules against the Socket.IO sweep', () => {
    const pass = suite({ sweeps: [sweep('socketio', 100, 2_000), sweep('ours', 5_000, 100)] });
    expect(find(pass, 'trades, 1,000 clients')?.pass).toBe(true);
    expect(find(pass, 'trades: server CPU')?.pass).toBe(true);
    const miss = suite({ sweeps: [sweep('socketio', 100, 2_000), sweep('ours', 4_900, 101)] });
    expect(find(miss, 'trades, 1,000 clients')?.pass).toBe(false);
    expect(find(miss, 'trades: server CPU')?.pass).toBe(false);
  });

  it('says "not measured" rather than pass or miss when a figure is absent', () => {
    for (const check of checkTargets(suite({}))) expect(check.pass).toBeUndefined();
  });

  it('reads the mixed target from the default-flush run only', () => {
    const slow = run('ours', 1_000, { latency: { count: 1, p50: 1, p99: 500, p999: 1, max: 1, mean: 1 } });
    const fastButFlush100 = run('ours', 1_000, { options: { ...slow.options, flushMs: 100 } });
    const result = suite({ mixed: [{ ...fastButFlush100 }, { ...slow, options: { ...slow.options, workload: 'mixed' } }] });
    expect(find(result, 'mixed, 1,000 clients')?.pass).toBe(false);
  });
});
