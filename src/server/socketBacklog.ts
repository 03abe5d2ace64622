import type { WebSocketBehavior } from 'uWebSockets.js';

/** What the backlog reads of a socket: the bytes uWS holds for it because the kernel would not take them. */
export interface Buffering {
  getBufferedAmount(): number;
}

/** Sockets sampled per reading: enough for a stable 90th percentile, few enough to read every tick. */
export const SAMPLE_SIZE = 128;
/** The share of sampled sockets whose backlog may exceed the figure `queuedBytes` reports. */
const QUANTILE = 0.9;

/**
 * The open sockets, and how many bytes wait in the server for them. The flush tick reads it to see
 * whether clients take what the server sends: with a few slow sockets among many it stays low (those
 * are handled by `--max-backpressure`), with most of them behind it grows.
 */
export class SocketBacklog<S extends Buffering> {
  private readonly sockets: S[] = [];
  private readonly index = new Map<S, number>();
  private readonly sample = new Float64Array(SAMPLE_SIZE);
  /** Where the next reading starts, so that successive readings cover every socket in turn. */
  private cursor = 0;

  add(socket: S): void {
    if (this.index.has(socket)) return;
    this.index.set(socket, this.sockets.length);
    this.sockets.push(socket);
  }

  remove(socket: S): void {
    const at = this.index.get(socket);
    if (at === undefined) return;
    this.index.delete(socket);
    const last = this.sockets.pop() as S;
    if (at < this.sockets.length) {
      this.sockets[at] = last;
      this.index.set(last, at);
    }
  }

  get size(): number {
    return this.sockets.length;
  }

  /** Bytes buffered for a socket, the 90th percentile over up to `SAMPLE_SIZE` sockets taken in turn (0 with none open). */
  queuedBytes(): number {
    const n = this.sockets.length;
    if (n === 0) return 0;
    const k = Math.min(n, SAMPLE_SIZE);
    const start = this.cursor % n;
    for (let i = 0; i < k; i += 1) this.sample[i] = (this.sockets[(start + i) % n] as S).getBufferedAmount();
    this.cursor = (start + k) % n;
    const taken = this.sample.subarray(0, k).sort();
    return taken[Math.min(k - 1, Math.floor(k * QUANTILE))] as number;
  }
}

/** `behavior` with every socket added to `backlog` on open and removed on close, before its own handlers run. */
export function withBacklog<T>(behavior: WebSocketBehavior<T>, backlog: SocketBacklog<Buffering>): WebSocketBehavior<T> {
  const { open, close } = behavior;
  return {
    ...behavior,
    open: (ws) => {
      backlog.add(ws);
      open?.(ws);
    },
    close: (ws, code, message) => {
      backlog.remove(ws);
      close?.(ws, code, message);
    },
  };
}
