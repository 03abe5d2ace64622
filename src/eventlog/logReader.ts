import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { LogEntry, LogRead } from './eventLog';
import { ChannelNames, encodeCommand, ReplyCursor, RespProtocolError, readEntries, scanReply, type ReplyScan } from './resp';

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
  /** How long a read may go unanswered past its own blocking time, or a connection stay unset-up, before it is dropped (default 10 s). */
  readonly answerGraceMs?: number;
  /** Every change between ready (connected and set up) and not. */
  onStatus(ready: boolean): void;
  /** A connection fault (it is retried). */
  onError(error: Error): void;
}

/** Bytes a receive buffer starts with when a reply spans several chunks. */
const RECEIVE_BUFFER_BYTES = 256 * 1024;

/** A request sent and not fully answered: it takes its replies one at a time, in order. */
interface InFlight {
  /** Takes the next reply; true once it has all of them. */
  take(cursor: ReplyCursor): boolean;
  fail(error: Error): void;
  /** The reader was closed: a read resolves with no entries. */
  abandon(): void;
  /** By when it must have been answered. */
  readonly deadline: number;
}

interface Queued {
  readonly command: Buffer;
  readonly request: InFlight;
}

/**
 * The log's blocking reads on a connection of their own, without a general Redis client: each read
 * is `XREAD` and `HMGET` of the epoch and head in one write, and the replies become entries straight
 * from the received bytes (`resp.ts`). Connects at once and reconnects forever with capped backoff;
 * reads wait while it is down, and a read in flight when the connection drops fails (the follower
 * retries it). A read unanswered long past its blocking time drops the connection.
 */
export class LogReader {
  private socket: Socket | undefined;
  private ready = false;
  private closed = false;
  private attempts = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly waiting: Queued[] = [];
  private readonly inFlight: InFlight[] = [];
  private readonly channels = new ChannelNames();
  /** Received bytes: the reply being read starts at `start`; bytes up to `end` have arrived. */
  private rx: Buffer = Buffer.alloc(0);
  /** Whether `rx` is this reader's own buffer (else a chunk of the socket's, never written to). */
  private rxOwned = false;
  private start = 0;
  private end = 0;
  private readonly scan: ReplyScan = { pos: 0, owed: 1 };
  /** The epoch and head the last read saw: what a read pending at `close()` resolves with. */
  private last = { epoch: '', head: 0 };
  private readonly graceMs: number;

  constructor(private readonly options: LogReaderOptions) {
    this.graceMs = options.answerGraceMs ?? 10_000;
    this.connect();
  }

  /** True while connected and set up. */
  get isReady(): boolean {
    return this.ready;
  }

  /** The entries after `after` (at most `count`), waiting up to `blockMs` for one when there is none. */
  read(after: number, count: number, blockMs: number): Promise<LogRead> {
    if (this.closed) return Promise.reject(new Error('log reader is closed'));
    const args: (string | number)[] = ['XREAD', 'COUNT', count];
    if (blockMs > 0) args.push('BLOCK', blockMs);
    args.push('STREAMS', this.options.streamKey, `${after}-0`);
    const command = Buffer.concat([encodeCommand(args), encodeCommand(['HMGET', this.options.metaKey, 'epoch', 'pos'])]);
    return new Promise<LogRead>((resolve, reject) => {
      let entries: LogEntry[] | undefined;
      let failure: Error | undefined;
      let replies = 0;
      const request: InFlight = {
        deadline: Date.now() + blockMs + this.graceMs,
        take: (cursor) => {
          replies += 1;
          try {
            if (replies === 1) entries = readEntries(cursor, this.channels);
            else {
              cursor.array();
              const epoch = cursor.text() ?? '';
              const head = Number(cursor.text() ?? 0);
              this.last = { epoch, head };
              if (failure === undefined) resolve({ epoch, head, entries: entries ?? [] });
            }
          } catch (error) {
            if (error instanceof RespProtocolError) throw error;
            failure ??= error as Error;
          }
          if (replies < 2) return false;
          if (failure !== undefined) reject(failure);
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
    clearTimeout(this.retryTimer);
    const pending = [...this.inFlight, ...this.waiting.map((q) => q.request)];
    this.inFlight.length = 0;
    this.waiting.length = 0;
    this.socket?.destroy();
    for (const request of pending) request.abandon();
    this.setReady(false);
  }

  private send(queued: Queued): void {
    if (!this.ready || this.socket === undefined) {
      this.waiting.push(queued);
      return;
    }
    this.inFlight.push(queued.request);
    this.socket.write(queued.command);
  }

  private connect(): void {
    let url: URL;
    try {
      url = new URL(this.options.url);
    } catch {
      this.options.onError(new Error('log reader: the Redis URL does not parse'));
      return;
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
    const port = url.port === '' ? 6379 : Number(url.port);
    const tls = url.protocol === 'rediss:';
    const socket = tls ? connectTls({ host, port, servername: host }) : connectTcp({ host, port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setTimeout(this.graceMs);
    socket.on(tls ? 'secureConnect' : 'connect', () => this.setUp(socket, url));
    socket.on('data', (chunk: Buffer) => this.receive(socket, chunk));
    socket.on('timeout', () => {
      const overdue = this.inFlight.some((request) => request.deadline < Date.now());
      if (!this.ready || overdue) socket.destroy(new Error('log reader: Redis did not answer in time'));
      // The idle timer fires once per quiet spell: set it again to look once more.
      else socket.setTimeout(this.graceMs);
    });
    socket.on('error', (error) => this.options.onError(error));
    socket.on('close', () => this.lost(socket));
  }

  /** Authenticates, selects the database and names the connection; ready once Redis said OK to each. */
  private setUp(socket: Socket, url: URL): void {
    const commands: (string | number)[][] = [];
    const password = decodeURIComponent(url.password);
    const username = decodeURIComponent(url.username);
    if (password !== '') commands.push(username === '' ? ['AUTH', password] : ['AUTH', username, password]);
    const db = Number(url.pathname.slice(1) || 0);
    if (Number.isInteger(db) && db > 0) commands.push(['SELECT', db]);
    commands.push(['CLIENT', 'SETNAME', this.options.connectionName]);
    let answered = 0;
    this.inFlight.push({
      deadline: Date.now() + this.graceMs,
      take: (cursor) => {
        answered += 1;
        try {
          cursor.status();
        } catch (error) {
          socket.destroy(error as Error);
          return true;
        }
        if (answered < commands.length) return false;
        this.attempts = 0;
        this.setReady(true);
        for (const queued of this.waiting.splice(0)) this.send(queued);
        return true;
      },
      fail: () => undefined,
      abandon: () => undefined,
    });
    socket.write(Buffer.concat(commands.map(encodeCommand)));
  }

  private receive(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    if (this.start === this.end) {
      // Nothing partial: read the chunk where it is.
      this.rx = chunk;
      this.rxOwned = false;
      this.start = this.scan.pos = 0;
      this.end = chunk.length;
    } else if (this.rxOwned && this.end + chunk.length <= this.rx.length) {
      chunk.copy(this.rx, this.end);
      this.end += chunk.length;
    } else {
      // A reply spans chunks: keep its start and what came after in a buffer of this reader's own.
      const kept = this.end - this.start;
      const next = Buffer.allocUnsafe(Math.max(RECEIVE_BUFFER_BYTES, 2 * (kept + chunk.length)));
      this.rx.copy(next, 0, this.start, this.end);
      chunk.copy(next, kept);
      this.scan.pos -= this.start;
      this.rx = next;
      this.rxOwned = true;
      this.start = 0;
      this.end = kept + chunk.length;
    }
    try {
      this.drain();
    } catch (error) {
      socket.destroy(error as Error);
    }
  }

  /** Hands every complete reply to the request it answers. */
  private drain(): void {
    for (;;) {
      const request = this.inFlight[0];
      if (request === undefined) {
        if (this.start < this.end) throw new RespProtocolError('log reader: a reply nothing asked for');
        return;
      }
      const end = scanReply(this.rx, this.end, this.scan);
      if (end < 0) return;
      if (request.take(new ReplyCursor(this.rx, this.start))) this.inFlight.shift();
      this.start = this.scan.pos = end;
      this.scan.owed = 1;
    }
  }

  private lost(socket: Socket): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.rx = Buffer.alloc(0);
    this.start = this.end = this.scan.pos = 0;
    this.scan.owed = 1;
    const failed = this.inFlight.splice(0);
    this.setReady(false);
    for (const request of failed) request.fail(new Error('log reader: the connection to Redis was lost'));
    if (this.closed) return;
    const delay = Math.min(50 * 2 ** Math.min(this.attempts, 10), this.options.maxRetryDelayMs ?? 2_000);
    this.attempts += 1;
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private setReady(ready: boolean): void {
    if (ready === this.ready) return;
    this.ready = ready;
    this.options.onStatus(ready);
  }
}
