import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisForTests } from '../support/redis';
import { nthEvent, type Outgoing } from './fixtures';
import { eventually, getJson, metricValue, rawClient, startHarness, type Harness, type RawClient } from './harness';

const redis = await redisForTests();
const skip = 'skip' in redis ? redis.skip : undefined;

const FLUSH_MS = 20;
const BUDGET_MS = 200;

/** A trade with long ids (within the 256 characters an id may have): about 800 bytes, so that sockets that stop reading fall behind fast. */
function bigTrade(n: number, run: string): Outgoing {
  const base = nthEvent(n * 4, run);
  const pad = 'x'.repeat(200);
  const payload = JSON.parse(base.payload) as { data: Record<string, unknown> };
  payload.data.id = `paper-${run}-${n}-${pad}`;
  payload.data.request_id = `req-${run}-${n}-${pad}`;
  return { channel: base.channel, payload: JSON.stringify(payload) };
}

/** Arrival times of the heartbeats a client received from `since` on. */
function heartbeatGaps(arrivals: readonly number[]): number[] {
  return arrivals.slice(1).map((t, i) => t - (arrivals[i] as number));
}

async function systemTick(h: Harness): Promise<number> {
  return ((await getJson(`${h.http}/snapshot/system`)).body as { state: { flush_tick_ms: number } }).state.flush_tick_ms;
}

describe.skipIf(skip !== undefined)(`adaptive flush tick${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  let h: Harness;
  let watcher: RawClient;
  const heartbeats: number[] = [];
  beforeAll(async () => {
    h = await startHarness('url' in redis ? redis.url : '', 'flushtick', { '--flush-ms': String(FLUSH_MS), '--latency-budget-ms': String(BUDGET_MS) });
    watcher = await rawClient(`${h.ws}?channels=trade.results`);
    watcher.socket.on('message', (data) => {
      if (data.toString().startsWith('{"type":"heartbeat"')) heartbeats.push(Date.now());
    });
  });
  afterAll(async () => {
    watcher.socket.close();
    await h.stop();
  });

  it('given a quiet server, then the tick is --flush-ms (gauge and system) and heartbeats come about once a second', async () => {
    // Start-up (JIT, connecting) may strain the loop for a moment: the tick comes back by itself.
    let tick = NaN;
    for (let i = 0; i < 150 && tick !== FLUSH_MS; i += 1) {
      tick = await metricValue(h.admin, 'pmarb_flush_tick_ms');
      if (tick !== FLUSH_MS) await new Promise((r) => setTimeout(r, 100));
    }
    const from = heartbeats.length;
    for (let i = 0; i < 15; i += 1) {
      await h.publish(Array.from({ length: 5 }, (_, j) => nthEvent(i * 5 + j, 'quiet')));
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await metricValue(h.admin, 'pmarb_flush_tick_ms')).toBe(FLUSH_MS);
    await eventually(() => heartbeats.length >= from + 4, 3_000, 'a heartbeat after the reading');
    expect(await systemTick(h)).toBe(FLUSH_MS);
    const gaps = heartbeatGaps(heartbeats.slice(from));
    expect(gaps.length).toBeGreaterThanOrEqual(1);
    for (const gap of gaps) expect(gap).toBeGreaterThan(700);
    for (const gap of gaps) expect(gap).toBeLessThan(1_500);
  });

  it('given clients that stop reading while trades pour in, then the tick lengthens, never past half the budget, and heartbeats keep their pace', async () => {
    const paused = await Promise.all([0, 1, 2].map(() => rawClient(`${h.ws}?channels=trade.results`)));
    await eventually(() => paused.every((c) => c.of('snapshot').length === 1), 5_000, 'snapshots');
    for (const c of paused) c.socket.pause();
    let n = 0;
    const gauge: number[] = [];
    const shown: number[] = [];
    const from = heartbeats.length;
    const deadline = Date.now() + 15_000;
    // Until the gauge has read long ticks a few times and `system` (refreshed each second) has shown one.
    while (Date.now() < deadline && !(gauge.filter((t) => t > FLUSH_MS).length >= 10 && shown.some((t) => t > FLUSH_MS))) {
      await h.publish(Array.from({ length: 500 }, () => bigTrade(n++, 'flood')));
      gauge.push(await metricValue(h.admin, 'pmarb_flush_tick_ms'));
      shown.push(await systemTick(h));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(Math.max(...gauge)).toBeGreaterThan(FLUSH_MS);
    expect(Math.max(...shown)).toBeGreaterThan(FLUSH_MS);
    expect(Math.max(...gauge, ...shown)).toBeLessThanOrEqual(BUDGET_MS / 2);
    // The loop can end within a second or two: wait for two heartbeats from its start, so there is a gap to judge.
    await eventually(() => heartbeats.length >= from + 2, 5_000, 'two heartbeats since the flood began');
    const gaps = heartbeatGaps(heartbeats.slice(from));
    expect(gaps.length).toBeGreaterThanOrEqual(1);
    for (const gap of gaps) expect(gap).toBeLessThan(1_000 + BUDGET_MS);
    for (const c of paused) c.socket.terminate();
  }, 30_000);
});
