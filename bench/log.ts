/**
 * The durable log's figures, each on a private redis-server started for the run (no persistence unless
 * said): `npm run bench:log [-- --entries N --burst N --skip-startup]`.
 *
 * 1. Append cost: Redis CPU per event and events/s for the append script (XADD + PUBLISH + dedup,
 *    pipelined) against a bare pipelined PUBLISH of the same messages, one after the other in one run.
 * 2. Memory: Redis `used_memory` per million log entries of the trades workload.
 * 3. Start-up of a `pm-arb server` on a log of N entries: without a checkpoint (replays everything),
 *    then again after it wrote one (replays only what came after).
 * 4. A burst of B events appended as fast as one publisher can, with a server following: the append
 *    rate reached, the time the server needs to reach the head, and whether it applied every event.
 * 5. Reading: the reader's CPU and Redis's per entry, reading the batched appends of 1. back in
 *    batches of 1,000 (what a server behind the head does).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import Redis from 'ioredis';
import { freePort, startRedisServer, type RedisProcess } from '../src/demo/redisProbe';
import { createRedisLog, runKeyOf, type AppendRequest, type EventLog } from '../src/eventlog';
import { numberOption, parseArgs } from './lib/args';
import { runMain, writeRunJson } from './lib/entry';
import { fmt, table } from './lib/format';
import { readToHead } from './lib/readLog';
import { createEventSource, workloadOf, type Outgoing } from './lib/workloads';

const ROOT = path.resolve(__dirname, '..');
const args = parseArgs(process.argv.slice(2));
const ENTRIES = numberOption(args, 'entries', 1_000_000);
const BURST = numberOption(args, 'burst', 600_000);
const COST_EVENTS = numberOption(args, 'cost-events', 200_000);
const BATCH = 1_000;
/** Keys of this run only: a Redis left over from another run never mixes in. */
const RUN = `r${process.pid}-`;
/** Events per append script call when batched (as the bench publisher appends). */
const APPEND_BATCH = 200;

/** Messages of the trades workload, stamped now. */
function messages(count: number, run: string): Outgoing[] {
  const source = createEventSource(workloadOf('trades'), run);
  const ts = new Date().toISOString();
  return Array.from({ length: count }, () => source.next(ts));
}

/** Redis's own CPU seconds so far (user + system), from INFO. */
async function redisCpu(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);
}

function requestOf(m: Outgoing): AppendRequest {
  const key = runKeyOf(m.payload);
  return key === undefined ? { channel: m.channel, message: m.payload } : { channel: m.channel, message: m.payload, run: `${key.agent}:${key.run}`, seq: key.seq };
}

/**
 * Appends `BATCH` messages at a time, waiting for each batch before the next: one script call per
 * message (auto-pipelined), or with `batched` one call per `APPEND_BATCH` messages.
 */
async function appendAll(log: EventLog, list: readonly Outgoing[], batched = true): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < list.length; i += BATCH) {
    const requests = list.slice(i, i + BATCH).map(requestOf);
    if (!batched) await Promise.all(requests.map((r) => log.append(r)));
    else {
      const calls: Promise<unknown>[] = [];
      for (let j = 0; j < requests.length; j += APPEND_BATCH) calls.push(log.appendMany(requests.slice(j, j + APPEND_BATCH)));
      await Promise.all(calls);
    }
  }
  return list.length / ((performance.now() - started) / 1000);
}

async function publishAll(redis: Redis, prefix: string, list: readonly Outgoing[]): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < list.length; i += BATCH) {
    const pipeline = redis.pipeline();
    for (const m of list.slice(i, i + BATCH)) pipeline.publish(prefix + m.channel, m.payload);
    await pipeline.exec();
  }
  return list.length / ((performance.now() - started) / 1000);
}

interface CostResult {
  readonly publishPerSec: number;
  readonly appendPerSec: number;
  readonly batchPerSec: number;
  readonly publishRedisUs: number;
  readonly appendRedisUs: number;
  readonly batchRedisUs: number;
}

async function appendCost(redisProcess: RedisProcess): Promise<CostResult> {
  const redis = new Redis(redisProcess.url);
  // One subscriber, as in production: both PUBLISH and the append script deliver to it.
  const subscriber = new Redis(redisProcess.url);
  await subscriber.subscribe('cost:trade.results', 'cost:risk.state', 'cost:strategy.performance', 'cost:agent.updates');
  const list = messages(COST_EVENTS, 'cost');
  let cpu = await redisCpu(redis);
  const publishPerSec = await publishAll(redis, 'cost:', list);
  const publishCpu = (await redisCpu(redis)) - cpu;
  const single = createRedisLog({ url: redisProcess.url, prefix: 'cost:' });
  cpu = await redisCpu(redis);
  const appendPerSec = await appendAll(single, list, false);
  const appendCpu = (await redisCpu(redis)) - cpu;
  await single.close();
  // A log of its own, so the seq dedup does not refuse the same events.
  const batched = createRedisLog({ url: redisProcess.url, prefix: 'cost2:' });
  cpu = await redisCpu(redis);
  const batchPerSec = await appendAll(batched, list, true);
  const batchCpu = (await redisCpu(redis)) - cpu;
  await batched.close();
  subscriber.disconnect();
  redis.disconnect();
  const perEvent = (seconds: number) => (seconds / list.length) * 1e6;
  return { publishPerSec, appendPerSec, batchPerSec, publishRedisUs: perEvent(publishCpu), appendRedisUs: perEvent(appendCpu), batchRedisUs: perEvent(batchCpu) };
}

/**
 * What reading the log costs the server: this process's CPU and Redis's per entry, reading the
 * `COST_EVENTS` entries the batched appends left (prefix `cost2:`) in batches of `BATCH`, as a
 * follower that is behind reads them (no waiting). The second of two passes is reported.
 */
async function readCost(redisProcess: RedisProcess): Promise<{ entries: number; serverUs: number; redisUs: number }> {
  const redis = new Redis(redisProcess.url);
  const log = createRedisLog({ url: redisProcess.url, prefix: 'cost2:', reads: true });
  let result = { entries: 0, serverUs: 0, redisUs: 0 };
  for (let pass = 0; pass < 2; pass++) {
    const redisBefore = await redisCpu(redis);
    const { entries, cpuUs } = await readToHead(log, BATCH);
    const redisSeconds = (await redisCpu(redis)) - redisBefore;
    result = { entries, serverUs: cpuUs / entries, redisUs: (redisSeconds / entries) * 1e6 };
  }
  await log.close();
  redis.disconnect();
  return result;
}

async function memoryPerMillion(redisProcess: RedisProcess): Promise<{ entries: number; bytesPerMillion: number }> {
  const redis = new Redis(redisProcess.url);
  const before = await usedMemory(redis);
  const log = createRedisLog({ url: redisProcess.url, prefix: `${RUN}mem:` });
  for (let done = 0; done < ENTRIES; done += 100_000) await appendAll(log, messages(Math.min(100_000, ENTRIES - done), `mem${done}`));
  const after = await usedMemory(redis);
  await log.close();
  redis.disconnect();
  return { entries: ENTRIES, bytesPerMillion: ((after - before) / ENTRIES) * 1e6 };
}

/** A `pm-arb server` process on free ports; resolves with its admin listener's port (/health, /metrics) once it printed its banner. */
async function startServer(url: string, prefix: string): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const adminPort = await freePort();
  const args = ['server', '--port', String(port), '--admin-port', String(adminPort), '--redis', url, '--channel-prefix', prefix, '--checkpoint-ms', '1000'];
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    port: adminPort,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(new RegExp(`^${name} ([\\d.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);
}

/** Waits until the server reports `live` at position `pos`; returns the ms it took from `since`. */
async function untilAt(port: number, pos: number, since: number): Promise<number> {
  for (;;) {
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { log: string };
    if (health.log === 'live' && (await metric(port, 'pmarb_log_position')) >= pos) return performance.now() - since;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function startup(redisProcess: RedisProcess): Promise<{ withoutCheckpointMs: number; replayedWithout: number; withCheckpointMs: number; replayedWith: number }> {
  // The log of `mem:` holds ENTRIES entries from the memory step.
  let started = performance.now();
  let server = await startServer(redisProcess.url, `${RUN}mem:`);
  const withoutCheckpointMs = await untilAt(server.port, ENTRIES, started);
  const replayedWithout = await metric(server.port, 'pmarb_log_replayed_events');
  await new Promise((r) => setTimeout(r, 2_500)); // a checkpoint at the head
  await server.stop();
  started = performance.now();
  server = await startServer(redisProcess.url, `${RUN}mem:`);
  const withCheckpointMs = await untilAt(server.port, ENTRIES, started);
  const replayedWith = await metric(server.port, 'pmarb_log_replayed_events');
  await server.stop();
  return { withoutCheckpointMs, replayedWithout, withCheckpointMs, replayedWith };
}

async function burst(redisProcess: RedisProcess): Promise<{ events: number; appendPerSec: number; catchUpMs: number; applied: number }> {
  const server = await startServer(redisProcess.url, `${RUN}burst:`);
  const list = messages(BURST, 'burst');
  const log = createRedisLog({ url: redisProcess.url, prefix: `${RUN}burst:` });
  const started = performance.now();
  const appendPerSec = await appendAll(log, list);
  const appendedAt = performance.now();
  await untilAt(server.port, BURST, started);
  const catchUpMs = performance.now() - appendedAt;
  const applied = await metric(server.port, 'pmarb_log_position');
  await log.close();
  await server.stop();
  return { events: BURST, appendPerSec, catchUpMs, applied };
}

runMain(async () => {
  const redisProcess = await startRedisServer(await freePort());
  try {
    const step = (name: string) => console.error(`${new Date().toISOString()} ${name}`);
    step('append cost');
    const cost = await appendCost(redisProcess);
    step('read cost');
    const read = await readCost(redisProcess);
    step(`memory: appending ${fmt(ENTRIES)} entries`);
    const memory = await memoryPerMillion(redisProcess);
    step('start-up');
    const start = args.has('skip-startup') ? undefined : await startup(redisProcess);
    step(`burst of ${fmt(BURST)}`);
    const burstResult = await burst(redisProcess);
    console.log(
      table(
        ['figure', 'value'],
        [
          ['bare PUBLISH, pipelined', `${fmt(cost.publishPerSec)} events/s, Redis ${cost.publishRedisUs.toFixed(2)} µs CPU/event`],
          ['append script (XADD + PUBLISH + dedup), one call per event, pipelined', `${fmt(cost.appendPerSec)} events/s, Redis ${cost.appendRedisUs.toFixed(2)} µs CPU/event`],
          [`append script, ${APPEND_BATCH} events per call`, `${fmt(cost.batchPerSec)} events/s, Redis ${cost.batchRedisUs.toFixed(2)} µs CPU/event`],
          ['append cost / PUBLISH cost (Redis CPU): one per call, batched', `${(cost.appendRedisUs / cost.publishRedisUs).toFixed(2)}, ${(cost.batchRedisUs / cost.publishRedisUs).toFixed(2)}`],
          [`reading the log, ${fmt(BATCH)} entries per XREAD (${fmt(read.entries)} entries)`, `reader ${read.serverUs.toFixed(2)} µs CPU/entry, Redis ${read.redisUs.toFixed(2)} µs CPU/entry`],
          [`Redis memory per million entries (trades workload, ${fmt(memory.entries)} appended)`, `${(memory.bytesPerMillion / 1024 / 1024).toFixed(0)} MiB`],
          ...(start === undefined
            ? []
            : [
                [`start-up on ${fmt(ENTRIES)} entries, no checkpoint`, `${fmt(start.withoutCheckpointMs)} ms (${fmt(start.replayedWithout)} replayed)`],
                [`start-up on ${fmt(ENTRIES)} entries, from a checkpoint`, `${fmt(start.withCheckpointMs)} ms (${fmt(start.replayedWith)} replayed)`],
              ]),
          [`burst of ${fmt(burstResult.events)} appended by one publisher`, `${fmt(burstResult.appendPerSec)} events/s`],
          ['server reaches the head after the burst', `${fmt(burstResult.catchUpMs)} ms after the last append; ${fmt(burstResult.applied)} of ${fmt(burstResult.events)} applied`],
        ],
      ),
    );
    const file = writeRunJson(path.join(ROOT, 'bench', 'results'), 'log', { cost, read, memory, startup: start, burst: burstResult });
    console.log(`written ${file}`);
  } finally {
    await redisProcess.stop();
  }
});
