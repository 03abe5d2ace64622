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
