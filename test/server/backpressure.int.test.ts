import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectionClient } from '../../src/client';
import { redisForTests } from '../support/redis';
import { nthEvent, type Outgoing } from './fixtures';
import { eventually, flushed, metricValue, startHarness, type Harness } from './harness';

const redis = await redisForTests();
const skip = 'skip' in redis ? redis.skip : undefined;

/** A `ws` class that remembers its instances, so a test can stop one from reading. */
const opened: WebSocket[] = [];
class CapturingWebSocket extends WebSocket {
  constructor(url: string) {
    super(url);
    opened.push(this);
  }
}

/** A trade with long ids: about 1 KB per delta, so a paused reader falls behind fast. */
function bigTrade(n: number, run: string): Outgoing {
  const base = nthEvent(n * 4, run);
  const pad = 'x'.repeat(200);
  const payload = JSON.parse(base.payload) as { data: Record<string, unknown> };
  payload.data.id = `paper-${run}-${n}-${pad}`;
  payload.data.request_id = `req-${run}-${n}-${pad}`;
  return { channel: base.channel, payload: JSON.stringify(payload) };
}

describe.skipIf(skip !== undefined)(`backpressure${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('url' in redis ? redis.url : '', 'backpressure', { '--max-backpressure': '65536', '--flush-ms': '0' });
  });
  afterAll(async () => {
    await h.stop();
  });

  /** A fast and a slow client on trade.results; the slow one stops reading while 6,000 big trades go out. */
  async function floodWithSlowReader(run: string) {
    const fast = new ProjectionClient({ url: h.ws, channels: ['trade.results'], WebSocket });
    const slow = new ProjectionClient({ url: h.ws, channels: ['trade.results'], WebSocket: CapturingWebSocket });
    await Promise.all([fast.whenLive(), slow.whenLive()]);
    const slowSocket = opened.at(-1);
    if (slowSocket === undefined) throw new Error('no socket captured');
    slowSocket.pause();
    const applied = h.server.projector.counters.applied;
    const total = 6000;
    for (let start = 0; start < total; start += 500) {
      await h.publish(Array.from({ length: 500 }, (_, i) => bigTrade(start + i, run)));
    }
    await eventually(() => h.server.projector.counters.applied >= applied + total, 20_000, 'all events applied');
    const target = (await flushed(h))['trade.results'] as number;
    await eventually(() => fast.version('trade.results') === target, 20_000, 'fast client caught up');
    expect(slow.version('trade.results')).toBeLessThan(target);
    return { fast, slow, slowSocket, target };
  }

  it('skips a client that stops reading; once it reads again it is back at the server state within about a second', async () => {
    const { fast, slow, slowSocket, target } = await floodWithSlowReader('quiet');
    // The channel is quiet from here on: only the heartbeat can tell the slow client what it missed.
    const resumedAt = Date.now();
    slowSocket.resume();
    await eventually(() => slow.version('trade.results') === target && slow.status === 'live', 5_000, 'slow client caught up');
    const caughtUpMs = Date.now() - resumedAt;
    expect(slow.state('trade.results')).toEqual(fast.state('trade.results'));
    expect(slow.stats.resyncs).toBeGreaterThanOrEqual(1);
    expect(fast.stats.resyncs).toBe(0);
    expect(caughtUpMs).toBeLessThan(3_000);
    fast.close();
    slow.close();
  });

  it('sends a snapshot that backpressure dropped again once the socket drains', async () => {
    const { fast, slow, slowSocket, target } = await floodWithSlowReader('resend');
    const resyncsBefore = await metricValue(h.http, 'pmarb_resyncs_total');
    const resendsBefore = await metricValue(h.http, 'pmarb_snapshot_resends_total');
    // Asked while the socket is still backed up: the snapshot cannot be queued.
    slowSocket.send(JSON.stringify({ type: 'resync', channel: 'trade.results' }));
    for (let i = 0; i < 200 && (await metricValue(h.http, 'pmarb_resyncs_total')) === resyncsBefore; i += 1) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await metricValue(h.http, 'pmarb_resyncs_total')).toBe(resyncsBefore + 1);
    slowSocket.resume();
    await eventually(() => slow.version('trade.results') === target && slow.status === 'live', 5_000, 'slow client caught up');
    expect(slow.state('trade.results')).toEqual(fast.state('trade.results'));
    expect(await metricValue(h.http, 'pmarb_snapshot_resends_total')).toBeGreaterThan(resendsBefore);
    fast.close();
    slow.close();
  });
});
