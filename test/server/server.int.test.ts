import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectionClient } from '../../src/client';
import { PROJECTION_CHANNELS } from '../../src/server/channels';
import { redisForTests } from '../support/redis';
import { LEGACY, nthEvent, type Outgoing } from './fixtures';
import { eventually, flushed, getJson, metricValue, rawClient, startHarness, type Harness } from './harness';

const redis = await redisForTests();
const skip = 'skip' in redis ? redis.skip : undefined;

describe.skipIf(skip !== undefined)(`server on a real Redis and real sockets${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  let h: Harness;
  const clients: { close(): void }[] = [];
  const track = <C extends { close(): void }>(c: C): C => {
    clients.push(c);
    return c;
  };
  const projectionClient = (channels: readonly string[]): ProjectionClient =>
    track(new ProjectionClient({ url: h.ws, channels, WebSocket }));

  beforeAll(async () => {
    h = await startHarness('url' in redis ? redis.url : '', 'server', { '--rate-limit': '50', '--rate-burst': '50', '--max-strikes': '5' });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await h.stop();
  });

  it('counts connections on /health', async () => {
    const before = ((await getJson(`${h.http}/health`)).body as { connections: number }).connections;
    const a = await rawClient(h.ws);
    const b = await rawClient(h.ws);
    const health = await getJson(`${h.http}/health`);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'healthy', connections: before + 2 });
    a.socket.close();
    b.socket.close();
    await Promise.all([a.closed, b.closed]);
    const after = await getJson(`${h.http}/health`);
    expect((after.body as { connections: number }).connections).toBe(before);
  });

  it('answers ping with pong', async () => {
    const c = await rawClient(h.ws);
    track({ close: () => c.socket.close() });
    c.send({ type: 'ping' });
    await eventually(() => c.of('pong').length === 1);
    expect(c.frames).toEqual([{ type: 'pong' }]);
  });

  it('answers subscribe with subscribed, then one snapshot per channel; * means every channel', async () => {
    const c = await rawClient(h.ws);
    track({ close: () => c.socket.close() });
    c.send({ type: 'subscribe', channels: ['risk.state', 'trade.results'] });
    await eventually(() => c.of('snapshot').length === 2);
    expect(c.frames[0]).toEqual({ type: 'subscribed', channels: ['risk.state', 'trade.results'], epoch: h.server.log.epoch });
    expect(c.of('snapshot').map((f) => f.channel)).toEqual(['risk.state', 'trade.results']);
    for (const f of c.of('snapshot')) expect(Object.keys(f).sort()).toEqual(['channel', 'state', 'type', 'version']);

    c.send({ type: 'subscribe', channels: ['*'] });
    await eventually(() => c.of('snapshot').length === 2 + PROJECTION_CHANNELS.length);
    expect(c.of('subscribed')[1]).toEqual({ type: 'subscribed', channels: PROJECTION_CHANNELS, epoch: h.server.log.epoch });
  });

  it('subscribes at connect time with ?channels=, no message needed', async () => {
    const c = await rawClient(`${h.ws}?channels=risk.state,system`);
    track({ close: () => c.socket.close() });
    await eventually(() => c.of('snapshot').length === 2);
    expect(c.frames[0]).toEqual({ type: 'subscribed', channels: ['risk.state', 'system'], epoch: h.server.log.epoch });
    expect(c.of('snapshot').map((f) => f.channel)).toEqual(['risk.state', 'system']);
    const all = await rawClient(`${h.ws}?channels=*`);
    track({ close: () => all.socket.close() });
    await eventually(() => all.of('snapshot').length === PROJECTION_CHANNELS.length);
  });

  it('turns events published on Redis into deltas carrying ts and ts_first', async () => {
    const c = await rawClient(`${h.ws}?channels=trade.results`);
    track({ close: () => c.socket.close() });
    await eventually(() => c.of('snapshot').length === 1);
    const snapshot = c.of('snapshot')[0] as { version: number };
    const run = 'deltas';
    const applied = h.server.projections.counters.applied;
    await h.publish([0, 4, 8].map((n) => nthEvent(n, run)));
    await eventually(() => h.server.projections.counters.applied >= applied + 3 && !h.server.hasPending, 5_000, 'events applied and flushed');
    const target = h.server.versions()['trade.results'] ?? 0;
    expect(target).toBeGreaterThan(snapshot.version);
    await eventually(() => c.of('delta').at(-1)?.to === target, 5_000, 'client at the published version');
    const deltas = c.of('delta');
    expect(deltas[0]?.from).toBe(snapshot.version);
    for (const d of deltas) {
      expect(Object.keys(d).sort()).toEqual(['channel', 'from', 'ops', 'to', 'ts', 'ts_first', 'type']);
      expect(d.channel).toBe('trade.results');
      expect(Number.isNaN(Date.parse(d.ts as string))).toBe(false);
      expect(Date.parse(d.ts_first as string)).toBeLessThanOrEqual(Date.parse(d.ts as string));
      expect((d.ops as unknown[]).length).toBeGreaterThan(0);
    }
    for (let i = 1; i < deltas.length; i += 1) expect(deltas[i]?.from).toBe(deltas[i - 1]?.to);
    expect(await metricValue(h.admin, 'pmarb_events_in_total', 'channel="trade.results"')).toBeGreaterThanOrEqual(3);
  });

  it('shows the original agents\' legacy messages in the snapshots', async () => {
    const applied = h.server.projections.counters.applied;
    await h.publish(LEGACY);
    await eventually(() => h.server.projections.counters.applied >= applied + 3, 5_000, 'legacy events applied');
    await flushed(h);
    const c = await rawClient(`${h.ws}?channels=agent.updates,risk.state,trade.results`);
    track({ close: () => c.socket.close() });
    await eventually(() => c.of('snapshot').length === 3);
    const state = (channel: string): unknown => c.of('snapshot').find((f) => f.channel === channel)?.state;
    expect(JSON.stringify(state('agent.updates'))).toContain('oracle-sniper');
    expect(state('risk.state')).toMatchObject({ current_value: '1100', high_water_mark: '1100' });
    expect(JSON.stringify(state('trade.results'))).toContain('paper-1a2b3c4d');
  });

  it('gives a late joiner, after 1,000 events, the state an early client built from snapshot + deltas', async () => {
    const early = projectionClient(['*']);
    await early.whenLive();
    const events: Outgoing[] = Array.from({ length: 1000 }, (_, n) => nthEvent(n, 'late-join'));
    const applied = h.server.projections.counters.applied;
    await h.publish(events);
    await eventually(() => h.server.projections.counters.applied >= applied + 1000, 10_000, '1,000 events applied');
    // What the server has published once it flushed them all: nothing changes after this.
    const target = await flushed(h);
    const late = projectionClient(['*']);
    await late.whenLive();
    const channels = PROJECTION_CHANNELS.filter((ch) => ch !== 'system');
    await eventually(
      () => channels.every((ch) => early.version(ch) === target[ch] && late.version(ch) === target[ch]),
      5_000,
      'both clients at the published versions',
    );
    for (const channel of channels) {
      expect(late.state(channel)).toEqual(early.state(channel));
      const http = (await getJson(`${h.http}/snapshot/${channel}`)).body as { version: number; state: unknown };
      expect(http.version).toBe(target[channel]);
      expect(early.state(channel)).toEqual(http.state);
    }
    expect(early.stats.deltas).toBeGreaterThan(0);
    expect(early.stats.resyncs).toBe(0);
    expect(late.stats.resyncs).toBe(0);
  });

  it('keeps late joiners and early clients equal under steady load, without resync loops', async () => {
    const early = projectionClient(['*']);
    await early.whenLive();
    const joiners: ProjectionClient[] = [];
    let n = 0;
    // Rounds of 20 events 20 ms apart, a new client every 200 events: a count, not a time, so a slow machine gets them all.
    while (joiners.length < 5) {
      await h.publish(Array.from({ length: 20 }, () => nthEvent(n++, 'steady')));
      if (n % 200 === 0) joiners.push(projectionClient(['*']));
      await new Promise((r) => setTimeout(r, 20));
    }
    const target = n;
    await eventually(
      () => [early, ...joiners].every((c) => c.status === 'live') && h.server.projections.counters.applied >= target && !h.server.hasPending,
      10_000,
      'everyone live, every event applied and flushed',
    );
    const versions = (): Record<string, number> => {
      const out = h.server.versions();
      delete out.system;
      return out;
    };
    await eventually(
      () => [early, ...joiners].every((c) => Object.entries(versions()).every(([ch, v]) => c.version(ch) === v)),
      5_000,
      `all clients at the server's versions after ${target} events`,
    );
    for (const j of joiners) {
      for (const ch of Object.keys(versions())) expect(j.state(ch)).toEqual(early.state(ch));
      expect(j.stats.resyncs).toBe(0);
    }
    expect(early.stats.resyncs).toBe(0);
  });

  it('answers bad frames with error codes and keeps serving others', async () => {
    const bad = await rawClient(h.ws);
    const good = await rawClient(h.ws);
    track({ close: () => bad.socket.close() });
    track({ close: () => good.socket.close() });
    bad.send({ type: 'subscribe', channels: ['risk.state', 'no.such.channel'] });
    bad.send('this is not json');
    bad.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    bad.send({ type: 'subscribe', channels: 'risk.state' });
    bad.send({ type: 'resync', channel: 'trade.results' });
    bad.send([1, 2]);
    await eventually(() => bad.of('error').length === 6);
    const errors = bad.of('error');
    expect(errors.map((e) => e.code)).toEqual(['unknown_channel', 'bad_request', 'bad_request', 'bad_request', 'not_subscribed', 'bad_request']);
    expect(errors[0]).toMatchObject({ channel: 'no.such.channel' });
    expect(errors[3]?.message).toContain('channels');
    expect(bad.of('subscribed')[0]).toEqual({ type: 'subscribed', channels: ['risk.state'], epoch: h.server.log.epoch });
    good.send({ type: 'ping' });
    await eventually(() => good.of('pong').length === 1);
  });

  it('closes a client that keeps sending bad frames with 1008', async () => {
    const c = await rawClient(h.ws);
    for (let i = 0; i < 5; i += 1) c.send('garbage');
    const closed = await c.closed;
    expect(closed.code).toBe(1008);
    expect(await metricValue(h.admin, 'pmarb_ws_policy_closes_total')).toBeGreaterThanOrEqual(1);
  });

  it('rate-limits a chatty client', async () => {
    const c = await rawClient(h.ws);
    track({ close: () => c.socket.close() });
    for (let i = 0; i < 60; i += 1) c.send({ type: 'ping' });
    await eventually(() => c.of('error').length > 0 || c.of('pong').length === 60);
    expect(c.of('error')[0]).toMatchObject({ type: 'error', code: 'rate_limited' });
  });

  it('answers 404 to a /snapshot path with malformed escapes, and goes on serving', async () => {
    for (const bad of ['%', '%E0%A4%A', '%zz', 'risk.state%']) {
      const response = await fetch(`${h.http}/snapshot/${bad}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: 'unknown_channel' });
    }
    expect((await getJson(`${h.http}/health`)).status).toBe(200);
    expect((await getJson(`${h.http}/snapshot/risk.state`)).status).toBe(200);
  });

  it('serves /snapshot, /rejected and /metrics', async () => {
    expect((await fetch(`${h.http}/snapshot/nope`)).status).toBe(404);
    await h.publish([{ channel: 'risk.state', payload: '{"v":1,' }]);
    let rejected = (await getJson(`${h.admin}/rejected`)).body as { totals: Record<string, number>; recent: { reason: string; sample: string }[] };
    for (let i = 0; i < 100 && rejected.totals.not_json === undefined; i += 1) {
      await new Promise((r) => setTimeout(r, 20));
      rejected = (await getJson(`${h.admin}/rejected`)).body as typeof rejected;
    }
    expect(rejected.totals.not_json).toBeGreaterThanOrEqual(1);
    expect(rejected.recent[0]).toMatchObject({ reason: 'not_json', sample: '{"v":1,', channel: 'risk.state' });
    expect(await metricValue(h.admin, 'pmarb_events_rejected_total', 'reason="not_json"')).toBeGreaterThanOrEqual(1);
    expect(await metricValue(h.admin, 'pmarb_snapshots_sent_total')).toBeGreaterThan(0);
    expect(await metricValue(h.admin, 'pmarb_event_publish_latency_seconds_count')).toBeGreaterThan(0);
    expect((await fetch(`${h.http}/`)).status).toBe(404);
  });
});
