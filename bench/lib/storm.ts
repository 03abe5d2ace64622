import { join } from 'node:path';
import { BenchChild } from './child';
import { mergeHistograms, summarise, type LatencySummary } from './histogram';
import type { ConnectedReport } from './ipc';
import { freePort, sleep, waitFor } from './net';
import { awaitQuietMachine, coreShare, sampleProc } from './procStats';
import { prepareProposal } from './proposal';
import { deleteRunKeys } from './runKeys';
import { quietWaitMs, split } from './scenario';
import { startTarget, type RunningTarget, type TargetName } from './targets';
import { workloadOf } from './workloads';

/** An idle-connection memory measurement, then a late-join storm on top of those idle clients. */
export interface StormOptions {
  readonly target: TargetName;
  /** Clients that connect at the same instant (the storm). */
  readonly stormClients: number;
  /** Idle clients connected first (in batches) for the memory figure; the storm comes on top of them. */
  readonly idleClients: number;
  /** Events published (mixed workload, 1,000/s) before the storm, so snapshots are not empty. */
  readonly populateEvents: number;
  readonly redisUrl: string;
  readonly outDir: string;
  readonly runId: string;
  readonly cpuProf?: boolean;
  /** A proposed server change (bench/proposals/<name>.patch) to run instead of src/ as it is. */
  readonly proposal?: string;
}

/** What a storm run measured. */
export interface StormResult {
  readonly target: TargetName;
  readonly proposal?: string;
  readonly stormClients: number;
  /** From the common start instant until the last storm client held every snapshot (peers: was connected). */
  readonly stormMs: number;
  readonly stormReady: LatencySummary;
  readonly stormFailed: number;
  readonly idleClients: number;
  readonly idleFailed: number;
  readonly rssBeforeMb: number;
  readonly rssIdleMb: number;
  /** (RSS with every idle client − RSS before any) / idle clients. */
  readonly rssPerClientKb: number;
  /** Whether a full garbage collection ran in the server before both RSS samples (through its inspector); absent in results from before it did. */
  readonly rssAfterGc?: boolean;
  /** Server CPU while holding the idle clients (heartbeats, pings), in cores. */
  readonly idleCpu: number;
  readonly clientProcs: number;
  /** Machine CPU in use (cores) just before the run. */
  readonly backgroundCores: number;
}

const MB = 1048576;
/** Idle clients connect this many at a time. */
const IDLE_BATCH = 500;

/** A full garbage collection in the server, then a moment for it to return the memory: whether it ran. */
async function settled(target: RunningTarget): Promise<boolean> {
  const collected = await target.collectGarbage();
  await sleep(500);
  return collected;
}

/** Connects `count` clients over the workers at one shared instant; returns their reports and the instant. */
async function storm(workers: readonly BenchChild[], count: number): Promise<{ reports: ConnectedReport[]; startAt: number }> {
  const startAt = Date.now() + 500;
  split(count, workers.length).forEach((n, i) => workers[i]?.send({ type: 'connect', count: n, full: 0, startAt }));
  const reports = await Promise.all(workers.map((w) => w.next('connected', 180_000)));
  return { reports, startAt };
}

/** Runs the storm and the idle measurement against one target, then tears everything down. */
export async function runStorm(options: StormOptions): Promise<StormResult> {
  const workload = workloadOf('mixed');
  const prefix = `bench-${options.runId}-storm-${options.target}-${Math.random().toString(36).slice(2, 8)}:`;
  const backgroundCores = await awaitQuietMachine(quietWaitMs());
  const port = await freePort();
  const target = await startTarget({
    name: options.target,
    port,
    inspectPort: await freePort(),
    redisUrl: options.redisUrl,
    prefix,
    channels: workload.channels,
    logFile: join(options.outDir, 'logs', `storm-${options.target}.log`),
    cpuProfDir: options.cpuProf ? join(options.outDir, 'prof', `storm-${options.target}`) : undefined,
    serverEntry: options.proposal && options.target === 'ours' ? prepareProposal(options.proposal) : undefined,
  });
  const procs = Math.max(2, Math.ceil((options.idleClients + options.stormClients) / 3_500));
  const publisher = new BenchChild('publisher.ts', [options.redisUrl, prefix, 'mixed', options.runId]);
  const workers = Array.from({ length: procs }, (_, i) => new BenchChild('clientWorker.ts', [options.target, String(port), workload.channels.join(','), String(i), '1']));
  try {
    await publisher.next('ready', 30_000);
    await Promise.all(workers.map((w) => w.next('ready', 30_000)));
    if (options.populateEvents > 0) {
      // 1,000 events/s: the phase lasts populateEvents ms.
      publisher.send({ type: 'publish', rate: 1_000, durationMs: options.populateEvents });
      const done = await publisher.next('published', 120_000);
      await waitFor(async () => ((await target.ingested()) ?? 0) >= done.count, 10_000);
    }
    await sleep(1_000);
    // RSS is taken after a full collection each time: what the server holds, not the garbage it has not collected yet.
    const collectedBefore = await settled(target);
    const before = sampleProc(target.pid);
    // Idle clients first, in batches: the figure is memory held per connected client, not what a burst costs.
    const idleReports: ConnectedReport[] = [];
    for (let left = options.idleClients; left > 0; left -= IDLE_BATCH) {
      idleReports.push(...(await storm(workers, Math.min(IDLE_BATCH, left))).reports);
      await sleep(100);
    }
    await sleep(3_000);
    const collectedIdle = await settled(target);
    const idleFrom = sampleProc(target.pid);
    await sleep(3_000);
    const idleTo = sampleProc(target.pid);
    // Then the late-join storm, on top of the idle clients.
    const first = await storm(workers, options.stormClients);
    const lastReady = Math.max(...first.reports.map((r) => r.lastReadyAt));
    const stormFailed = first.reports.reduce((s, r) => s + r.failed, 0);
    const idleFailed = idleReports.reduce((s, r) => s + r.failed, 0);
    const held = options.idleClients - idleFailed;
    const rssBefore = before?.rssBytes ?? 0;
    const rssIdle = idleFrom?.rssBytes ?? 0;
    return {
      target: options.target,
      proposal: options.proposal,
      stormClients: options.stormClients,
      stormMs: lastReady - first.startAt,
      stormReady: summarise(mergeHistograms(first.reports.map((r) => r.readyHistogram))),
      stormFailed,
      idleClients: held,
      idleFailed,
      rssBeforeMb: Math.round((rssBefore / MB) * 10) / 10,
      rssIdleMb: Math.round((rssIdle / MB) * 10) / 10,
      rssPerClientKb: held > 0 ? Math.round(((rssIdle - rssBefore) / held / 1024) * 100) / 100 : 0,
      rssAfterGc: collectedBefore && collectedIdle,
      idleCpu: idleFrom && idleTo ? coreShare(idleFrom, idleTo) : 0,
      clientProcs: procs,
      backgroundCores,
    };
  } finally {
    await Promise.all([...workers.map((w) => w.stop()), publisher.stop({ type: 'exit' })]);
    await target.stop();
    await deleteRunKeys(options.redisUrl, prefix);
  }
}
