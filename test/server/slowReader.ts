import WebSocket from 'ws';
import { expect } from 'vitest';
import { ProjectionClient } from '../../src/client';
import { nthEvent, type Outgoing } from './fixtures';
import { eventually, flushed, metricValue, type Harness } from './harness';

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

/**
 * Whether the server finds `socket` over its backpressure limit: the pong it answers a ping
 * with is then dropped, not queued (a queued pong is counted as a frame out). A resync of a
 * channel the socket does not have comes right after the ping and is counted whatever the
 * backpressure, so it tells when the ping has been handled.
 */
export async function overLimit(h: Harness, socket: WebSocket): Promise<boolean> {
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
export async function floodWithSlowReader(h: Harness, run: string) {
  const fast = new ProjectionClient({ url: h.ws, channels: ['trade.results'], WebSocket });
  // It hears nothing while paused: that must not make it drop the connection and start over.
  const slow = new ProjectionClient({ url: h.ws, channels: ['trade.results'], WebSocket: CapturingWebSocket, staleAfterMs: 120_000 });
  await Promise.all([fast.whenLive(), slow.whenLive()]);
  const slowSocket = opened.at(-1);
  if (slowSocket === undefined) throw new Error('no socket captured');
  slowSocket.pause();
  const received = await metricValue(h.admin, 'pmarb_events_in_total', 'channel="trade.results"');
  let total = 0;
  const batch = async (): Promise<void> => {
    await h.publish(Array.from({ length: 500 }, (_, i) => bigTrade(total + i, run)));
    total += 500;
  };
  /** Waits until the server has every trade sent and the fast client holds them: the version they reach. */
  const settled = async (): Promise<number> => {
    for (let i = 0; (await metricValue(h.admin, 'pmarb_events_in_total', 'channel="trade.results"')) < received + total; i += 1) {
      if (i === 2_000) throw new Error('the server did not receive every trade');
      await new Promise((r) => setTimeout(r, 10));
    }
    const target = (await flushed(h))['trade.results'] as number;
    await eventually(() => fast.version('trade.results') === target, 20_000, 'fast client caught up');
    expect(slow.version('trade.results')).toBeLessThan(target);
    return target;
  };
  while (!(await overLimit(h, slowSocket))) {
    if (total >= 30_000) throw new Error(`the paused socket was not over its limit after ${total} trades`);
    await batch();
  }
  await batch();
  const target = await settled();
  /** 500 more trades while the slow socket is still paused: the version the fast client then holds. */
  const more = async (): Promise<number> => {
    await batch();
    return settled();
  };
  return { fast, slow, slowSocket, target, more };
}
