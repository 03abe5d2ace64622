import { describe, expect, it } from 'vitest';
import { Fanout, HEARTBEAT_TOPIC } from '../../src/server/fanout';
import { createMetrics } from '../../src/server/metrics';

/** A source whose live state the test sets by hand. */
function liveSource() {
  const live = { state: { n: 0 } as unknown, version: 0 };
  return { live, source: { state: () => live.state, version: () => live.version } };
}

describe('fanout', () => {
  it('conflates a tick\'s changes into one delta per channel: the net change, serialised once', () => {
    const { live, source } = liveSource();
    const published: [string, string][] = [];
    const fanout = new Fanout(['risk.state'], source, (topic, frame) => published.push([topic, frame]), createMetrics(), () => Date.parse('2026-01-01T00:00:01Z'));
    live.state = { n: 1 };
    live.version = 1;
    fanout.push({ channel: 'risk.state', version: 1 }, '2026-01-01T00:00:00.100Z');
    live.state = { n: 2 };
    live.version = 3;
    fanout.push({ channel: 'risk.state', version: 3 }, '2026-01-01T00:00:00.200Z');
    expect(published).toEqual([]);
    fanout.flush();
    expect(published).toHaveLength(1);
    expect(published[0]?.[0]).toBe('risk.state');
    expect(JSON.parse(published[0]?.[1] ?? '')).toEqual({
      type: 'delta',
      channel: 'risk.state',
      from: 0,
      to: 3,
      ts: '2026-01-01T00:00:00.200Z',
      ts_first: '2026-01-01T00:00:00.100Z',
      ops: [{ op: 'replace', path: '/n', value: 2 }],
    });
    fanout.flush();
    expect(published).toHaveLength(1);
  });

  it('snapshots show the state as of the last flush, serialised once per version', async () => {
    const { live, source } = liveSource();
    const metrics = createMetrics();
    const fanout = new Fanout(['risk.state'], source, () => undefined, metrics);
    const first = fanout.snapshotFrame('risk.state');
    expect(fanout.snapshotFrame('risk.state')).toBe(first);
    live.state = { n: 5 };
    live.version = 1;
    fanout.push({ channel: 'risk.state', version: 1 }, '2026-01-01T00:00:00Z');
    expect(JSON.parse(fanout.snapshotFrame('risk.state'))).toEqual({ type: 'snapshot', channel: 'risk.state', version: 0, state: { n: 0 } });
    fanout.flush();
    expect(JSON.parse(fanout.snapshotFrame('risk.state'))).toEqual({ type: 'snapshot', channel: 'risk.state', version: 1, state: { n: 5 } });
    for (let i = 0; i < 100; i += 1) fanout.snapshotFrame('risk.state');
    const serialised = (await metrics.snapshotSerializations.get()).values.reduce((sum, v) => sum + v.value, 0);
    expect(serialised).toBe(2);
  });

  it('publishes heartbeats with the published versions', () => {
    const { live, source } = liveSource();
    const published: [string, string][] = [];
    const fanout = new Fanout(['a', 'b'], source, (topic, frame) => published.push([topic, frame]), createMetrics());
    live.version = 7;
    fanout.push({ channel: 'a', version: 7 }, '2026-01-01T00:00:00Z');
    fanout.publishHeartbeat();
    expect(published).toEqual([[HEARTBEAT_TOPIC, '{"type":"heartbeat","versions":{"a":0,"b":0}}']]);
    fanout.flush();
    fanout.publishHeartbeat();
    expect(published[2]).toEqual([HEARTBEAT_TOPIC, '{"type":"heartbeat","versions":{"a":7,"b":0}}']);
  });
});
