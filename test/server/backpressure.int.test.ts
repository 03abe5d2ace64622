import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisForTests } from '../support/redis';
import { eventually, metricValue, startHarness, type Harness } from './harness';
import { floodWithSlowReader, overLimit } from './slowReader';

const redis = await redisForTests();
const skip = 'skip' in redis ? redis.skip : undefined;

describe.skipIf(skip !== undefined)(`backpressure${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('url' in redis ? redis.url : '', 'backpressure', { '--max-backpressure': '65536', '--flush-ms': '0' });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('skips a client that stops reading; once it reads again it is back at the server state within about a second', async () => {
    const { fast, slow, slowSocket, target } = await floodWithSlowReader(h, 'quiet');
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
    const flood = await floodWithSlowReader(h, 'resend');
    const { fast, slow, slowSocket } = flood;
    let target = flood.target;
    const resendsBefore = await metricValue(h.admin, 'pmarb_snapshot_resends_total');
    // Asked while the socket is backed up, the snapshot cannot be queued. The kernel takes some of the
    // server's buffer now and then (its socket buffers grow), so each ask comes right after the server
    // found the socket over its limit, with more trades sent until it does. Should the kernel still
    // make room in between, the snapshot is queued (counted as sent), and the next ask tries again.
    for (let attempt = 1; ; attempt += 1) {
      // At most one snapshot per channel per second: each ask comes a second after the last snapshot, so it is answered at once.
      await new Promise((r) => setTimeout(r, 1_100));
      while (!(await overLimit(h, slowSocket))) target = await flood.more();
      const resyncs = await metricValue(h.admin, 'pmarb_resyncs_total');
      const sent = await metricValue(h.admin, 'pmarb_snapshots_sent_total', 'channel="trade.results"');
      slowSocket.send(JSON.stringify({ type: 'resync', channel: 'trade.results' }));
      for (let i = 0; i < 500 && (await metricValue(h.admin, 'pmarb_resyncs_total')) === resyncs; i += 1) {
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(await metricValue(h.admin, 'pmarb_resyncs_total')).toBe(resyncs + 1);
      if ((await metricValue(h.admin, 'pmarb_snapshots_sent_total', 'channel="trade.results"')) === sent) break;
      if (attempt === 5) throw new Error('the paused socket had room for every snapshot asked for');
    }
    slowSocket.resume();
    await eventually(() => slow.version('trade.results') === target && slow.status === 'live', 5_000, 'slow client caught up');
    expect(slow.state('trade.results')).toEqual(fast.state('trade.results'));
    expect(await metricValue(h.admin, 'pmarb_snapshot_resends_total')).toBeGreaterThan(resendsBefore);
    fast.close();
    slow.close();
  });
});
