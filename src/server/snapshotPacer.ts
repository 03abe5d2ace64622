import type { Guard } from './guard';

/** What the pacer keeps per socket. */
export interface PacedSocket {
  readonly snapshotAt: Map<string, number>;
  readonly snapshotDue: Map<string, ReturnType<typeof setTimeout>>;
  readonly channels: ReadonlySet<string>;
  closed: boolean;
}

/**
 * At most one snapshot per channel per connection per `intervalMs`. `take` says whether one may go
 * now (and counts it); if not, one is sent at the end of the interval, whatever number of
 * `resync`s or `subscribe`s asked meanwhile: they are all answered by that one snapshot.
 */
export function createSnapshotPacer<S, D extends PacedSocket>(deps: {
  readonly intervalMs: number;
  readonly send: (socket: S, data: D, channel: string) => void;
  readonly guard: Guard;
  readonly now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const sendDue = deps.guard.wrap('ws paced snapshot', (socket: S, data: D, channel: string) => {
    data.snapshotDue.delete(channel);
    if (data.closed || !data.channels.has(channel)) return;
    data.snapshotAt.set(channel, now());
    deps.send(socket, data, channel);
  });
  return {
    /** `true`: send the snapshot now. `false`: one is (or already was) put off to the end of the interval. */
    take(socket: S, data: D, channel: string): boolean {
      const at = now();
      const last = data.snapshotAt.get(channel);
      if (data.snapshotDue.has(channel)) return false;
      if (last === undefined || at - last >= deps.intervalMs) {
        data.snapshotAt.set(channel, at);
        return true;
      }
      data.snapshotDue.set(
        channel,
        setTimeout(() => sendDue(socket, data, channel), last + deps.intervalMs - at),
      );
      return false;
    },
    /** Drops a channel's put-off snapshot (it was left). */
    forget(data: D, channel: string): void {
      clearTimeout(data.snapshotDue.get(channel));
      data.snapshotDue.delete(channel);
    },
    /** Drops every put-off snapshot of a closed socket. */
    forgetAll(data: D): void {
      for (const timer of data.snapshotDue.values()) clearTimeout(timer);
      data.snapshotDue.clear();
    },
  };
}
