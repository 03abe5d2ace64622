import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { collectGarbage } from './inspector';
import { freePort, getJson, getText, waitFor } from './net';

/** The servers a run can measure: ours and the two peers. */
export type TargetName = 'ours' | 'socketio' | 'uws';
export const TARGET_NAMES: readonly TargetName[] = ['ours', 'socketio', 'uws'];

/** Display names for reports. */
export const TARGET_LABELS: Record<TargetName, string> = {
  ours: 'pm-arb server',
  socketio: 'Socket.IO forwarder (peer a)',
  uws: 'raw uWS publish (peer b, ceiling)',
};

/** How to start a target. */
export interface TargetOptions {
  readonly name: TargetName;
  readonly port: number;
  readonly redisUrl: string;
  readonly prefix: string;
  readonly channels: readonly string[];
  readonly flushMs?: number;
  /** Hold our server's tick at `flushMs` (`--latency-budget-ms 0`). */
  readonly fixedTick?: boolean;
  /** Write a V8 CPU profile into this directory when the process exits. */
  readonly cpuProfDir?: string;
  readonly logFile: string;
  /** Our server's entry file when not src/cli.ts (a proposal copy). */
  readonly serverEntry?: string;
  /** Open the Node inspector on this loopback port, so that `collectGarbage` can reach the process. */
  readonly inspectPort?: number;
}

/** A running target server. */
export interface RunningTarget {
  readonly name: TargetName;
  readonly pid: number;
  readonly port: number;
  /** Events the server took from Redis so far, or `undefined` when it does not say. */
  ingested(timeoutMs?: number): Promise<number | undefined>;
  /** Our server only: rejected events and events its seq tracking counted as lost. */
  faults(): Promise<{ rejected: number; seqLost: number } | undefined>;
  /** One look at the server while it runs (one request): what it ingested, and (ours) its flush tick and log lag. */
  sample(timeoutMs?: number): Promise<ServerSample>;
  /** A full garbage collection in the server, when it was started with `inspectPort`: whether it ran. */
  collectGarbage(): Promise<boolean>;
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '..', '..');

/** The sum of every sample of one Prometheus counter (all label sets), or `undefined` when absent. */
export function sumCounter(text: string, name: string): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m?.[1] === name) total = (total ?? 0) + Number(m[3]);
  }
  return total;
}

/** Our server's counters the bench checks: messages taken from Redis, rejected, and missing from seq gaps. */
export const OUR_COUNTERS = { ingested: 'pmarb_events_in_total', rejected: 'pmarb_events_rejected_total', seqLost: 'pmarb_events_lost_total' } as const;
/** Our server's gauges sampled while it runs: its flush tick, and how far ingest is behind the log. */
export const OUR_GAUGES = { tickMs: 'pmarb_flush_tick_ms', logLagS: 'pmarb_log_lag_seconds' } as const;

/** What one look at a running server shows; a field is `undefined` when the server does not say. */
export interface ServerSample {
  /** Events taken from Redis so far. */
  readonly ingested: number | undefined;
  /** Our server's flush tick now (ms; absent in a build without adaptive ticks). */
  readonly tickMs: number | undefined;
  /** Our server's log lag now: age of the last entry applied while entries wait behind it (s; 0 at the head). */
  readonly logLagS: number | undefined;
}

/** Starts a target and resolves once it answers GET /health. */
export async function startTarget(options: TargetOptions): Promise<RunningTarget> {
  // BENCH_NODE_FLAGS (e.g. `--trace-gc`) passes extra Node flags to the server under test, for investigations.
  const extra = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter((f) => f.length > 0);
  const common = [
    '--import',
    'tsx',
    ...extra,
    ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : []),
    ...(options.inspectPort !== undefined ? [`--inspect=127.0.0.1:${options.inspectPort}`] : []),
  ];
  // Our server serves /metrics on its admin listener only.
  const adminPort = options.name === 'ours' ? await freePort() : options.port;
  const args =
    options.name === 'ours'
      ? [
          ...common,
          // BENCH_SERVER_ENTRY runs another build of our server (e.g. a patched copy) for comparisons.
          options.serverEntry ?? process.env.BENCH_SERVER_ENTRY ?? join(ROOT, 'src', 'cli.ts'),
          'server',
          '--host',
          '127.0.0.1',
          '--port',
          String(options.port),
          '--redis',
          options.redisUrl,
          '--channel-prefix',
          options.prefix,
          '--admin-port',
          String(adminPort),
          ...(options.flushMs !== undefined ? ['--flush-ms', String(options.flushMs)] : []),
          ...(options.fixedTick === true ? ['--latency-budget-ms', '0'] : []),
        ]
      : [
          ...common,
          join(__dirname, '..', 'peers', options.name === 'socketio' ? 'socketioForwarder.ts' : 'uwsCeiling.ts'),
          String(options.port),
          options.redisUrl,
          options.prefix,
          options.channels.join(','),
        ];
  mkdirSync(join(options.logFile, '..'), { recursive: true });
  const log = createWriteStream(options.logFile);
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const base = `http://127.0.0.1:${options.port}`;
  const admin = `http://127.0.0.1:${adminPort}`;
  const up = await waitFor(async () => child.exitCode === null && (await getJson(`${base}/health`, 1_000)) !== undefined, 30_000);
  if (!up) {
    child.kill('SIGKILL');
    throw new Error(`${options.name} did not answer ${base}/health within 30 s (see ${options.logFile})`);
  }
  return {
    name: options.name,
    pid: child.pid ?? -1,
    port: options.port,
    async ingested(timeoutMs = 5_000) {
      // A saturated server answers late: keep asking until the deadline rather than report nothing.
      const until = Date.now() + timeoutMs;
      do {
        const left = Math.max(500, until - Date.now());
        if (options.name === 'ours') {
          const text = await getText(`${admin}/metrics`, left);
          if (text !== undefined) return sumCounter(text, OUR_COUNTERS.ingested) ?? 0;
        } else {
          const stats = (await getJson(`${base}/stats`, left)) as { ingested?: number } | undefined;
          if (stats?.ingested !== undefined) return stats.ingested;
        }
      } while (Date.now() < until);
      return undefined;
    },
    async faults() {
      if (options.name !== 'ours') return undefined;
      const text = await getText(`${admin}/metrics`);
      if (text === undefined) return undefined;
      return { rejected: sumCounter(text, OUR_COUNTERS.rejected) ?? 0, seqLost: sumCounter(text, OUR_COUNTERS.seqLost) ?? 0 };
    },
    async sample(timeoutMs = 2_000) {
      if (options.name !== 'ours') {
        const stats = (await getJson(`${base}/stats`, timeoutMs)) as { ingested?: number } | undefined;
        return { ingested: stats?.ingested, tickMs: undefined, logLagS: undefined };
      }
      // Every metric lives on the admin listener (the public port has no /metrics).
      const text = await getText(`${admin}/metrics`, timeoutMs);
      if (text === undefined) return { ingested: undefined, tickMs: undefined, logLagS: undefined };
      return { ingested: sumCounter(text, OUR_COUNTERS.ingested), tickMs: sumCounter(text, OUR_GAUGES.tickMs), logLagS: sumCounter(text, OUR_GAUGES.logLagS) };
    },
    async collectGarbage() {
      return options.inspectPort !== undefined && (await collectGarbage(options.inspectPort));
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // A graceful exit lets Node write a --cpu-prof profile; SIGKILL only if it hangs.
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
