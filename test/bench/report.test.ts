import { describe, expect, it } from 'vitest';
import { LOAD_HEADER, loadRow } from '../../bench/lib/format';
import { checkIssue15, checkTargets, passesUpTo } from '../../bench/lib/report';
import type { SuiteResult, Sweep } from '../../bench/lib/suite';
import type { TargetName } from '../../bench/lib/targets';
import { loadResult } from './loadResult';

const run = loadResult;

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

describe('passesUpTo', () => {
  const sweep = (points: Sweep['points']): Sweep => ({ target: 'ours', points, best: undefined });
  const slow = { latency: { count: 1, p50: 1, p99: 400, p999: 1, max: 1, mean: 1 } };

  it('given a failing point followed by a passing one, then every rate passes only up to the one before the failure', () => {
    expect(passesUpTo(sweep([run('ours', 10), run('ours', 20, slow), run('ours', 30)]))).toBe(10);
  });

  it('given a first point that fails, then no rate passes throughout', () => {
    expect(passesUpTo(sweep([run('ours', 10, slow), run('ours', 20)]))).toBeUndefined();
  });
});

describe('checkIssue15', () => {
  const slow = { latency: { count: 1, p50: 1, p99: 400, p999: 1, max: 1, mean: 1 } };
  const ours = (points: Sweep['points']): Sweep => ({ target: 'ours', points, best: undefined });
  const find = (result: SuiteResult) => checkIssue15(result)[0];

  it('given every rate passing up to 50,000/s, then the sweep target passes', () => {
    expect(find(suite({ sweeps: [ours([run('ours', 20_000), run('ours', 50_000), run('ours', 60_000, slow)])] }))?.pass).toBe(true);
  });

  it('given a failure below 50,000/s, then the target is missed even when a higher rate passes', () => {
    expect(find(suite({ sweeps: [ours([run('ours', 20_000), run('ours', 40_000, slow), run('ours', 50_000)])] }))?.pass).toBe(false);
  });

  it('checks that the adaptive mixed row kept its tick at the floor, beside the fixed-tick row of the same run, and reads the 50 ms target from the adaptive one', () => {
    const tick = (highestMs: number) => ({ minMs: 25, maxMs: 125, samples: 30, medianMs: 25, highestMs, atMaxShare: 0 });
    const mixed = (ms: number, highestMs: number, fixedTick?: boolean) => {
      const r = run('ours', 1_000, { latency: { count: 1, p50: 1, p99: ms, p999: 1, max: 1, mean: 1 }, tick: tick(highestMs) });
      return { ...r, options: { ...r.options, workload: 'mixed' as const, ...(fixedTick === undefined ? {} : { fixedTick }) } };
    };
    const costs = (result: SuiteResult) => checkIssue15(result).find((c) => c.target.startsWith('mixed, same run'))?.pass;
    const quiet = (result: SuiteResult) => checkIssue15(result).find((c) => c.target.startsWith('mixed, 1,000 clients'))?.pass;
    expect(costs(suite({ mixed: [mixed(74, 25), mixed(66, 25, true)] }))).toBe(true);
    expect(costs(suite({ mixed: [mixed(60, 50), mixed(66, 25, true)] }))).toBe(false);
    expect(costs(suite({ mixed: [mixed(40, 25)] }))).toBeUndefined();
    // The fixed-tick row, listed first and under 50 ms, is not the adaptive one.
    expect(quiet(suite({ mixed: [mixed(40, 25, true), mixed(60, 25)] }))).toBe(false);
  });

  it('given a sweep with a fixed flush interval only, then the target is not measured', () => {
    expect(find(suite({ sweeps: [{ ...ours([run('ours', 50_000)]), flushMs: 100 }] }))?.pass).toBeUndefined();
  });
});

describe('loadRow', () => {
  it('shows no latency, not zero, for a run in which no event published after the warm-up reached a client', () => {
    const none = run('socketio', 1_000, { latency: { count: 0, p50: 0, p99: 0, p999: 0, max: 0, mean: 0 } });
    const row = loadRow(none);
    const at = (name: string) => row[LOAD_HEADER.indexOf(name as (typeof LOAD_HEADER)[number])];
    expect([at('p50 ms'), at('p99 ms'), at('p999 ms')]).toEqual(['–', '–', '–']);
    expect(loadRow(run('socketio', 1_000))[LOAD_HEADER.indexOf('p99 ms')]).not.toBe('–');
  });
});
