import { describe, expect, it } from 'vitest';
import { Fanout } from '../../src/server/fanout';
import { createMetrics } from '../../src/server/metrics';

/** A fan-out over one channel whose live state the test sets, a clock the test moves, and what it published. */
function setup() {
  const live = { state: { n: 0 } as unknown };
  let now = Date.parse('2026-01-01T00:00:00Z');
  const frames: Record<string, unknown>[] = [];
  const fanout = new Fanout(['risk.state'], { state: () => live.state }, (_topic, frame) => frames.push(JSON.parse(frame) as Record<string, unknown>), createMetrics(), undefined, () => now);
  return {
    fanout,
    frames,
    set: (state: unknown, pos: number) => {
      live.state = state;
      fanout.touch('risk.state', '2026-01-01T00:00:00Z', pos);
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('fan-out of log-fed channels', () => {
  it('given changes at positions 7 and 9 in one tick, then the delta goes to version 9: the position of the newest change', () => {
    const { fanout, frames, set } = setup();
    set({ n: 1 }, 7);
    set({ n: 2 }, 9);
    fanout.flush();
    expect(frames).toEqual([expect.objectContaining({ from: 0, to: 9, ops: [{ op: 'replace', path: '/n', value: 2 }] })]);
    expect(fanout.versions()).toEqual({ 'risk.state': 9 });
  });

  it('given a change and its undoing in one tick, then a delta with no ops still moves the version to the newest position', () => {
    const { fanout, frames, set } = setup();
    set({ n: 5 }, 3);
    set({ n: 0 }, 4);
    fanout.flush();
    expect(frames).toEqual([expect.objectContaining({ type: 'delta', from: 0, to: 4, ops: [] })]);
  });

  it('holds replaced states for the resume window and builds the catch-up delta from any of them', () => {
    const { fanout, set, advance } = setup();
    fanout.resumeWindowMs = 1_000;
    set({ n: 1 }, 2);
    fanout.flush();
    set({ n: 2 }, 5);
    fanout.flush();
    expect(fanout.stateAt('risk.state', 2)).toEqual({ n: 1 });
    expect(fanout.stateAt('risk.state', 5)).toEqual({ n: 2 });
    expect(fanout.stateAt('risk.state', 3)).toBeUndefined();
    expect(fanout.catchUpFrame('risk.state', 5)).toBe('');
    expect(JSON.parse(fanout.catchUpFrame('risk.state', 2) ?? '')).toMatchObject({ type: 'delta', from: 2, to: 5, ops: [{ op: 'replace', path: '/n', value: 2 }] });
    expect(JSON.parse(fanout.catchUpFrame('risk.state', 0) ?? '')).toMatchObject({ from: 0, to: 5 });
    advance(1_001);
    expect(fanout.stateAt('risk.state', 2)).toBeUndefined();
    expect(fanout.catchUpFrame('risk.state', 2)).toBeUndefined();
    expect(fanout.stateAt('risk.state', 5)).toEqual({ n: 2 });
  });

  it('after a reset to loaded states, those are resumable at their versions; after a rebuild they are not, until the next change', () => {
    const { fanout, set } = setup();
    set({ n: 3 }, 40);
    fanout.reset({ 'risk.state': 40 }, true);
    expect(fanout.versions()).toEqual({ 'risk.state': 40 });
    expect(fanout.catchUpFrame('risk.state', 40)).toBe('');
    fanout.reset({ 'risk.state': 40 }, false);
    expect(fanout.catchUpFrame('risk.state', 40)).toBeUndefined();
    set({ n: 4 }, 41);
    fanout.flush();
    expect(fanout.catchUpFrame('risk.state', 41)).toBe('');
    expect(fanout.stateAt('risk.state', 40)).toBeUndefined();
  });

  it('puts the epoch in heartbeats', () => {
    const { fanout } = setup();
    fanout.epoch = 'abc';
    expect(JSON.parse(fanout.heartbeatFrame())).toEqual({ type: 'heartbeat', epoch: 'abc', versions: { 'risk.state': 0 } });
  });
});
