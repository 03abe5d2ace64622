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
function bigTrade(n: number): Outgoing {
  const base = nthEvent(n * 4, 'slow');
  const pad = 'x'.repeat(200);
  const payload = JSON.parse(base.payload) as { data: Record<string, unknown> };
  payload.data.id = `paper-${n}-${pad}`;
  payload.data.request_id = `req-${n}-${pad}`;
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

  it('skips a client that stops reading; once it reads again it is back at the server state within about a second', async () => {
    const fast = new ProjectionClient({ url: h.ws, channels: ['trade.results'], WebSocket });
    const slow = new ProjectionClient({ url: h.ws, channels: ['trade.results'], WebSocket: CapturingWebSocket });
    await Promise.all([fast.whenLive(), slow.whenLive()]);
    const slowSocket = opened.at(-1);
    if (slowSocket === undefined) throw new Error('no socket captured');
    slowSocket.pause();

    const total = 6000;
    for (let start = 0; start < total; start += 500) {
      await h.publish(Array.from({ length: 500 }, (_, i) => bigTrade(start + i)));
    }
    await eventually(() => h.server.projector.counters.applied >= total, 20_000, 'all events applied');
    const versions = await flushed(h);
    const target = versions['trade.results'];
    await eventually(() => fast.version('trade.results') === target, 20_000, 'fast client caught up');
    expect(slow.version('trade.results')).toBeLessThan(target as number);

    // The channel is quiet from here on: only the heartbeat can tell the slow client what it missed.
    const resumedAt = Date.now();
    slowSocket.resume();
    await eventually(() => slow.version('trade.results') === target && slow.status === 'live', 5_000, 'slow client caught up');
    const caughtUpMs = Date.now() - resumedAt;
    expect(slow.state('trade.results')).toEqual(fast.state('trade.results'));
    expect(slow.stats.resyncs).toBeGreaterThanOrEqual(1);
    expect(fast.stats.resyncs).toBe(0);
    expect(caughtUpMs).toBeLessThan(3_000);
    expect(await metricValue(h.http, 'pmarb_resyncs_total')).toBeGreaterThanOrEqual(1);
    fast.close();
    slow.close();
  });
});
