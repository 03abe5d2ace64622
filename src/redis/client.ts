import { RespConnection } from './connection';
import { RespProtocolError, type ReplyCursor } from './resp';

/** What a client needs. */
export interface RespClientOptions {
  readonly url: string;
  readonly connectionName: string;
  readonly maxRetryDelayMs?: number;
  /** How long a request may go unanswered past its own blocking time before the connection is dropped (default 10 s). */
  readonly answerGraceMs?: number;
  /**
   * Whether requests unanswered when the connection drops are sent again, first and in order, once it
   * is back (for requests that are safe to repeat, such as appends the log deduplicates) — else they fail.
   */
  readonly resendUnanswered?: boolean;
  /** Every change between ready (connected and set up) and not. */
  onStatus(ready: boolean): void;
  onError(error: Error): void;
}

/** A request sent or waiting to be. */
interface Request {
  readonly bytes: Buffer;
  readonly replies: number;
  cursors: ReplyCursor[];
  /** By when it must have been answered, once sent. */
  deadline: number;
  readonly blockMs: number;
  finish(cursors: readonly ReplyCursor[]): void;
  fail(error: Error): void;
  /** The client was closed before the answer came. */
  abandon(): void;
}

/**
 * Requests and replies in order on one `RespConnection`: a request is one write of one or more
 * commands, answered when all their replies have come, read by the caller from cursors over the
 * received bytes (which stay valid). Requests made while the connection is down wait and go out in
 * order once it is up; those in flight when it drops fail, or are sent again first (`resendUnanswered`);
 * one unanswered long past its blocking time drops the connection.
 */
export class RespClient {
  private closed = false;
  private readonly connection: RespConnection;
  private waiting: Request[] = [];
  /** Requests sent, oldest first from `head` (a queue: taking the oldest is O(1); taken slots are emptied). */
  private inFlight: (Request | undefined)[] = [];
  private head = 0;

  constructor(private readonly options: RespClientOptions) {
    this.connection = new RespConnection({
      url: options.url,
      connectionName: options.connectionName,
      maxRetryDelayMs: options.maxRetryDelayMs,
      answerGraceMs: options.answerGraceMs,
      onReply: (cursor) => this.reply(cursor),
      onStatus: (ready) => this.status(ready),
      onError: (error) => options.onError(error),
      overdueIn: () => {
        let earliest = Number.POSITIVE_INFINITY;
        for (let i = this.head; i < this.inFlight.length; i++) earliest = Math.min(earliest, (this.inFlight[i] as Request).deadline);
        return earliest - Date.now();
      },
    });
  }

  get isReady(): boolean {
    return this.connection.isReady;
  }

  /**
   * Sends `bytes` (holding `replies` commands) and resolves with `read` of their replies. `read` may
   * throw (e.g. a Redis error reply read by a cursor): the request rejects with it. Once the client is
   * closed, a pending request settles with `abandoned()` (resolves with what it returns, rejects with what it throws).
   */
  request<T>(bytes: Buffer, replies: number, read: (cursors: readonly ReplyCursor[]) => T, abandoned: () => T, blockMs = 0): Promise<T> {
    if (this.closed) return Promise.reject(new Error('redis connection is closed'));
    return new Promise<T>((resolve, reject) => {
      const settle = (value: () => T): void => {
        try {
          resolve(value());
        } catch (error) {
          reject(error as Error);
        }
      };
      this.send({
        bytes,
        replies,
        cursors: [],
        deadline: 0,
        blockMs,
        finish: (cursors) => settle(() => read(cursors)),
        fail: reject,
        abandon: () => settle(abandoned),
      });
    });
  }

  /** Closes once the requests pending are answered (or after `timeoutMs`, abandoning the rest). */
  async quit(timeoutMs = 2_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending > 0 && this.connection.isReady && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    this.close();
  }

  /** Requests sent or waiting, not answered yet. */
  get pending(): number {
    return this.inFlight.length - this.head + this.waiting.length;
  }

  /** Closes the connection; requests still pending are abandoned. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const pending = [...this.takeUnanswered(), ...this.waiting];
    this.waiting = [];
    for (const request of pending) request.abandon();
    this.connection.close();
  }

  private send(request: Request): void {
    if (!this.connection.write(request.bytes)) {
      this.waiting.push(request);
      return;
    }
    request.deadline = Date.now() + request.blockMs + this.connection.graceMs;
    this.inFlight.push(request);
  }

  private reply(cursor: ReplyCursor): void {
    const request = this.inFlight[this.head];
    // The connection drops this one (and reconnects): its replies no longer line up with requests.
    if (request === undefined) throw new RespProtocolError('a reply nothing asked for');
    request.cursors.push(cursor);
    if (request.cursors.length < request.replies) return;
    this.inFlight[this.head] = undefined;
    this.head += 1;
    if (this.head === this.inFlight.length) {
      this.inFlight = [];
      this.head = 0;
    } else if (this.head > 1024) {
      this.inFlight = this.inFlight.slice(this.head);
      this.head = 0;
    }
    request.finish(request.cursors);
  }

  /** Takes the requests sent and not answered, oldest first. */
  private takeUnanswered(): Request[] {
    const unanswered = this.inFlight.slice(this.head) as Request[];
    this.inFlight = [];
    this.head = 0;
    return unanswered;
  }

  private status(ready: boolean): void {
    if (ready) {
      const waiting = this.waiting;
      this.waiting = [];
      for (const request of waiting) this.send(request);
    } else if (this.options.resendUnanswered === true) {
      const unanswered = this.takeUnanswered();
      for (const request of unanswered) request.cursors = [];
      this.waiting = [...unanswered, ...this.waiting];
    } else {
      for (const request of this.takeUnanswered()) request.fail(new Error('the connection to Redis was lost'));
    }
    this.options.onStatus(ready);
  }
}
