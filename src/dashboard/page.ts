/** The projections' states as last received, by channel. */
export type States = (channel: string) => unknown;

/** This page's connection to the server. */
export interface ConnectionView {
  /** `connecting`, `live`, `reconnecting`, `resyncing` or `closed`. */
  readonly status: string;
  /** Epoch ms of the last status change. */
  readonly since: number;
  readonly reconnects: number;
  readonly url: string;
}

/** What every page gets to draw from. */
export interface Frame {
  readonly states: States;
  /** Epoch ms at this frame (heartbeat ages). */
  readonly now: number;
  readonly connection: ConnectionView;
  /** What changed since the last frame: channel names, `status`, `clock`. */
  readonly dirty: ReadonlySet<string>;
}

/** One page of the dashboard. */
export interface Page {
  /** Hash route and DOM id suffix: `overview` → `#overview`, `#page-overview`. */
  readonly id: string;
  readonly title: string;
  /** What the page shows: a frame with none of these dirty is skipped. */
  readonly watches: readonly string[];
  /** Least time between two renders (tables nobody can read at 60 Hz); changes in between are drawn late, never lost. */
  readonly minIntervalMs?: number;
  /** Builds the page's DOM inside its panel, once. */
  mount(panel: HTMLElement): void;
  /** Updates the page in place; called at most once per frame, only while the page is shown. */
  render(frame: Frame): void;
}

/** Whether any of `watches` changed in this frame. */
export function touched(frame: Frame, watches: readonly string[]): boolean {
  for (const w of watches) if (frame.dirty.has(w)) return true;
  return false;
}
