import type { Logger } from 'pino';
import type { Rejected, RejectReason } from '../events';

/** One entry of the dead-letter list that `GET /rejected` shows. */
export interface DeadLetter {
  /** When the server received it (ISO-8601). */
  readonly at: string;
  readonly channel: string;
  readonly reason: RejectReason;
  readonly message: string;
  /** The start of the raw message. */
  readonly sample: string;
  readonly bytes: number;
}

/**
 * Keeps rejected messages out of the hot log: the first of each reason is logged
 * with a sample, later ones only as one count line per reason per minute (`flush`).
 */
export class RejectionLog {
  /** Totals by reason since start. */
  readonly totals = new Map<RejectReason, number>();
  private readonly sinceFlush = new Map<RejectReason, number>();
  private readonly recent: DeadLetter[] = [];

  constructor(
    private readonly capacity: number,
    private readonly log: Logger,
  ) {}

  /** Records one rejection at time `at`. */
  record(rejected: Rejected, at: Date): void {
    const seen = this.totals.get(rejected.reason) ?? 0;
    this.totals.set(rejected.reason, seen + 1);
    if (seen === 0) {
      this.log.warn(
        { channel: rejected.channel, reason: rejected.reason, sample: rejected.sample, bytes: rejected.bytes },
        `rejected event (first ${rejected.reason}): ${rejected.message}`,
      );
    } else {
      this.sinceFlush.set(rejected.reason, (this.sinceFlush.get(rejected.reason) ?? 0) + 1);
    }
    if (this.capacity === 0) return;
    if (this.recent.length >= this.capacity) this.recent.shift();
    this.recent.push({ at: at.toISOString(), ...rejected });
  }

  /** Logs one count line per reason seen since the last call; meant to run once a minute. */
  flush(): void {
    for (const [reason, count] of this.sinceFlush) {
      this.log.warn({ reason, count, total: this.totals.get(reason) }, `rejected ${count} more event(s) for ${reason}`);
    }
    this.sinceFlush.clear();
  }

  /** The dead-letter list, newest first. */
  list(): DeadLetter[] {
    return [...this.recent].reverse();
  }
}
