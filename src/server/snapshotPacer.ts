import type { Guard } from './guard';

/** A socket's pacing record: when each channel's last snapshot went out (by channel index), and the ones put off. */
export interface Pacing {
  readonly at: Float64Array;
  due: Map<string, ReturnType<typeof setTimeout>> | undefined;
}

/** What the pacer keeps per socket: nothing until the socket's first snapshot (idle sockets stay small). */
export interface PacedSocket {
  pacing: Pacing | undefined;
  readonly channels: ReadonlySet<string>;
  closed: boolean;
}

/**
 * At most one snapshot per channel per connection per `intervalMs`. `take` says whether one may go
 * now (and counts it); if not, one is sent at the end of the interval, whatever number of
 * `resync`s or `subscribe`s asked meanwhile: they are all answered by that one snapshot.
 */
export function createSnapshotPacer<S, D extends PacedSocket>(deps: {
  /** Every channel, in a fixed order (its index is the slot in `Pacing.at`). */
  readonly channels: readonly string[];
  readonly intervalMs: number;
  readonly send: (socket: S, data: D, channel: string) => void;
  readonly guard: Guard;
  readonly now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const index = new Map(deps.channels.map((c, i) => [c, i]));
  const sendDue = deps.guard.wrap('ws paced snapshot', (socket: S, data: D, channel: string, slot: number) => {
    data.pacing?.due?.delete(channel);
    if (data.closed || !data.channels.has(channel) || data.pacing === undefined) return;
    data.pacing.at[slot] = now();
    deps.send(socket, data, channel);
  });
  return {
    /** `true`: send the snapshot now. `false`: one is (or already was) put off to the end of the interval. */
    take(socket: S, data: D, channel: string): boolean {
      const slot = index.get(channel);
      if (slot === undefined) return true;
      const pacing = (data.pacing ??= { at: new Float64Array(deps.channels.length).fill(-Infinity), due: undefined });
      if (pacing.due?.has(channel) === true) return false;
      const at = now();
      const last = pacing.at[slot] as number;
      if (at - last >= deps.intervalMs) {
        pacing.at[slot] = at;
        return true;
      }
      pacing.due ??= new Map();
      pacing.due.set(
        channel,
        setTimeout(() => sendDue(socket, data, channel, slot), last + deps.intervalMs - at),
      );
      return false;
    },
    /** Drops a channel's put-off snapshot (it was left). */
    forget(data: D, channel: string): void {
      const due = data.pacing?.due;
      if (due === undefined) return;
      clearTimeout(due.get(channel));
      due.delete(channel);
    },
    /** Drops every put-off snapshot of a closed socket. */
    forgetAll(data: D): void {
      const due = data.pacing?.due;
      if (due === undefined) return;
      for (const timer of due.values()) clearTimeout(timer);
      due.clear();
    },
  };
}
