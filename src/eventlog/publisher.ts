import type { AppendOutcome, EventLog } from './eventLog';
import { runField, runKeyOf, type RunKey } from './runKey';

/** Options of a publisher. */
export interface PublisherOptions {
  /** First wait before retrying a failed append; doubles up to `maxRetryDelayMs`. */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  /** Whether appends also PUBLISH (default true; false for a bridge: the message was published already). */
  readonly publish?: boolean;
  /** Told about each failed attempt (the append is retried). */
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

/**
 * Publishes messages by appending them to the log (which also PUBLISHes them on their channel).
 * An envelope v1 message is appended with its run and `seq`, so a retry — or a second append of the
 * same event — is refused by the log as a duplicate: a failed append is retried with the same `seq`
 * until it is logged or the publisher is closed.
 */
export class Publisher {
  private closed = false;

  constructor(
    private readonly log: EventLog,
    private readonly options: PublisherOptions = {},
  ) {}

  /** Appends one message; `key` saves parsing it when the caller knows its run and `seq`. Rejects only once closed. */
  async publish(channel: string, message: string | Buffer, key: RunKey | undefined = runKeyOf(message)): Promise<AppendOutcome> {
    const publish = this.options.publish ?? true;
    const request = key === undefined ? { channel, message, publish } : { channel, message, publish, run: runField(key), seq: key.seq };
    let delay = this.options.retryDelayMs ?? 50;
    for (let attempt = 1; ; attempt += 1) {
      if (this.closed) throw new Error('publisher is closed');
      try {
        return await this.log.append(request);
      } catch (error) {
        if (this.closed) throw error;
        this.options.onRetry?.(error, attempt);
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, this.options.maxRetryDelayMs ?? 2_000);
      }
    }
  }

  /** Stops retrying; appends already accepted by the log stay. */
  close(): void {
    this.closed = true;
  }
}
