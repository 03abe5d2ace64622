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
    /** With a 1 s resume window, publishes { n: 1 } at version 2, then { n: 2 } at version 5. */
    publishTwo: () => {
      fanout.resumeWindowMs = 1_000;
      for (const [n, pos] of [[1, 2], [2, 5]] as const) {
        live.state = { n };
        fanout.touch('risk.state', '2026-01-01T00:00:00Z', pos);
        fanout.flush();
      }
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
    const { fanout, advance, publishTwo } = setup();
    publishTwo();
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

  it('given changes at positions 9 then 7 in one tick, then the delta still goes to 9: an older position never lowers the version', () => {
    const { fanout, frames, set } = setup();
    set({ n: 1 }, 9);
    set({ n: 2 }, 7);
    fanout.flush();
    expect(frames).toEqual([expect.objectContaining({ from: 0, to: 9 })]);
  });

  it('given a channel reset to version 9, when a change logged at 9 is flushed, then no delta goes out: the version did not move', () => {
    const { fanout, frames, set } = setup();
    fanout.reset({ 'risk.state': 9 }, true);
    set({ n: 5 }, 9);
    fanout.flush();
    expect(frames).toEqual([]);
    expect(fanout.versions()).toEqual({ 'risk.state': 9 });
  });

  it('given a state replaced exactly resumeWindowMs ago, then it is still held; a millisecond later it is not', () => {
    const { fanout, advance, publishTwo } = setup();
    publishTwo();
    advance(1_000);
    expect(fanout.stateAt('risk.state', 2)).toEqual({ n: 1 });
    advance(1);
    expect(fanout.stateAt('risk.state', 2)).toBeUndefined();
  });

  it('given a channel it does not carry, then there is no state at any version and no catch-up', () => {
    const { fanout } = setup();
    expect(fanout.stateAt('no.such', 0)).toBeUndefined();
    expect(fanout.catchUpFrame('no.such', 0)).toBeUndefined();
  });

  it('given a catch-up built, when another client resumes from the same version, then it gets the same frame; after a newer change, a new one to the newer version', () => {
    const { fanout, set, advance } = setup();
    set({ n: 1 }, 2);
    fanout.flush();
    set({ n: 2 }, 5);
    fanout.flush();
    const first = fanout.catchUpFrame('risk.state', 2);
    advance(10); // a frame built again would carry a later ts
    expect(fanout.catchUpFrame('risk.state', 2)).toBe(first);
    set({ n: 3 }, 8);
    fanout.flush();
    expect(JSON.parse(fanout.catchUpFrame('risk.state', 2) ?? '')).toMatchObject({ from: 2, to: 8, ops: [{ op: 'replace', path: '/n', value: 3 }] });
  });

  it('given a reset, then what was pending and held for the channel is dropped, and channels it does not carry are not added', () => {
    const { fanout, frames, set } = setup();
    set({ n: 1 }, 2);
    fanout.flush();
    set({ n: 2 }, 5);
    fanout.flush();
    set({ n: 3 }, 6);
    fanout.reset({ 'risk.state': 6, 'no.such': 3 }, true);
    fanout.flush();
    expect(frames).toHaveLength(2);
    expect(fanout.stateAt('risk.state', 2)).toBeUndefined();
    expect(fanout.stateAt('risk.state', 6)).toEqual({ n: 3 });
    expect(fanout.versions()).toEqual({ 'risk.state': 6 });
  });

  it('given states held past the resume window, when the next change is flushed, then they are dropped and the newer ones kept', () => {
    const { fanout, frames, set, advance, publishTwo } = setup();
    publishTwo();
    advance(2_000);
    set({ n: 3 }, 8);
    fanout.flush();
    expect(frames).toHaveLength(3);
    expect(fanout.stateAt('risk.state', 2)).toBeUndefined();
    expect(fanout.stateAt('risk.state', 5)).toEqual({ n: 2 });
    expect(fanout.stateAt('risk.state', 8)).toEqual({ n: 3 });
  });
});

