/** Something that runs a callback before the next paint: `requestAnimationFrame` in browsers. */
export type FrameRequest = (callback: () => void) => unknown;

/**
 * Collects what changed and renders at most once per animation frame, however many
 * changes arrive in between: a thousand deltas a second still cost one render a frame.
 */
export class FrameScheduler {
  private dirty = new Set<string>();
  private pending = false;
  /** Frames rendered so far (tests and the System page read it). */
  frames = 0;

  constructor(
    private readonly render: (dirty: ReadonlySet<string>) => void,
    private readonly requestFrame: FrameRequest,
  ) {}

  /** Notes that `what` changed; a render follows at the next frame. */
  mark(what: string): void {
    this.dirty.add(what);
    if (this.pending) return;
    this.pending = true;
    this.requestFrame(() => this.flush());
  }

  private flush(): void {
    this.pending = false;
    const dirty = this.dirty;
    this.dirty = new Set();
    this.frames += 1;
    this.render(dirty);
  }
}

/**
 * Lets the page on screen render at most every `minIntervalMs`: a change inside the interval is
 * held and, when nothing else wakes the page, drawn by a timer at the interval's end — never lost.
 */
export class RenderGate {
  private behind = false;
  private last = -Infinity;
  private timerSet = false;

  constructor(
    private readonly wake: () => void,
    private readonly setTimer: (callback: () => void, ms: number) => unknown,
  ) {}

  /** Whether to render now; `changed` when the page's data changed, `force` for a page just shown. */
  admit(changed: boolean, force: boolean, minIntervalMs: number, now: number): boolean {
    if (changed) this.behind = true;
    const wait = minIntervalMs - (now - this.last);
    if (force || (this.behind && wait <= 0)) {
      this.last = now;
      this.behind = false;
      return true;
    }
    if (this.behind && !this.timerSet) {
      this.timerSet = true;
      this.setTimer(() => {
        this.timerSet = false;
        this.wake();
      }, wait);
    }
    return false;
  }
}
