import { describe, expect, it } from 'vitest';
import { FrameScheduler } from '../../src/dashboard/scheduler';

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
