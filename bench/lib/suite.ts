import { execFileSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';
import Redis from 'ioredis';
import { runLoad, type LoadOptions, type LoadResult } from './scenario';
import { runStorm, type StormOptions, type StormResult } from './storm';
import type { TargetName } from './targets';
import { fmt } from './format';
import { failuresOf, publisherOnTarget } from './verdict';

/** Failing points in a row after which a sweep stops: one failure can be noise on a shared machine, or a rate the controller settles past. */
export const SWEEP_FAILURES_IN_A_ROW = 2;

/** A rate sweep for one target: ascending rates, run until the sweep rule stops it (`sweep`). */
export interface Sweep {
  readonly target: TargetName;
  /** Set when the sweep ran a proposed server change rather than src/ as it is. */
  readonly proposal?: string;
  /** Our server's flush interval when not its default. */
  readonly flushMs?: number;
  readonly points: readonly LoadResult[];
  /** The highest passing point, if any. */
  readonly best: LoadResult | undefined;
  /** The rates the plan named (absent in results from before it was recorded). */
  readonly planned?: readonly number[];
  /** Why the sweep ended where it did (absent in results from before it was recorded). */
  readonly stopped?: string;
}

/**
 * Why a sweep stops after these points, or `undefined` to go on: the last point's publisher fell
 * short of its target rate, or the last `SWEEP_FAILURES_IN_A_ROW` points all failed.
 */
export function stopReason(points: readonly LoadResult[]): string | undefined {
  const last = points[points.length - 1];
  if (last === undefined) return undefined;
  if (!publisherOnTarget(last)) return `the publisher reached ${fmt(last.publishedPerS)}/s of ${fmt(last.options.rate)}/s`;
  const tail = points.slice(-SWEEP_FAILURES_IN_A_ROW);
  if (tail.length === SWEEP_FAILURES_IN_A_ROW && tail.every((r) => failuresOf(r).length > 0)) return `${SWEEP_FAILURES_IN_A_ROW} failing rates in a row`;
  return undefined;
}

/**
 * Runs rates in ascending order. A failing point does not end the sweep (the next rate can still
 * pass: a shared machine's noise, a tick that settles longer), but two failing points in a row do,
 * and so does one where the publisher fell short of the target rate: the machine cannot offer a higher load.
 */
export async function sweep(target: TargetName, rates: readonly number[], base: Omit<LoadOptions, 'target' | 'rate'>, log: (line: string) => void): Promise<Sweep> {
  const points: LoadResult[] = [];
  let best: LoadResult | undefined;
  let stopped: string | undefined;
  for (const rate of rates) {
    const r = await runLoad({ ...base, target, rate });
    points.push(r);
    const failed = failuresOf(r);
    log(
      `  sweep ${target}${base.proposal ? `+${base.proposal}` : ''}${base.flushMs !== undefined ? ` flush ${base.flushMs} ms` : ''} ${rate}/s: ` +
        `published ${Math.round(r.publishedPerS)}/s, p99 ${r.latency.p99} ms, lost ${r.lost ?? '?'}, server ${r.cpu.server.toFixed(2)} cores` +
        `${r.tick ? `, tick ${r.tick.medianMs} ms (max ${r.tick.highestMs})` : ''} → ${failed.length === 0 ? 'pass' : `fail (${failed.join(', ')})`}; bound: ${r.bound}`,
    );
    if (failed.length === 0) best = r;
    stopped = stopReason(points);
    if (stopped !== undefined) break;
  }
  return { target, proposal: base.proposal, flushMs: base.flushMs, points, best, planned: rates, stopped: stopped ?? 'every planned rate run' };
}

/** The machine a suite ran on. */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly kernel: string;
  readonly node: string;
  readonly redis: string;
  readonly fdLimit: string;
}

/** Describes this machine and the Redis in use. */
export async function machineInfo(redisUrl: string): Promise<MachineInfo> {
  let redisVersion = 'unknown';
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
  } catch {
    // reported as unknown
  } finally {
    redis.disconnect();
  }
  let fdLimit = 'unknown';
  try {
    fdLimit = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  } catch {
    // reported as unknown
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 1e9),
    kernel: release(),
    node: process.version,
    redis: redisVersion,
    fdLimit,
  };
}

/** Everything one suite run measured. */
export interface SuiteResult {
  readonly kind: 'quick' | 'full';
  readonly startedAt: string;
  readonly elapsedS: number;
  readonly command: string;
  readonly machine: MachineInfo;
  /** Our server's default flush interval (ms), for the record. */
  readonly defaultFlushMs: number;
  readonly mixed: readonly LoadResult[];
  readonly trades: readonly LoadResult[];
  readonly sweeps: readonly Sweep[];
  readonly storms: readonly StormResult[];
}

/** One step of a suite plan. */
export type Step =
  | { readonly kind: 'mixed' | 'trades'; readonly load: Omit<LoadOptions, 'redisUrl' | 'outDir' | 'runId'> }
  | { readonly kind: 'sweep'; readonly target: TargetName; readonly rates: readonly number[]; readonly load: Omit<LoadOptions, 'redisUrl' | 'outDir' | 'runId' | 'target' | 'rate'> }
  | { readonly kind: 'storm'; readonly storm: Omit<StormOptions, 'redisUrl' | 'outDir' | 'runId'> };

/** Runs a plan step by step, logging progress; a failing step is logged and skipped, not fatal. */
export async function runSuite(
  kind: SuiteResult['kind'],
  steps: readonly Step[],
  env: { readonly redisUrl: string; readonly outDir: string; readonly command: string; readonly defaultFlushMs: number },
  log: (line: string) => void,
): Promise<SuiteResult> {
  const started = Date.now();
  const runId = `${process.pid}`;
  const mixed: LoadResult[] = [];
  const trades: LoadResult[] = [];
  const sweeps: Sweep[] = [];
  const storms: StormResult[] = [];
  const common = { redisUrl: env.redisUrl, outDir: env.outDir, runId };
  for (const [i, step] of steps.entries()) {
    const t0 = Date.now();
    try {
      switch (step.kind) {
        case 'mixed':
        case 'trades': {
          log(`[${i + 1}/${steps.length}] ${step.kind}: ${step.load.target}, ${step.load.clients} clients, ${step.load.rate} events/s, ${step.load.durationS} s`);
          const r = await runLoad({ ...step.load, ...common });
          (step.kind === 'mixed' ? mixed : trades).push(r);
          log(`  p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${Math.round(r.framesPerS)} frames/s, server ${r.cpu.server.toFixed(2)} cores, lost ${r.lost ?? '?'}`);
          break;
        }
        case 'sweep':
          log(`[${i + 1}/${steps.length}] sweep: ${step.target}, ${step.load.clients} clients, rates ${step.rates.join(', ')}`);
          sweeps.push(await sweep(step.target, step.rates, { ...step.load, ...common }, log));
          break;
        case 'storm': {
          log(`[${i + 1}/${steps.length}] storm: ${step.storm.target}, ${step.storm.stormClients} at once, ${step.storm.idleClients} idle`);
          const s = await runStorm({ ...step.storm, ...common });
          storms.push(s);
          log(`  all snapshots after ${s.stormMs} ms, ${s.rssPerClientKb} KB RSS per idle client, failed ${s.idleFailed}`);
          break;
        }
      }
    } catch (error) {
      log(`  step failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    log(`  (${Math.round((Date.now() - t0) / 1000)} s)`);
  }
  return {
    kind,
    startedAt: new Date(started).toISOString(),
    elapsedS: Math.round((Date.now() - started) / 1000),
    command: env.command,
    machine: await machineInfo(env.redisUrl),
    defaultFlushMs: env.defaultFlushMs,
    mixed,
    trades,
    sweeps,
    storms,
  };
}
