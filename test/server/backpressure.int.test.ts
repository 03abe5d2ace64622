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

  /**
   * Whether the server finds `socket` over its backpressure limit: the pong it answers a ping
   * with is then dropped, not queued (a queued pong is counted as a frame out). A resync of a
   * channel the socket does not have comes right after the ping and is counted whatever the
   * backpressure, so it tells when the ping has been handled.
   */
  async function overLimit(socket: WebSocket): Promise<boolean> {
    const pongs = await metricValue(h.admin, 'pmarb_ws_frames_out_total', 'type="pong"');
    const handled = await metricValue(h.admin, 'pmarb_ws_client_errors_total', 'code="not_subscribed"');
    socket.send(JSON.stringify({ type: 'ping' }));
    socket.send(JSON.stringify({ type: 'resync', channel: 'risk.state' }));
    for (let i = 0; (await metricValue(h.admin, 'pmarb_ws_client_errors_total', 'code="not_subscribed"')) === handled; i += 1) {
      if (i === 500) throw new Error('the server did not answer the probe');
      await new Promise((r) => setTimeout(r, 10));
    }
    return (await metricValue(h.admin, 'pmarb_ws_frames_out_total', 'type="pong"')) === pongs;
  }

  /**
   * A fast and a slow client on trade.results; the slow one stops reading while big trades go
   * out, 500 at a time, until the server finds it over its limit (how many that takes depends
   * on the kernel's socket buffers), and then 500 more, which the server must skip for it.
   */
  async function floodWithSlowReader(run: string) {
    const fast = new ProjectionClient({ url: h.ws, channels: ['trade.results'], WebSocket });
    // It hears nothing while paused: that must not make it drop the connection and start over.
    const slow = new ProjectionClient({ url: h.ws, channels: ['trade.results'], WebSocket: CapturingWebSocket, staleAfterMs: 120_000 });
    await Promise.all([fast.whenLive(), slow.whenLive()]);
    const slowSocket = opened.at(-1);
    if (slowSocket === undefined) throw new Error('no socket captured');
    slowSocket.pause();
    const applied = h.server.projections.counters.applied;
    let total = 0;
    const batch = async (): Promise<void> => {
      await h.publish(Array.from({ length: 500 }, (_, i) => bigTrade(total + i, run)));
      total += 500;
    };
    while (!(await overLimit(slowSocket))) {
      if (total >= 30_000) throw new Error(`the paused socket was not over its limit after ${total} trades`);
      await batch();
    }
    await batch();
    await eventually(() => h.server.projections.counters.applied >= applied + total, 20_000, 'all events applied');
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
    const resendsBefore = await metricValue(h.admin, 'pmarb_snapshot_resends_total');
    // Asked while the socket is backed up, the snapshot cannot be queued. The kernel may have taken a
    // little off the server's buffer meanwhile: then the snapshot is queued (counted as sent), fills
    // the buffer up again, and the next ask is dropped.
    for (let attempt = 1; ; attempt += 1) {
      // At most one snapshot per channel per second: each ask comes a second after the last snapshot, so it is answered at once.
      await new Promise((r) => setTimeout(r, 1_100));
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
