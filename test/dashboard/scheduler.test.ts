import { describe, expect, it } from 'vitest';
import { FrameScheduler, RenderGate } from '../../src/dashboard/scheduler';

function harness() {
  const frames: (() => void)[] = [];
  const renders: string[][] = [];
  const scheduler = new FrameScheduler(
    (dirty) => renders.push([...dirty].sort()),
    (callback) => frames.push(callback),
  );
  const runFrame = (): void => frames.shift()?.();
  return { scheduler, frames, renders, runFrame };
}

describe('FrameScheduler', () => {
  it('renders once per frame however many changes arrive, with all of them', () => {
    const { scheduler, frames, renders, runFrame } = harness();
    for (let i = 0; i < 1000; i++) scheduler.mark(i % 2 === 0 ? 'risk.state' : 'trade.results');
    scheduler.mark('status');
    expect(frames).toHaveLength(1);
    expect(renders).toHaveLength(0);
    runFrame();
    expect(renders).toEqual([['risk.state', 'status', 'trade.results']]);
  });

  it('asks for a new frame only after the last one rendered, and never renders nothing', () => {
    const { scheduler, frames, renders, runFrame } = harness();
    runFrame();
    expect(renders).toHaveLength(0);
    scheduler.mark('a');
    runFrame();
    scheduler.mark('b');
    expect(frames).toHaveLength(1);
    runFrame();
    expect(renders).toEqual([['a'], ['b']]);
    expect(scheduler.frames).toBe(2);
  });

  it('a change made while rendering is drawn at the next frame', () => {
    const frames: (() => void)[] = [];
    const renders: string[][] = [];
    let again = true;
    const scheduler: FrameScheduler = new FrameScheduler(
      (dirty) => {
        renders.push([...dirty]);
        if (again) {
          again = false;
          scheduler.mark('late');
        }
      },
      (callback) => frames.push(callback),
    );
    scheduler.mark('first');
    frames.shift()?.();
    expect(frames).toHaveLength(1);
    frames.shift()?.();
    expect(renders).toEqual([['first'], ['late']]);
  });
});

describe('RenderGate', () => {
  function gate() {
    const timers: { callback: () => void; ms: number }[] = [];
    let wakes = 0;
    const g = new RenderGate(
      () => (wakes += 1),
      (callback, ms) => timers.push({ callback, ms }),
    );
    return { g, timers, wakes: () => wakes };
  }

  it('renders a change at once, then holds the next one until the interval ends and wakes the page then', () => {
    const { g, timers, wakes } = gate();
    expect(g.admit(true, false, 100, 1000)).toBe(true);
    expect(g.admit(true, false, 100, 1030)).toBe(false);
    expect(g.admit(true, false, 100, 1060)).toBe(false);
    expect(timers).toEqual([{ callback: expect.any(Function), ms: 70 }]); // one timer, for the first held change
    timers[0]?.callback();
    expect(wakes()).toBe(1);
    expect(g.admit(false, false, 100, 1100)).toBe(true); // the held change is drawn, though nothing new came
    expect(g.admit(false, false, 100, 1300)).toBe(false); // and nothing is left to draw
  });

  it('renders a page just shown at once, and nothing when nothing changed', () => {
    const { g, timers } = gate();
    expect(g.admit(false, false, 100, 0)).toBe(false);
    expect(g.admit(false, true, 100, 5)).toBe(true);
    expect(g.admit(true, true, 100, 6)).toBe(true);
    expect(timers).toEqual([]);
  });

  it('with no interval, renders every change', () => {
    const { g } = gate();
    expect([1, 2, 3].map((t) => g.admit(true, false, 0, t))).toEqual([true, true, true]);
  });
});
