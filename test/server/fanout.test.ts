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
