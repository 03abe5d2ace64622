import type { EventLog, LogEntry, LogRead } from './eventLog';

/** What a follower reports as it reads. */
export interface FollowerHandlers {
  /** Entries in log order, each exactly once per epoch (a rebuild starts over). */
  onEntries(entries: readonly LogEntry[]): void;
  /**
   * The log's epoch is not the one followed (Redis lost the log, it was replaced, or it went back behind
   * the position read and was given a new epoch): reading restarts from position 0 of `epoch` once this returns.
   */
  onEpoch(epoch: string): void;
  /**
   * Entries between the position followed and `next` are gone (trimmed): once this returns (the handler
   * having reset what it built), the entries from `next` on are delivered.
   */
  onGap(after: number, next: number): void;
  /** After every successful read, with the read's number and whether the follower has reached the head. */
  onRead?(read: number, atHead: boolean): void;
  /** A read failed; the follower waits and tries again. */
  onError?(error: unknown): void;
}

/** How a follower reads. */
export interface FollowerOptions {
  readonly batch: number;
  readonly blockMs: number;
  /** First wait after a failed read; doubles up to 2 s. */
  readonly retryDelayMs?: number;
}

/**
 * Reads the log in order from a position, in batches, for as long as it runs: epoch changes and gaps
 * are reported and reading restarts where the handler's state can be rebuilt from. Yields to the event
 * loop between batches so a long replay never starves timers and sockets.
 */
export class LogFollower {
  private stopped = false;
  private running: Promise<void> | undefined;
  private reads = 0;
  /** Newest position of the log as of the last read. */
  head = 0;

  constructor(
    private readonly log: EventLog,
    private readonly handlers: FollowerHandlers,
    private readonly options: FollowerOptions,
    /** The epoch and the last position already applied. */
    public epoch: string,
    public position: number,
  ) {}

  /** Number of reads issued so far: a read numbered above a value was issued after that value was taken. */
  get readsIssued(): number {
    return this.reads;
  }

  /** Entries between the position applied and the head as of the last read. */
  get lag(): number {
    return Math.max(0, this.head - this.position);
  }

  /** Starts reading in the background. */
  start(): void {
    this.running ??= this.loop();
  }

  /** Stops after the read in flight; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async loop(): Promise<void> {
    let delay = this.options.retryDelayMs ?? 50;
    /** A read issued before the last batch was handled: it was full, so more was waiting. */
    let ahead: { readonly number: number; readonly result: Promise<Settled<LogRead>> } | undefined;
    while (!this.stopped) {
      // A read ahead was issued from the position the last batch ended at, which is this.position.
      const pending = ahead;
      ahead = undefined;
      const number = pending?.number ?? ++this.reads;
      const settled = await (pending?.result ?? settle(this.log.read(this.position, this.options.batch, this.options.blockMs)));
      if (this.stopped) return;
      if (!settled.ok) {
        this.handlers.onError?.(settled.error);
        await pause(delay);
        delay = Math.min(delay * 2, 2_000);
        continue;
      }
      const read = settled.value;
      delay = this.options.retryDelayMs ?? 50;
      if (read.epoch !== this.epoch) {
        if (read.epoch === '') {
          // The log is gone and not made again yet: make it, then read its epoch.
          await this.log.bounds().catch(() => undefined);
          continue;
        }
        this.handlers.onEpoch(read.epoch);
        this.epoch = read.epoch;
        this.position = 0;
        this.head = read.head;
        continue;
      }
      if (read.head < this.position) {
        // The log is behind what was read from it (restored from an older persistence file): its next
        // positions would name other entries. It gets a new epoch, and reading starts over from it.
        await this.log.renewEpoch(this.epoch).catch(() => undefined);
        continue;
      }
      this.head = read.head;
      const first = read.entries[0];
      if (first !== undefined && first.pos !== this.position + 1) {
        this.handlers.onGap(this.position, first.pos);
        this.position = first.pos - 1;
      }
      const last = read.entries[read.entries.length - 1];
      if (read.entries.length >= this.options.batch && last !== undefined) {
        // A full batch: more is waiting. Ask for it now, so that Redis answers while this batch is handled.
        ahead = { number: ++this.reads, result: settle(this.log.read(last.pos, this.options.batch, 0)) };
      }
      if (last !== undefined) {
        this.handlers.onEntries(read.entries);
        this.position = last.pos;
      }
      this.handlers.onRead?.(number, this.position >= this.head);
      // Let timers and sockets run before the next batch, even when a read is answered without I/O.
      if (ahead !== undefined) await new Promise((resolve) => setImmediate(resolve));
    }
    // Stopped with a read ahead in flight: let it end (its result is not used).
    await ahead?.result;
  }
}

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** A promise that never rejects: a read issued ahead may fail before anyone waits for it. */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
