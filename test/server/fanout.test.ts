import { describe, expect, it } from 'vitest';
import { Fanout, HEARTBEAT_TOPIC } from '../../src/server/fanout';
import { createMetrics } from '../../src/server/metrics';

/** A source whose live state the test sets by hand. */
function liveSource() {
  const live = { state: { n: 0 } as unknown };
  return { live, source: { state: () => live.state } };
}

const at = (iso: string) => () => Date.parse(iso);

/** The cached snapshot frame of `risk.state`, as the bytes sent. */
const snapshotOf = (fanout: Fanout) => fanout.cachedSnapshot('risk.state').buffer;

describe('fanout', () => {
  it("conflates a tick's changes into one delta per channel: the net change, one version, serialised once", () => {
    const { live, source } = liveSource();
    const published: [string, string][] = [];
    const fanout = new Fanout(['risk.state'], source, (topic, frame) => published.push([topic, frame]), createMetrics(), undefined, at('2026-01-01T00:00:01Z'));
    live.state = { n: 1 };
    fanout.touch('risk.state', '2026-01-01T00:00:00.100Z');
    live.state = { n: 2 };
    fanout.touch('risk.state', '2026-01-01T00:00:00.200Z');
    expect(published).toEqual([]);
    fanout.flush();
    expect(published).toHaveLength(1);
    expect(published[0]?.[0]).toBe('risk.state');
    expect(JSON.parse(published[0]?.[1] ?? '')).toEqual({
      type: 'delta',
      channel: 'risk.state',
      from: 0,
      to: 1,
      ts: '2026-01-01T00:00:00.200Z',
      ts_first: '2026-01-01T00:00:00.100Z',
      ops: [{ op: 'replace', path: '/n', value: 2 }],
    });
    fanout.flush();
    expect(published).toHaveLength(1);
    expect(fanout.hasPending).toBe(false);
  });

  it('consumes no version and sends nothing when a tick changed a state and changed it back', () => {
    const { live, source } = liveSource();
    const published: string[] = [];
    const fanout = new Fanout(['risk.state'], source, (_topic, frame) => published.push(frame), createMetrics());
    live.state = { n: 0 };
    fanout.touch('risk.state', '2026-01-01T00:00:00Z');
    fanout.flush();
    expect(published).toEqual([]);
    expect(fanout.versions()).toEqual({ 'risk.state': 0 });
    live.state = { n: 4 };
    fanout.touch('risk.state', '2026-01-01T00:00:02Z');
    fanout.flush();
    // The oldest event of the next delta is the one after the empty tick.
    expect(JSON.parse(published[0] ?? '')).toMatchObject({ from: 0, to: 1, ts_first: '2026-01-01T00:00:02Z' });
  });

  it('takes versions from the version source it is given', () => {
    const { live, source } = liveSource();
    const published: string[] = [];
    const fanout = new Fanout(['a'], source, (_topic, frame) => published.push(frame), createMetrics(), { next: (_c, v) => v + 10 });
    for (const n of [1, 2]) {
      live.state = { n };
      fanout.touch('a', '2026-01-01T00:00:00Z');
      fanout.flush();
    }
    expect(published.map((f) => JSON.parse(f) as { from: number; to: number }).map((d) => [d.from, d.to])).toEqual([
      [0, 10],
      [10, 20],
    ]);
  });

  it('snapshots show the state as of the last flush, serialised once per version', async () => {
    const { live, source } = liveSource();
    const metrics = createMetrics();
    const fanout = new Fanout(['risk.state'], source, () => undefined, metrics);
    const first = snapshotOf(fanout);
    expect(snapshotOf(fanout)).toBe(first);
    live.state = { n: 5 };
    fanout.touch('risk.state', '2026-01-01T00:00:00Z');
    expect(JSON.parse(snapshotOf(fanout).toString())).toEqual({ type: 'snapshot', channel: 'risk.state', version: 0, state: { n: 0 } });
    fanout.flush();
    expect(JSON.parse(snapshotOf(fanout).toString())).toEqual({ type: 'snapshot', channel: 'risk.state', version: 1, state: { n: 5 } });
    for (let i = 0; i < 100; i += 1) snapshotOf(fanout);
    const serialised = (await metrics.snapshotSerializations.get()).values.reduce((sum, v) => sum + v.value, 0);
    expect(serialised).toBe(2);
  });

  it('given a cold channel, then its first snapshot is serialised on demand as the exact frame, with its byte length', async () => {
    const { source } = liveSource();
    const metrics = createMetrics();
    const fanout = new Fanout(['risk.state', 'trade.results'], source, () => undefined, metrics);
    const cold = fanout.cachedSnapshot('trade.results');
    expect(cold.buffer.toString()).toBe('{"type":"snapshot","channel":"trade.results","version":0,"state":{"n":0}}');
    expect(cold.bytes).toBe(cold.buffer.length);
    expect((await metrics.snapshotSerializations.get()).values).toEqual([{ value: 1, labels: { channel: 'trade.results' } }]);
    expect(fanout.snapshot('trade.results')).toEqual({ version: 0, state: { n: 0 } });
    expect(fanout.snapshot('nope')).toBeUndefined();
    expect(() => fanout.cachedSnapshot('nope')).toThrow('unknown channel nope');
  });

  it('given changes on two channels in one tick, then each gets its delta, counted per channel, with its latency from ts_first', async () => {
    const { live, source } = liveSource();
    const metrics = createMetrics();
    const published: string[] = [];
    const fanout = new Fanout(['a', 'b'], source, (topic) => published.push(topic), metrics, undefined, at('2026-01-01T00:00:03Z'));
    expect(fanout.hasPending).toBe(false);
    live.state = { n: 1 };
    fanout.touch('a', '2026-01-01T00:00:01Z');
    fanout.touch('b', '2026-01-01T00:00:02.500Z');
    fanout.touch('unknown', '2026-01-01T00:00:02Z');
    expect(fanout.hasPending).toBe(true);
    fanout.flush();
    expect(fanout.hasPending).toBe(false);
    expect(published).toEqual(['a', 'b']);
    expect((await metrics.deltasPublished.get()).values).toEqual([
      { value: 1, labels: { channel: 'a' } },
      { value: 1, labels: { channel: 'b' } },
    ]);
    const latency = (await metrics.latency.get()).values;
    expect(latency.find((v) => v.metricName === 'pmarb_event_publish_latency_seconds_sum')?.value).toBe(2.5);
    expect(latency.find((v) => v.metricName === 'pmarb_event_publish_latency_seconds_count')?.value).toBe(2);
  });

  it('given a ts_first that is not a date or lies in the future, then latency counts nothing or zero, never negative', async () => {
    const { live, source } = liveSource();
    const metrics = createMetrics();
    const fanout = new Fanout(['a', 'b'], source, () => undefined, metrics, undefined, at('2026-01-01T00:00:00Z'));
    live.state = { n: 1 };
    fanout.touch('a', 'not a date');
    fanout.touch('b', '2026-01-01T00:00:09Z');
    fanout.flush();
    const latency = (await metrics.latency.get()).values;
    expect(latency.find((v) => v.metricName === 'pmarb_event_publish_latency_seconds_count')?.value).toBe(1);
    expect(latency.find((v) => v.metricName === 'pmarb_event_publish_latency_seconds_sum')?.value).toBe(0);
  });

  it('publishes heartbeats with the published versions', () => {
    const { live, source } = liveSource();
    const published: [string, string][] = [];
    const fanout = new Fanout(['a', 'b'], source, (topic, frame) => published.push([topic, frame]), createMetrics());
    live.state = { n: 7 };
    fanout.touch('a', '2026-01-01T00:00:00Z');
    fanout.publishHeartbeat();
    expect(published).toEqual([[HEARTBEAT_TOPIC, '{"type":"heartbeat","epoch":"","versions":{"a":0,"b":0}}']]);
    fanout.flush();
    fanout.publishHeartbeat();
    expect(published[2]).toEqual([HEARTBEAT_TOPIC, '{"type":"heartbeat","epoch":"","versions":{"a":1,"b":0}}']);
  });
});
