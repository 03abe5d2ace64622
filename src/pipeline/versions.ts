/**
 * Where versions come from: the one place they are assigned. Today a counter per channel;
 * a durable log can later supply its positions instead.
 */
export interface VersionSource {
  /** The version a channel takes when its state changes, given its current one. */
  next(channel: string, current: number): number;
}

/** Versions 1, 2, 3, ... per channel: strictly increasing within one run. */
export const countingVersions: VersionSource = {
  next: (_channel, current) => current + 1,
};
