import { RespConnection } from '../redis/connection';
import { ChannelNames, encodeCommand, RespProtocolError, type ReplyCursor } from '../redis/resp';
import type { LogEntry, LogRead } from './eventLog';
import { readEntries } from './xreadReply';

/** What the read connection needs. */
export interface LogReaderOptions {
  /** `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. */
  readonly url: string;
  /** The log's stream and its meta hash (epoch and head). */
  readonly streamKey: string;
  readonly metaKey: string;
  /** Shown by `CLIENT LIST`. */
  readonly connectionName: string;
  /** Longest wait between reconnection attempts (default 2 s). */
  readonly maxRetryDelayMs?: number;
  /** How long a read may go unanswered past its own blocking time before the connection is dropped (default 10 s). */
  readonly answerGraceMs?: number;
  /** Every change between ready (connected and set up) and not. */
  onStatus(ready: boolean): void;
  /** A connection fault (it is retried). */
  onError(error: Error): void;
}

/** A read sent and not fully answered: it takes its two replies in order. */
interface InFlight {
  /** Takes the next reply; true once it has both. */
  take(cursor: ReplyCursor): boolean;
  fail(error: Error): void;
  /** The reader was closed: the read resolves with no entries. */
  abandon(): void;
  /** By when it must have been answered. */
  readonly deadline: number;
}

interface Queued {
  readonly command: Buffer;
  readonly request: InFlight;
}

/**
 * The log's blocking reads on a connection of their own (`RespConnection`): each read is `XREAD` and
 * `HMGET` of the epoch and head in one write, and the replies become entries straight from the
 * received bytes (`xreadReply.ts`). Reads wait while the connection is down; a read in flight when it
 * drops fails (the follower retries it); a read unanswered long past its blocking time drops it.
 */
export class LogReader {
  private closed = false;
  private readonly connection: RespConnection;
  private readonly waiting: Queued[] = [];
  private readonly inFlight: InFlight[] = [];
  private readonly channels = new ChannelNames();
  /** The epoch and head the last read saw: what a read pending at `close()` resolves with. */
  private last = { epoch: '', head: 0 };

  constructor(private readonly options: LogReaderOptions) {
    this.connection = new RespConnection({
      url: options.url,
      connectionName: options.connectionName,
      maxRetryDelayMs: options.maxRetryDelayMs,
      answerGraceMs: options.answerGraceMs,
      onReply: (cursor) => this.reply(cursor),
      onStatus: (ready) => this.status(ready),
      onError: (error) => options.onError(error),
      waitingTooLong: () => this.inFlight.some((request) => request.deadline < Date.now()),
    });
  }

  /** True while connected and set up. */
  get isReady(): boolean {
    return this.connection.isReady;
  }

  /** The entries after `after` (at most `count`), waiting up to `blockMs` for one when there is none. */
  read(after: number, count: number, blockMs: number): Promise<LogRead> {
    if (this.closed) return Promise.reject(new Error('log reader is closed'));
    const args: (string | number)[] = ['XREAD', 'COUNT', count];
    if (blockMs > 0) args.push('BLOCK', blockMs);
    args.push('STREAMS', this.options.streamKey, `${after}-0`);
    const command = Buffer.concat([encodeCommand(args), encodeCommand(['HMGET', this.options.metaKey, 'epoch', 'pos'])]);
    return new Promise<LogRead>((resolve, reject) => {
      let entries: LogEntry[] = [];
      let failure: Error | undefined;
      let replies = 0;
      const request: InFlight = {
        deadline: Date.now() + blockMs + this.connection.graceMs,
        take: (cursor) => {
          replies += 1;
          try {
            if (replies === 1) entries = readEntries(cursor, this.channels);
            else {
              cursor.array();
              this.last = { epoch: cursor.text() ?? '', head: Number(cursor.text() ?? 0) };
            }
          } catch (error) {
            if (error instanceof RespProtocolError) throw error;
            failure ??= error as Error;
          }
          if (replies < 2) return false;
          if (failure === undefined) resolve({ ...this.last, entries });
          else reject(failure);
          return true;
        },
        fail: reject,
        abandon: () => resolve({ ...this.last, entries: [] }),
      };
      this.send({ command, request });
    });
  }

  /** Closes the connection; reads still pending resolve with no entries. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const pending = [...this.inFlight.splice(0), ...this.waiting.splice(0).map((q) => q.request)];
    for (const request of pending) request.abandon();
    this.connection.close();
  }

  private send(queued: Queued): void {
    if (this.connection.write(queued.command)) this.inFlight.push(queued.request);
    else this.waiting.push(queued);
  }

  private reply(cursor: ReplyCursor): void {
    const request = this.inFlight[0];
    if (request === undefined) throw new RespProtocolError('a reply nothing asked for');
    if (request.take(cursor)) this.inFlight.shift();
  }

  private status(ready: boolean): void {
    if (ready) for (const queued of this.waiting.splice(0)) this.send(queued);
    else for (const request of this.inFlight.splice(0)) request.fail(new Error('log reader: the connection to Redis was lost'));
    this.options.onStatus(ready);
  }
}
