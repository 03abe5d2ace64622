import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectionClient } from '../../src/client';
import { redisForTests } from '../support/redis';
import { nthEvent, type Outgoing } from './fixtures';
import { eventually, metricValue, rawClient, startHarness, type Harness } from './harness';
import { floodWithSlowReader, overLimit } from './slowReader';

/**
 * Promises of the README and PROTOCOL.md that no other test would notice broken, checked only
 * through the wire and /metrics: frames in, frames out, counters. Nothing here reads the
 * server's insides, so the tests hold whatever ingest, versions or access control become.
 */
const redis = await redisForTests();
const skip = 'skip' in redis ? redis.skip : undefined;
const redisUrl = 'url' in redis ? redis.url : '';

/** A v1 event from `agent`'s run `run` with the given seq: an allocation change, which always changes agent.updates. */
function allocation(agent: string, run: string, seq: number): Outgoing {
  const payload = {
    v: 1,
    id: `${agent}:${run}:${seq}`,
    agent,
    seq,
    ts: new Date().toISOString(),
    type: 'allocation.updated',
    data: { strategy: 'oracle-sniper', allocation_pct: `0.${seq}`, total_capital: '1000' },
  };
  return { channel: 'agent.updates', payload: JSON.stringify(payload) };
}

describe.skipIf(skip !== undefined)(`server contract, black-box${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  describe('lost events and heartbeats', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(redisUrl, 'contract-heartbeat', { '--heartbeat-ms': '300' });
    });
    afterAll(async () => {
      await h.stop();
    });

    it('given an agent whose seq jumps from 2 to 5, then pmarb_events_lost_total and the system projection count 2 lost events', async () => {
      const before = await metricValue(h.admin, 'pmarb_events_lost_total');
      const client = new ProjectionClient({ url: h.ws, channels: ['system'], WebSocket });
      await client.whenLive();
      await h.publish([allocation('lossy', 'r1', 1), allocation('lossy', 'r1', 2), allocation('lossy', 'r1', 5)]);
      await eventually(() => (client.state('system') as { lost_events: number }).lost_events === before + 2, 5_000, 'system shows them');
      expect(await metricValue(h.admin, 'pmarb_events_lost_total')).toBe(before + 2);
      client.close();
    });

    it('given events flowing, then every heartbeat carries exactly the versions of the deltas before it and of the system figures of its tick', async () => {
      const client = new ProjectionClient({ url: h.ws, channels: ['*'], WebSocket });
      await client.whenLive();
      const mismatches: string[] = [];
      let checked = 0;
      client.on('frame', (frame) => {
        // Emitted before the client handles this frame: what it holds is what came before the heartbeat.
        if (frame.type !== 'heartbeat' || client.status !== 'live') return;
        const system = client.state('system') as { versions: Record<string, number> };
        for (const [channel, version] of Object.entries(frame.versions)) {
          if (client.version(channel) !== version) mismatches.push(`${channel}: heartbeat ${version}, last sent ${client.version(channel)}`);
          if (channel !== 'system' && system.versions[channel] !== version) {
            mismatches.push(`${channel}: heartbeat ${version}, system figures of its tick ${system.versions[channel]}`);
          }
        }
        checked += 1;
      });
      let n = 0;
      const deadline = Date.now() + 2_500;
      while (Date.now() < deadline) {
        await h.publish(Array.from({ length: 5 }, () => nthEvent(n++, 'heartbeat-order')));
        await new Promise((r) => setTimeout(r, 20));
      }
      await eventually(() => checked >= 6, 5_000, 'six heartbeats');
      expect(mismatches).toEqual([]);
      expect(client.stats.resyncs).toBe(0);
      client.close();
    });
  });

  describe('rate limit', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(redisUrl, 'contract-rate', { '--rate-limit': '1', '--rate-burst': '2', '--max-strikes': '3' });
    });
    afterAll(async () => {
      await h.stop();
    });

    it('given a burst of 2 and 3 strikes, when a client sends 10 pings at once, then 2 pongs, 3 rate_limited errors, and a 1008 close', async () => {
      const closes = await metricValue(h.admin, 'pmarb_ws_policy_closes_total');
      const c = await rawClient(h.ws);
      for (let i = 0; i < 10; i += 1) c.send({ type: 'ping' });
      const closed = await c.closed;
      expect(closed.code).toBe(1008);
      expect(c.frames.map((f) => (f.type === 'error' ? f.code : f.type))).toEqual(['pong', 'pong', 'rate_limited', 'rate_limited', 'rate_limited']);
      expect(await metricValue(h.admin, 'pmarb_ws_policy_closes_total')).toBe(closes + 1);
    });
  });

  describe('a slow client that drains', () => {
    const HEARTBEAT_MS = 4_000;
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(redisUrl, 'contract-drain', { '--max-backpressure': '65536', '--flush-ms': '0', '--heartbeat-ms': String(HEARTBEAT_MS) });
    });
    afterAll(async () => {
      await h.stop();
    });

    it('given a client skipped at a heartbeat, when it reads again, then it gets a heartbeat at once, not at the next regular one, and is back in sync', async () => {
      const flood = await floodWithSlowReader(h, 'drain');
      const { fast, slow, slowSocket } = flood;
      let target = flood.target;
      // A heartbeat tick while the slow socket is over its limit: the server notes that it skipped it.
      // The kernel may have taken some of the server's buffer since the flood: then the heartbeat was
      // queued, not skipped, and the drain has nothing to make up; more trades, and the next tick.
      // Over the limit just after the tick, it was over it at the tick (unless it lay within one
      // heartbeat's size below it): a paused socket's buffer grows only by what is queued to it.
      let tickAt: number;
      for (let attempt = 1; ; attempt += 1) {
        const heartbeats = fast.stats.heartbeats;
        await eventually(() => fast.stats.heartbeats > heartbeats, HEARTBEAT_MS * 2, 'a heartbeat');
        tickAt = Date.now();
        if (await overLimit(h, slowSocket)) break;
        if (attempt === 5) throw new Error('the paused socket was under its limit at every tick');
        target = await flood.more();
      }
      let slowHeartbeatAt: number | undefined;
      slow.on('frame', (frame) => {
        if (frame.type === 'heartbeat') slowHeartbeatAt ??= Date.now();
      });
      slowSocket.resume();
      await eventually(() => slowHeartbeatAt !== undefined, HEARTBEAT_MS * 2, 'a heartbeat to the slow client');
      // The next regular heartbeat is HEARTBEAT_MS after the one just seen: one much sooner was sent on drain.
      expect((slowHeartbeatAt as number) - tickAt).toBeLessThan(HEARTBEAT_MS / 2);
      await eventually(() => slow.version('trade.results') === target && slow.status === 'live', HEARTBEAT_MS, 'slow client caught up');
      expect(slow.state('trade.results')).toEqual(fast.state('trade.results'));
      fast.close();
      slow.close();
    }, 90_000);
  });
});
