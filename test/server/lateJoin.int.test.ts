import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECTION_CHANNELS } from '../../src/server/channels';
import { redisForTests } from '../support/redis';
import { nthEvent } from './fixtures';
import { eventually, flushed, metricValue, startHarness, type Harness } from './harness';

const redis = await redisForTests();
const skip = 'skip' in redis ? redis.skip : undefined;
const CLIENTS = 1000;

describe.skipIf(skip !== undefined)(`late join${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  let h: Harness;
  const sockets: WebSocket[] = [];
  beforeAll(async () => {
    // A long heartbeat keeps the system projection still while the clients join.
    // Every client comes from 127.0.0.1: no per-address cap here.
    h = await startHarness('url' in redis ? redis.url : '', 'latejoin', { '--heartbeat-ms': '60000', '--max-connections-per-ip': '0' });
  });
  afterAll(async () => {
    for (const s of sockets) s.terminate();
    await h.stop();
  });

  it(`serialises one snapshot per channel when ${CLIENTS} clients join at once, not one per client`, async () => {
    await h.publish(Array.from({ length: 200 }, (_, n) => nthEvent(n, 'latejoin')));
    await eventually(() => h.server.projections.counters.applied >= 200, 10_000, 'events applied');
    await flushed(h);
    const before = new Map<string, number>();
    for (const channel of PROJECTION_CHANNELS) {
      before.set(channel, await metricValue(h.admin, 'pmarb_snapshot_serializations_total', `channel="${channel}"`));
    }
    const sentBefore = await metricValue(h.admin, 'pmarb_snapshots_sent_total');

    let snapshots = 0;
    await Promise.all(
      Array.from(
        { length: CLIENTS },
        () =>
          new Promise<void>((resolve, reject) => {
            const socket = new WebSocket(`${h.ws}?channels=*`);
            sockets.push(socket);
            socket.on('message', (data) => {
              if ((JSON.parse(data.toString()) as { type: string }).type === 'snapshot') snapshots += 1;
            });
            socket.once('open', () => resolve());
            socket.once('error', reject);
          }),
      ),
    );
    await eventually(() => snapshots === CLIENTS * PROJECTION_CHANNELS.length, 20_000, 'every snapshot received');

    expect(await metricValue(h.admin, 'pmarb_snapshots_sent_total')).toBe(sentBefore + CLIENTS * PROJECTION_CHANNELS.length);
    for (const channel of PROJECTION_CHANNELS) {
      const serialised = (await metricValue(h.admin, 'pmarb_snapshot_serializations_total', `channel="${channel}"`)) - (before.get(channel) ?? 0);
      expect(serialised, channel).toBeLessThanOrEqual(1);
    }
    expect(await metricValue(h.admin, 'pmarb_ws_connections')).toBe(CLIENTS);
  });
});
