import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { ProjectionClient } from '../../src/client';
import { hasRedisServer } from '../../src/demo/redisProbe';
import { AGENT_CHANNELS } from '../../src/events';
import { metricValue } from '../server/harness';
import { uniquePrefix } from '../support/redis';
import { TcpProxy } from '../support/tcpProxy';
import {
  convergedViews,
  healthOf,
  killableRedis,
  LedgerPublisher,
  referenceViews,
  startServerProcess,
  viewsOf,
  type KillableRedis,
  type ServerProcess,
  type Views,
} from './support';
import Redis from 'ioredis';

if (process.env.REQUIRE_REDIS === '1' && !hasRedisServer()) throw new Error('REQUIRE_REDIS=1 but redis-server is not installed');
const skip = hasRedisServer() ? undefined : 'redis-server is not installed: these tests kill and restart Redis processes of their own';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function redisFor(persistent: boolean): Promise<KillableRedis> {
  const redis = await killableRedis(persistent);
  cleanups.push(() => redis.kill());
  return redis;
}

async function server(url: string, prefix: string, extra: string[] = []): Promise<ServerProcess> {
  const s = await startServerProcess(url, prefix, extra);
  cleanups.push(() => {
    if (s.cli.child.exitCode === null) s.cli.child.kill('SIGKILL');
  });
  return s;
}

async function killServer(s: ServerProcess): Promise<void> {
  s.cli.child.kill('SIGKILL');
  await s.cli.exited;
}

/** What a client holds of every agent channel, once its versions are the reference's (or after 5 s). */
async function clientViews(client: ProjectionClient, reference: Views): Promise<Views> {
  for (let i = 0; i < 200 && !AGENT_CHANNELS.every((c) => client.version(c) === reference[c]?.version); i += 1) await sleep(25);
  return Object.fromEntries(AGENT_CHANNELS.map((c) => [c, { version: client.version(c) ?? -1, state: client.state(c) }]));
}

function publisher(url: string, prefix: string): LedgerPublisher {
  const p = new LedgerPublisher(url, prefix);
  cleanups.push(() => p.close());
  return p;
}

describe.skipIf(skip !== undefined)(`chaos: every instance ends deep-equal to the publisher's ledger${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  it('given a server killed with SIGKILL mid-stream, when it starts again, then it loads its checkpoint, replays the rest and shows the ledger exactly', async () => {
    const redis = await redisFor(false);
    const prefix = uniquePrefix('chaos-kill');
    const pub = publisher(redis.url, prefix);
    const first = await server(redis.url, prefix);
    await pub.emit('a', 500);
    await sleep(500); // a checkpoint or two
    await killServer(first);
    await pub.emit('a', 300); // while it is down
    const second = await server(redis.url, prefix);
    await pub.emit('a', 300); // while it replays
    const reference = referenceViews(pub.ledger);
    expect(await convergedViews(second.http, reference)).toEqual(reference);
    // Our publisher appends through the log's script: the server's bridge heard every event and appended none.
    expect(await metricValue(second.admin, 'pmarb_log_bridged_total', 'outcome="appended"')).toBe(0);
    expect(await metricValue(second.admin, 'pmarb_log_bridged_total', 'outcome="skipped"')).toBeGreaterThan(0);
    expect(await metricValue(second.admin, 'pmarb_log_rebuilds_total')).toBe(0);
    const replayed = await metricValue(second.admin, 'pmarb_log_replayed_events');
    expect(replayed).toBeGreaterThan(0);
    expect(replayed).toBeLessThan(pub.ledger.length);
    expect(await healthOf(second.http)).toMatchObject({ status: 'healthy', log: 'live' });
  }, 60_000);

  it('given a server stalled until Redis drops its pub/sub connection, when it runs again, then it catches up from the log and loses nothing', async () => {
    const redis = await redisFor(false);
    const admin = new Redis(redis.url);
    cleanups.push(() => admin.disconnect());
    await admin.config('SET', 'client-output-buffer-limit', 'pubsub 32kb 16kb 1');
    const prefix = uniquePrefix('chaos-stall');
    const pub = publisher(redis.url, prefix);
    const s = await server(redis.url, prefix);
    await pub.emit('b', 200);
    const subscriberId = async () => /id=(\d+) [^\n]*name=pm-arb-sub/.exec(String(await admin.client('LIST')))?.[1];
    const before = await subscriberId();
    expect(before).toBeDefined();
    s.cli.child.kill('SIGSTOP');
    // Several MB while it is stopped: more than the kernel's socket buffers take, so Redis's own output buffer fills.
    await pub.emit('b', 8000, 200, 0, 800);
    await sleep(1_500);
    s.cli.child.kill('SIGCONT');
    const reference = referenceViews(pub.ledger);
    expect(await convergedViews(s.http, reference)).toEqual(reference);
    // Redis did drop the pub/sub connection: the one the server has now is another.
    let after = await subscriberId();
    for (let i = 0; i < 100 && (after === undefined || after === before); i += 1) {
      await sleep(50);
      after = await subscriberId();
    }
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
  }, 60_000);

  it('given a server started after the stream ended, then it rebuilds every projection from the log', async () => {
    const redis = await redisFor(false);
    const prefix = uniquePrefix('chaos-late');
    const pub = publisher(redis.url, prefix);
    await pub.emit('c', 1000, 1000, 0);
    const s = await server(redis.url, prefix);
    const reference = referenceViews(pub.ledger);
    expect(await convergedViews(s.http, reference)).toEqual(reference);
    expect(await metricValue(s.admin, 'pmarb_log_rebuilds_total', 'reason="no_checkpoint"')).toBe(1);
  }, 60_000);

  it('given two instances, when a client moves from one to the other, then it resumes without a snapshot and all three agree with the ledger', async () => {
    const redis = await redisFor(false);
    const prefix = uniquePrefix('chaos-two');
    const pub = publisher(redis.url, prefix);
    const a = await server(redis.url, prefix);
    const b = await server(redis.url, prefix);
    await pub.emit('d', 400);
    const proxy = new TcpProxy(a.port);
    await proxy.start();
    cleanups.push(() => proxy.stop());
    let reference = referenceViews(pub.ledger);
    await Promise.all([convergedViews(a.http, reference), convergedViews(b.http, reference)]);
    const client = new ProjectionClient({ url: `ws://127.0.0.1:${proxy.port}/ws`, channels: [...AGENT_CHANNELS], WebSocket });
    cleanups.push(() => client.close());
    await client.whenLive();
    const snapshots = client.stats.snapshots;
    proxy.retarget(b.port);
    proxy.drop();
    await pub.emit('d', 400);
    reference = referenceViews(pub.ledger);
    const [viewsA, viewsB] = await Promise.all([convergedViews(a.http, reference), convergedViews(b.http, reference)]);
    expect(viewsA).toEqual(reference);
    expect(viewsB).toEqual(reference);
    expect(await clientViews(client, reference)).toEqual(reference);
    expect(client.stats.resumes).toBe(AGENT_CHANNELS.length);
    expect(client.stats.snapshots).toBe(snapshots);
    expect(client.stats.reconnects).toBe(1);
  }, 60_000);

  it('given Redis killed with SIGKILL mid-stream and restarted from its AOF (appendfsync always), then nothing is lost or doubled and the epoch stays', async () => {
    const redis = await redisFor(true);
    const prefix = uniquePrefix('chaos-aof');
    const pub = publisher(redis.url, prefix);
    const s = await server(redis.url, prefix);
    await pub.emit('e', 200);
    const epoch = (await healthOf(s.http)).epoch;
    const emitting = pub.emit('e', 600, 20, 2);
    await sleep(150);
    await redis.kill();
    await sleep(300);
    await redis.start();
    await emitting;
    const reference = referenceViews(pub.ledger);
    expect(await convergedViews(s.http, reference, 30_000)).toEqual(reference);
    expect(await healthOf(s.http)).toMatchObject({ epoch, log: 'live' });
  }, 60_000);

  it('given Redis restarted without persistence, then the log has a new epoch: the server starts over from it and clients take snapshots instead of resuming into the wrong log', async () => {
    const redis = await redisFor(false);
    const prefix = uniquePrefix('chaos-epoch');
    const before = publisher(redis.url, prefix);
    const s = await server(redis.url, prefix);
    await before.emit('f', 300);
    await convergedViews(s.http, referenceViews(before.ledger));
    const oldEpoch = (await healthOf(s.http)).epoch;
    const client = new ProjectionClient({ url: s.ws, channels: [...AGENT_CHANNELS], WebSocket });
    cleanups.push(() => client.close());
    await client.whenLive();
    const snapshots = client.stats.snapshots;
    await redis.kill();
    await redis.start();
    const after = publisher(redis.url, prefix);
    await after.emit('g', 260);
    const reference = referenceViews(after.ledger);
    let health = await healthOf(s.http).catch(() => ({}) as Record<string, unknown>);
    for (let i = 0; i < 400 && (health.epoch === oldEpoch || health.log !== 'live'); i += 1) {
      await sleep(25);
      health = await healthOf(s.http).catch(() => ({}) as Record<string, unknown>);
    }
    expect(health.epoch).not.toBe(oldEpoch);
    expect(await convergedViews(s.http, reference, 30_000)).toEqual(reference);
    expect(await metricValue(s.admin, 'pmarb_log_epoch_changes_total')).toBe(1);
    expect(await healthOf(s.http)).toMatchObject({ status: 'healthy', log: 'live' });
    expect(await clientViews(client, reference)).toEqual(reference);
    expect(client.stats.resumes).toBe(0);
    expect(client.stats.snapshots).toBeGreaterThanOrEqual(snapshots + AGENT_CHANNELS.length);
    expect(await viewsOf(s.http)).toEqual(reference);
  }, 60_000);
});
