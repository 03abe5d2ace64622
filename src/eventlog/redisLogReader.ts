import { RespClient } from '../redis/client';
import { ChannelNames, encodeCommand, type ReplyCursor } from '../redis/resp';
import type { LogRead } from './eventLog';
import { readEntries } from './xreadReply';

/** What the read connection needs. */
export interface RedisLogReaderOptions {
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

/**
 * The log's blocking reads on a connection of their own (`RespClient`): each read is `XREAD` and
 * `HMGET` of the epoch and head in one write, and the replies become entries straight from the
 * received bytes (`xreadReply.ts`). Reads wait while the connection is down; a read in flight when it
 * drops fails (the follower retries it); a read unanswered long past its blocking time drops it.
 */
export class RedisLogReader {
  private readonly client: RespClient;
  private readonly channels = new ChannelNames();
  /** The epoch and head the last read saw: what a read pending at `close()` resolves with. */
  private last = { epoch: '', head: 0 };

  constructor(private readonly options: RedisLogReaderOptions) {
    this.client = new RespClient(options);
  }

  /** True while connected and set up. */
  get isReady(): boolean {
    return this.client.isReady;
  }

  /** The entries after `after` (at most `count`), waiting up to `blockMs` for one when there is none. */
  read(after: number, count: number, blockMs: number): Promise<LogRead> {
    const args: (string | number)[] = ['XREAD', 'COUNT', count];
    if (blockMs > 0) args.push('BLOCK', blockMs);
    args.push('STREAMS', this.options.streamKey, `${after}-0`);
    const command = Buffer.concat([encodeCommand(args), encodeCommand(['HMGET', this.options.metaKey, 'epoch', 'pos'])]);
    return this.client.request(command, 2, (replies) => this.readReplies(replies), () => ({ ...this.last, entries: [] }), blockMs);
  }

  /** Closes the connection; reads still pending resolve with no entries. */
  close(): void {
    this.client.close();
  }

  private readReplies([xread, meta]: readonly ReplyCursor[]): LogRead {
    const entries = readEntries(xread as ReplyCursor, this.channels);
    const cursor = meta as ReplyCursor;
    cursor.array();
    this.last = { epoch: cursor.text() ?? '', head: Number(cursor.text() ?? 0) };
    return { ...this.last, entries };
  }
}
