/** Shared pieces of the chaos tests: a publisher that keeps a ledger, the reference it implies, real server processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, pingRedis } from '../../src/demo/redisProbe';
import { AGENT_CHANNELS, decodeEvent } from '../../src/events';
import * as E from 'fp-ts/Either';
import { createRedisLog, Publisher, type EventLog } from '../../src/eventlog';
import { ProjectionStates } from '../../src/pipeline/projectionStates';
import { adminPortOf, portOf, runCli, type Cli } from '../support/cli';
import { nthEvent, type Outgoing } from '../server/fixtures';

/** What every agent channel shows: its version and state. */
export type Views = Record<string, { version: number; state: unknown }>;

/**
 * Appends a deterministic stream through the log's Publisher, one message at a time (awaited), and
 * keeps the ledger of what it emitted: with one producer on an empty log, the k-th message emitted
 * sits at position k — whatever retries and restarts happened in between.
 */
export class LedgerPublisher {
  readonly ledger: Outgoing[] = [];
  readonly log: EventLog;
  private readonly emitted = new Map<string, number>();
  private readonly publisher: Publisher;

  constructor(url: string, prefix: string) {
    this.log = createRedisLog({ url, prefix });
    this.publisher = new Publisher(this.log, { retryDelayMs: 20, maxRetryDelayMs: 200 });
  }

  /**
   * Emits `count` more messages of run `run`, `perPause` at a time with a short pause between (a stream,
   * not a burst), each awaited before the next; `padding` makes each message that many bytes longer.
   */
  async emit(run: string, count: number, perPause = 50, pauseMs = 5, padding = 0): Promise<void> {
    const start = this.emitted.get(run) ?? 0;
    this.emitted.set(run, start + count);
    for (let i = 0; i < count; i += 1) {
      const message = padded(nthEvent(start + i, run), padding);
      await this.publisher.publish(message.channel, message.payload);
      this.ledger.push(message);
      if ((i + 1) % perPause === 0) await new Promise((r) => setTimeout(r, pauseMs));
    }
  }

  async close(): Promise<void> {
    this.publisher.close();
    await this.log.close();
  }
}

/** `message` with a field of `padding` bytes added to its data (projections ignore it). */
function padded(message: Outgoing, padding: number): Outgoing {
  if (padding === 0) return message;
  const json = JSON.parse(message.payload) as { data: Record<string, unknown> };
  json.data.detail = 'x'.repeat(padding);
  return { channel: message.channel, payload: JSON.stringify(json) };
}

/** What a server must show after the ledger's messages (positions 1, 2, …): states, and versions = position of the last change. */
export function referenceViews(ledger: readonly Outgoing[]): Views {
  const states = new ProjectionStates();
  const versions: Record<string, number> = {};
  ledger.forEach((message, i) => {
    const decoded = decodeEvent(message.channel, message.payload);
    if (E.isLeft(decoded)) throw new Error(`the ledger holds a message the server rejects: ${decoded.left.message}`);
    for (const channel of states.apply(decoded.right).touched) versions[channel] = i + 1;
  });
  const views: Views = {};
  for (const channel of AGENT_CHANNELS) views[channel] = { version: versions[channel] ?? 0, state: states.state(channel) };
  return views;
}

/** A real `pm-arb server` process on a free port. */
export interface ServerProcess {
  readonly cli: Cli;
  readonly port: number;
  readonly http: string;
  /** The admin listener: /metrics, /rejected. */
  readonly admin: string;
  readonly ws: string;
}

/** Starts `pm-arb server` on the log at `url` with `prefix`; checkpoints often, so restarts start from one. */
export async function startServerProcess(url: string, prefix: string, extra: string[] = []): Promise<ServerProcess> {
  const cli = runCli(['server', '--port', '0', '--redis', url, '--channel-prefix', prefix, '--checkpoint-ms', '200', ...extra]);
  const port = await portOf(cli);
  const adminPort = await adminPortOf(cli);
  return { cli, port, http: `http://127.0.0.1:${port}`, admin: `http://127.0.0.1:${adminPort}`, ws: `ws://127.0.0.1:${port}/ws` };
}

/** Every agent channel as the server's /snapshot shows it. */
export async function viewsOf(http: string): Promise<Views> {
  const views: Views = {};
  for (const channel of AGENT_CHANNELS) {
    const body = (await (await fetch(`${http}/snapshot/${channel}`)).json()) as { version: number; state: unknown };
    views[channel] = { version: body.version, state: body.state };
  }
  return views;
}

/** /health as JSON. */
export async function healthOf(http: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${http}/health`)).json()) as Record<string, unknown>;
}

/** Waits until the server's versions are the reference's (it has applied and published everything), then returns its views. */
export async function convergedViews(http: string, reference: Views, timeoutMs = 20_000): Promise<Views> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let views: Views | undefined;
    try {
      views = await viewsOf(http);
    } catch {
      // restarting: not answering yet
    }
    if (views !== undefined && AGENT_CHANNELS.every((c) => views[c]?.version === reference[c]?.version)) return views;
    if (Date.now() > deadline) {
      const got = views === undefined ? 'no answer' : JSON.stringify(Object.fromEntries(AGENT_CHANNELS.map((c) => [c, views[c]?.version])));
      const want = JSON.stringify(Object.fromEntries(AGENT_CHANNELS.map((c) => [c, reference[c]?.version])));
      throw new Error(`server at ${http} did not converge: versions ${got}, expected ${want}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A `redis-server` of the test's own, killable with SIGKILL and restartable on its port with the same options (and data dir). */
export interface KillableRedis {
  readonly url: string;
  start(): Promise<void>;
  kill(): Promise<void>;
}

/** A private Redis on a free port; `persistent` keeps an AOF fsynced on every write in a fresh directory. */
export async function killableRedis(persistent: boolean): Promise<KillableRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pm-arb-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--maxmemory-policy', 'noeviction'];
  args.push(...(persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
  let child: ChildProcess | undefined;
  const redis: KillableRedis = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn('redis-server', args, { stdio: 'ignore' });
      for (let i = 0; !(await pingRedis('127.0.0.1', port)); i += 1) {
        if (i > 200) throw new Error('redis-server did not start');
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async kill() {
      const running = child;
      if (running === undefined || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
  };
  await redis.start();
  return redis;
}
