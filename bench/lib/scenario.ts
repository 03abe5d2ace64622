import { join } from 'node:path';
import Redis from 'ioredis';
import { BenchChild } from './child';
import { mergeHistograms, summarise } from './histogram';
import type { ConnectedReport, CountsReport, ConvergeReport } from './ipc';
import { freePort, sleep, waitFor } from './net';
import { prepareProposal } from './proposal';
import { awaitQuietMachine, coreShare, sampleMachine, sampleProc, type ProcSample } from './procStats';
import { deleteRunKeys } from './runKeys';
import { startTarget, type RunningTarget } from './targets';
import { summariseTicks, tickRange } from './ticks';
import { boundOf } from './verdict';
import { workloadOf } from './workloads';
import type { CpuFigures, LoadOptions, LoadResult, TimelinePoint } from './loadResult';

export type { CpuFigures, LoadOptions, LoadResult, TimelinePoint } from './loadResult';

/** The redis-server pid, when Redis runs on this machine (for CPU sampling). */
export async function redisPid(redisUrl: string): Promise<number | undefined> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const info = await redis.info('server');
    const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
    return Number.isFinite(pid) && sampleProc(pid) !== undefined ? pid : undefined;
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

const mb = (s: ProcSample | undefined): number => Math.round(((s?.rssBytes ?? 0) / 1048576) * 10) / 10;
const share = (a: ProcSample | undefined, b: ProcSample | undefined): number => (a && b ? coreShare(a, b) : 0);

/** Client processes for a client count: at least 2 (two cores), at most 4,000 sockets each. */
export function clientProcsFor(clients: number): number {
  return Math.max(2, Math.ceil(clients / 4_000));
}

/** The rate one publisher process is given at most by `publishersFor`. */
export const PUBLISHER_RATE = 60_000;

/**
 * Publisher processes for a rate: one Node publisher spends several µs of CPU per event (generating,
 * encoding, the Redis client), so past ~60,000 events/s a second one shares the rate, and so on.
 */
export function publishersFor(rate: number): number {
  return Math.max(1, Math.ceil(rate / PUBLISHER_RATE));
}

/** Splits `n` as evenly as possible over `k` parts. */
export function split(n: number, k: number): number[] {
  return Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));
}

/** How often the server is sampled while publishing (CPU, RSS, ingest count, flush tick, log lag). */
const SAMPLE_MS = 500;
/** How long the orchestrator waits, once publishing ended, for the server to ingest every event; what is left then counts as lost. */
const DRAIN_WAIT_MS = 5_000;

/** How long a run waits for other programs on the machine to quiet down (BENCH_QUIET_WAIT_MS, default 60 s). */
export function quietWaitMs(): number {
  return Number(process.env.BENCH_QUIET_WAIT_MS ?? 60_000);
}

/** Runs one load scenario end to end and tears everything down. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const workload = workloadOf(options.workload);
  const fullClients = options.target === 'ours' ? Math.min(options.fullClients, options.clients) : 0;
  const procs = options.clientProcs ?? clientProcsFor(options.clients);
  const prefix = `bench-${options.runId}-${options.target}-${Math.random().toString(36).slice(2, 8)}:`;
  const label = `${options.target}${options.proposal ? `+${options.proposal}` : ''}-${options.workload}-c${options.clients}-r${options.rate}`;
  const serverEntry = options.proposal && options.target === 'ours' ? prepareProposal(options.proposal) : undefined;
  const backgroundCores = await awaitQuietMachine(quietWaitMs());
  const port = await freePort();
  const target: RunningTarget = await startTarget({
    name: options.target,
    port,
    redisUrl: options.redisUrl,
    prefix,
    channels: workload.channels,
    flushMs: options.flushMs,
    fixedTick: options.fixedTick,
    cpuProfDir: options.cpuProf ? join(options.outDir, 'prof', label) : undefined,
    logFile: join(options.outDir, 'logs', `${label}.log`),
    serverEntry,
  });
  const publisherCount = options.publishers ?? publishersFor(options.rate);
  // Each publisher its own run (contiguous seqs per run), seed and id range; the first keeps the run id as before.
  const publishers = Array.from(
    { length: publisherCount },
    (_, i) => new BenchChild('publisher.ts', [options.redisUrl, prefix, options.workload, i === 0 ? options.runId : `${options.runId}p${i}`, String(i)]),
  );
  const workers = Array.from(
    { length: procs },
    (_, i) =>
      new BenchChild('clientWorker.ts', [options.target, String(port), workload.channels.join(','), String(i), String(options.sampleEvery ?? 1)]),
  );
  const rPid = await redisPid(options.redisUrl);
  try {
    await Promise.all(publishers.map((p) => p.next('ready', 30_000)));
    // The events are made before anything is measured: the publishers then only send during the run.
    const durationMs = options.durationS * 1000;
    const rates = split(options.rate, publisherCount);
    publishers.forEach((p, i) => p.send({ type: 'prepare', count: Math.round(((rates[i] ?? 0) * durationMs) / 1000) }));
    await Promise.all(publishers.map((p) => p.next('prepared', 300_000)));
    await Promise.all(workers.map((w) => w.next('ready', 30_000)));
    const idle = sampleProc(target.pid);
    const counts = split(options.clients, procs);
    const fulls = split(fullClients, procs);
    const startAt = Date.now() + 300;
    workers.forEach((w, i) => w.send({ type: 'connect', count: counts[i], full: fulls[i], startAt }));
    const connected: ConnectedReport[] = await Promise.all(workers.map((w) => w.next('connected', 120_000)));
    const afterConnect = sampleProc(target.pid);

    // Publish; measure from after a warm-up (JIT, first snapshots) until the server drained.
    const warmupMs = Math.min(2_000, durationMs * 0.15);
    const ingested0 = (await target.ingested(30_000)) ?? 0;
    publishers.forEach((p, i) => p.send({ type: 'publish', rate: rates[i], durationMs }));
    const timeline: TimelinePoint[] = [];
    let last = sampleProc(target.pid);
    const t0 = performance.now();
    const ticker = setInterval(() => {
      const now = sampleProc(target.pid);
      const t = Math.round(performance.now() - t0) / 1000;
      const cpu = share(last, now);
      last = now;
      void target.sample().then((s) => {
        timeline.push({ t, cpu, rssMb: mb(now), ingested: s.ingested === undefined ? undefined : s.ingested - ingested0, tickMs: s.tickMs, logLagS: s.logLagS });
      });
    }, SAMPLE_MS);
    await sleep(warmupMs);
    for (const w of workers) w.send({ type: 'measure' });
    const ingestedStart = await target.ingested();
    const pids = { server: target.pid, publishers: publishers.map((p) => p.pid), redis: rPid ?? -1, workers: workers.map((w) => w.pid) };
    const machineBefore = { ...sampleMachine(), at: performance.now() };
    const before = { server: sampleProc(pids.server), publishers: pids.publishers.map(sampleProc), redis: sampleProc(pids.redis), workers: pids.workers.map(sampleProc) };
    const reportsIn = await Promise.all(publishers.map((p) => p.next('published', durationMs * 2 + 60_000)));
    const published = {
      count: reportsIn.reduce((sum, r) => sum + r.count, 0),
      elapsedMs: Math.max(...reportsIn.map((r) => r.elapsedMs)),
      maxBehind: reportsIn.reduce((sum, r) => sum + r.maxBehind, 0),
    };
    clearInterval(ticker);
    const publishedAt = performance.now();
    for (const w of workers) w.send({ type: 'mark' });
    // How far ingest was behind the log when the last append was acknowledged.
    const ingestedAtEnd = await target.ingested(2_000);
    // Drain: wait until the server took every published event (or gives up), plus a flush.
    await waitFor(async () => ((await target.ingested()) ?? 0) - ingested0 >= published.count, DRAIN_WAIT_MS);
    const drainMs = performance.now() - publishedAt;
    await sleep(Math.max(300, 3 * (options.flushMs ?? 50)));
    for (const w of workers) w.send({ type: 'report' });
    const machineAfter = { ...sampleMachine(), at: performance.now() };
    const after = { server: sampleProc(pids.server), publishers: pids.publishers.map(sampleProc), redis: sampleProc(pids.redis), workers: pids.workers.map(sampleProc) };
    const ingestedEnd = await target.ingested(30_000);
    const reports: CountsReport[] = await Promise.all(workers.map((w) => w.next('counts', 30_000)));

    let convergence: ConvergeReport[] | undefined;
    if (fullClients > 0) {
      for (const w of workers) w.send({ type: 'converge', timeoutMs: 10_000 });
      convergence = await Promise.all(workers.map((w) => w.next('converged', 60_000)));
    }
    const end = sampleProc(target.pid);
    const serverFaults = await target.faults();

    const windowMs = Math.max(...reports.map((r) => r.elapsedMs));
    const frames = reports.reduce((s, r) => s + r.frames, 0);
    const markedMs = Math.max(...reports.map((r) => r.marked.elapsedMs));
    const markedFrames = reports.reduce((s, r) => s + r.marked.frames, 0);
    const markedBytes = reports.reduce((s, r) => s + r.marked.bytes, 0);
    const workerShares = pids.workers.map((_, i) => share(before.workers[i], after.workers[i]));
    const publisherShares = pids.publishers.map((_, i) => share(before.publishers[i], after.publishers[i]));
    const ours = {
      server: share(before.server, after.server),
      clients: workerShares.reduce((s, x) => s + x, 0),
      clientsMax: Math.max(...workerShares),
      publisher: publisherShares.reduce((s, x) => s + x, 0),
      publisherMax: Math.max(...publisherShares),
      redis: share(before.redis, after.redis),
    };
    const wallMs = machineAfter.at - machineBefore.at;
    const machine = (machineAfter.busyMs - machineBefore.busyMs) / wallMs;
    const kernelIrq = (machineAfter.irqMs - machineBefore.irqMs) / wallMs;
    const cpu: CpuFigures = {
      ...ours,
      kernelIrq,
      other: Math.max(0, machine - kernelIrq - ours.server - ours.clients - ours.publisher - ours.redis),
    };
    const serverCpuMs = (after.server?.cpuMs ?? 0) - (before.server?.cpuMs ?? 0);
    const ingestedInWindow = ingestedStart !== undefined && ingestedEnd !== undefined ? ingestedEnd - ingestedStart : undefined;
    const ingestedTotal = ingestedEnd !== undefined ? ingestedEnd - ingested0 : undefined;
    const lost = ingestedTotal !== undefined ? published.count - ingestedTotal : undefined;
    const latency = summarise(mergeHistograms(reports.map((r) => r.latencyHistogram)));
    const measured = timeline.filter((p) => p.t >= warmupMs / 1000);
    const lags = measured.map((p) => p.logLagS).filter((x): x is number => x !== undefined);
    const result: Omit<LoadResult, 'bound'> = {
      options: {
        target: options.target,
        workload: options.workload,
        clients: options.clients,
        rate: options.rate,
        durationS: options.durationS,
        flushMs: options.flushMs,
        ...(options.fixedTick === true ? { fixedTick: true } : {}),
        fullClients,
        sampleEvery: options.sampleEvery ?? 1,
        cpuProf: options.cpuProf ?? false,
        proposal: options.proposal,
      },
      clientProcs: procs,
      publishers: publisherCount,
      connected: connected.reduce((s, c) => s + c.open, 0),
      connectFailed: connected.reduce((s, c) => s + c.failed, 0),
      windowS: windowMs / 1000,
      publishedPerS: (published.count / published.elapsedMs) * 1000,
      publishedTotal: published.count,
      publisherMaxBehind: published.maxBehind,
      ingestedTotal,
      ingestedPerS: ingestedTotal !== undefined ? (ingestedTotal / published.elapsedMs) * 1000 : undefined,
      lost,
      framesPerS: (markedFrames / markedMs) * 1000,
      bytesPerS: (markedBytes / markedMs) * 1000,
      latency,
      cpu,
      serverCpuMsPer1kFrames: frames > 0 ? serverCpuMs / (frames / 1000) : 0,
      serverCpuMsPer1kEvents: ingestedInWindow ? serverCpuMs / (ingestedInWindow / 1000) : undefined,
      serverRssMb: { idle: mb(idle), connected: mb(afterConnect), end: mb(end) },
      closedDuringRun: reports.reduce((s, r) => s + r.closed, 0),
      gaps: reports.reduce((s, r) => s + r.gaps, 0),
      serverFaults,
      convergence: convergence && {
        fullClients: convergence.reduce((s, c) => s + c.fullClients, 0),
        equal: convergence.reduce((s, c) => s + c.equal, 0),
        mismatches: convergence.flatMap((c) => c.mismatches).slice(0, 5),
      },
      timeline,
      backgroundCores,
      ingestLag: { atPublishEnd: ingestedAtEnd === undefined ? undefined : published.count - (ingestedAtEnd - ingested0), drainMs: Math.round(drainMs) },
      tick: options.target === 'ours' ? summariseTicks(measured, tickRange(options.flushMs, options.fixedTick)) : undefined,
      logLagMaxS: lags.length > 0 ? Math.max(...lags) : undefined,
    };
    return { ...result, bound: boundOf(result) };
  } finally {
    await Promise.all([...workers.map((w) => w.stop()), ...publishers.map((p) => p.stop({ type: 'exit' }))]);
    await target.stop();
    await deleteRunKeys(options.redisUrl, prefix);
  }
}
