import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectionClient } from '../../src/client';
import { redisForTests } from '../support/redis';
import { nthEvent } from './fixtures';
import { eventually, flushed, getJson, metricValue, rawClient, startHarness, type Harness } from './harness';

const redis = await redisForTests();
const skip = 'skip' in redis ? redis.skip : undefined;

describe.skipIf(skip !== undefined)(`resume after a reconnect${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  let h: Harness;
  let published = 0;
  /** Publishes `n` more events of one run and waits until the server has flushed them all. */
  const more = async (n: number): Promise<Record<string, number>> => {
    const applied = h.server.projections.counters.applied;
    await h.publish(Array.from({ length: n }, (_, i) => nthEvent(published + i, 'resume')));
    published += n;
    await eventually(() => h.server.projections.counters.applied >= applied + n, 10_000, 'events applied');
    return flushed(h);
  };

  beforeAll(async () => {
    h = await startHarness('url' in redis ? redis.url : '', 'resume');
  });
  afterAll(async () => {
    await h.stop();
  });

  it('given a client that held trade.results at V, when it reconnects with the epoch and V, then it is resumed: no snapshot, a delta from V, the server state', async () => {
    const before = await more(8);
    const first = await rawClient(`${h.ws}?channels=trade.results`);
    await eventually(() => first.of('snapshot').length === 1);
    const snapshot = first.of('snapshot')[0] as { version: number; state: unknown };
    const subscribed = first.of('subscribed')[0] as { epoch: string };
    expect(snapshot.version).toBe(before['trade.results']);
    expect(subscribed.epoch).toBe(h.server.log.epoch);
    first.socket.close();
    await first.closed;

    const after = await more(8);
    expect(after['trade.results']).toBeGreaterThan(snapshot.version);
    const resumedBefore = await metricValue(h.admin, 'pmarb_resumes_total', 'outcome="resumed"');
    const again = await rawClient(`${h.ws}?channels=trade.results&epoch=${subscribed.epoch}&since=trade.results:${snapshot.version}`);
    await eventually(() => again.of('delta').length >= 1);
    expect(again.frames[0]).toEqual({ type: 'subscribed', channels: ['trade.results'], epoch: subscribed.epoch, resumed: { 'trade.results': snapshot.version } });
    expect(again.of('snapshot')).toEqual([]);
    const delta = again.of('delta')[0] as { from: number; to: number };
    expect(delta).toMatchObject({ channel: 'trade.results', from: snapshot.version, to: after['trade.results'] });
    const http = (await getJson(`${h.http}/snapshot/trade.results`)).body as { state: unknown };
    const { applyPatch } = await import('../../src/client/applyPatch');
    expect(applyPatch(snapshot.state, (delta as unknown as { ops: never }).ops)).toEqual(http.state);
    expect(await metricValue(h.admin, 'pmarb_resumes_total', 'outcome="resumed"')).toBe(resumedBefore + 1);
    again.socket.close();
  });

  it('resumes with nothing to send when the channel has not moved since: the next delta starts at that version', async () => {
    const now = await more(4);
    const c = await rawClient(`${h.ws}?channels=trade.results&epoch=${h.server.log.epoch}&since=trade.results:${now['trade.results']}`);
    await eventually(() => c.of('subscribed').length === 1);
    expect(c.frames[0]).toMatchObject({ resumed: { 'trade.results': now['trade.results'] } });
    const next = await more(4);
    await eventually(() => c.of('delta').length >= 1);
    expect(c.of('delta')[0]).toMatchObject({ from: now['trade.results'], to: next['trade.results'] });
    expect(c.of('snapshot')).toEqual([]);
    c.socket.close();
  });

  it('sends snapshots instead when the epoch is another, the version was never published, or the channel is system', async () => {
    const now = await more(4);
    const v = now['trade.results'] as number;
    for (const query of [`epoch=other&since=trade.results:${v}`, `epoch=${h.server.log.epoch}&since=trade.results:${v - 1}`]) {
      const c = await rawClient(`${h.ws}?channels=trade.results&${query}`);
      await eventually(() => c.of('snapshot').length === 1);
      expect(c.frames[0]).toEqual({ type: 'subscribed', channels: ['trade.results'], epoch: h.server.log.epoch, resumed: {} });
      c.socket.close();
    }
    const health = (await getJson(`${h.http}/health`)).body as { versions: Record<string, number> };
    const sys = await rawClient(`${h.ws}?channels=system&epoch=${h.server.log.epoch}&since=system:${health.versions.system}`);
    await eventually(() => sys.of('snapshot').length === 1);
    expect(sys.frames[0]).toMatchObject({ resumed: {} });
    sys.socket.close();
  });

  it('resumes from `since` in a subscribe message too', async () => {
    const now = await more(4);
    const c = await rawClient(h.ws);
    c.send({ type: 'subscribe', channels: ['risk.state'], since: { epoch: h.server.log.epoch, versions: { 'risk.state': now['risk.state'] } } });
    await eventually(() => c.of('subscribed').length === 1);
    expect(c.frames[0]).toMatchObject({ resumed: { 'risk.state': now['risk.state'] } });
    c.send({ type: 'subscribe', channels: ['risk.state'], since: { epoch: 1, versions: {} } });
    await eventually(() => c.of('error').length === 1);
    expect(c.of('error')[0]).toMatchObject({ code: 'bad_request' });
    c.socket.close();
  });

  it('the reference client resumes on every reconnect, keeping its state and taking no snapshot', async () => {
    await more(4);
    const client = new ProjectionClient({ url: h.ws, channels: ['trade.results', 'risk.state'], WebSocket });
    await client.whenLive();
    const snapshots = client.stats.snapshots;
    // Drop the connection from the client's side, as a network blip would.
    (client as unknown as { socket: WebSocket }).socket.terminate();
    await more(8);
    await eventually(() => client.stats.resumes === 2 && client.status === 'live', 10_000, 'resumed');
    const target = await flushed(h);
    await eventually(() => client.version('trade.results') === target['trade.results'], 10_000, 'caught up');
    expect(client.stats.snapshots).toBe(snapshots);
    expect(client.state('trade.results')).toEqual(((await getJson(`${h.http}/snapshot/trade.results`)).body as { state: unknown }).state);
    client.close();
  });

  it('serves /snapshot/<channel>?version=N for a version still held, 404 for one that is not, 400 for a malformed one', async () => {
    const a = await more(4);
    const b = await more(4);
    const old = await getJson(`${h.http}/snapshot/trade.results?version=${a['trade.results']}`);
    expect(old.status).toBe(200);
    expect(old.body).toMatchObject({ channel: 'trade.results', version: a['trade.results'], epoch: h.server.log.epoch });
    const current = await getJson(`${h.http}/snapshot/trade.results`);
    expect(current.body).toMatchObject({ version: b['trade.results'] });
    expect((old.body as { state: unknown }).state).not.toEqual((current.body as { state: unknown }).state);
    // Only trade.executed (positions 1, 5, 9, … of this stream) changes trade.results: it never had version 2.
    expect((await getJson(`${h.http}/snapshot/trade.results?version=2`)).status).toBe(404);
    expect(await getJson(`${h.http}/snapshot/trade.results?version=abc`)).toMatchObject({ status: 400, body: { error: 'bad_request' } });
  });

  it('reports the log on /health: status, epoch, lag', async () => {
    const health = await getJson(`${h.http}/health`);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'healthy', log: 'live', epoch: h.server.log.epoch, log_lag_entries: 0, log_lag_ms: 0 });
  });
});
