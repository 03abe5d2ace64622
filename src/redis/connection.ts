import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { faultLog, retryDelayMs } from './reconnect';
import { encodeCommand, ReplyCursor, RespProtocolError, scanReply, type ReplyScan } from './resp';

/** What a connection is told and asked by its owner. */
export interface RespConnectionOptions {
  /** `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. */
  readonly url: string;
  /** Shown by `CLIENT LIST`. */
  readonly connectionName: string;
  /** Longest wait between reconnection attempts (default 2 s). */
  readonly maxRetryDelayMs?: number;
  /** How long the connection may stay unset-up, or quiet past the deadline of an answer owed (see `overdueIn`), before it is dropped (default 10 s). */
  readonly answerGraceMs?: number;
  /** Every complete reply once the connection is set up, in order: a cursor of its own, over bytes never written again (it may be kept). */
  onReply(cursor: ReplyCursor): void;
  /** Every change between ready (connected and set up) and not. */
  onStatus(ready: boolean): void;
  /** A connection fault (the connection is retried); each distinct one once per outage. */
  onError(error: Error): void;
  /** Milliseconds until the earliest answer owed is overdue (0 or less: it is; Infinity: none is owed). */
  overdueIn(): number;
}

/**
 * Bytes of a receive slab. Replies are read where they land in it and handed out as views, so a slab is
 * only ever appended to: when the room left is short the next read goes to a new one, which starts with
 * the unfinished reply's bytes.
 */
const SLAB_BYTES = 1024 * 1024;
/** The least room a read is given. */
const READ_BYTES = 64 * 1024;
/** Where a read lands for a socket this connection has left behind (its bytes are dropped). */
const STALE_READS = Buffer.allocUnsafe(READ_BYTES);

/**
 * One Redis connection without a general client: it connects, authenticates, selects the database and
 * names itself, then hands each complete reply to its owner as a cursor over the received bytes: the
 * socket reads straight into the connection's slab (no buffer per read, no copy), and a reply is read
 * where it landed. Reconnects forever with capped backoff. Owners: `RespClient` (the log's reads and appends)
 * and the pub/sub `Subscriber`.
 */
export class RespConnection {
  private socket: Socket | undefined;
  private ready = false;
  private closed = false;
  private attempts = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Set-up replies still owed on the current connection. */
  private setUpOwed = 0;
  /** The receive slab: the reply being read starts at `start`; bytes up to `end` have arrived. */
  private rx: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  /** Counts sockets: reads of an earlier one (closing) touch nothing of the current one's. */
  private generation = 0;
  private readonly scan: ReplyScan = { pos: 0, owed: 1 };
  readonly graceMs: number;
  private readonly faults: ReturnType<typeof faultLog>;

  constructor(private readonly options: RespConnectionOptions) {
    this.graceMs = options.answerGraceMs ?? 10_000;
    this.faults = faultLog((error) => options.onError(error));
    this.connect();
  }

  /** True while connected and set up. */
  get isReady(): boolean {
    return this.ready;
  }

  /** Sends bytes on a ready connection; false (nothing sent) when it is not ready. */
  write(bytes: Buffer): boolean {
    if (!this.ready || this.socket === undefined) return false;
    this.socket.write(bytes);
    return true;
  }

  /** Closes for good. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.socket?.destroy();
    this.setReady(false);
  }

  private connect(): void {
    let url: URL;
    try {
      url = new URL(this.options.url);
    } catch {
      this.faults.report(new Error('the Redis URL does not parse'));
      return;
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
    const port = url.port === '' ? 6379 : Number(url.port);
    const tls = url.protocol === 'rediss:';
    const generation = ++this.generation;
    const current = (): boolean => generation === this.generation;
    // TCP reads land in the slab (Node's `onread`); TLS hands out decrypted chunks, copied in.
    const onread = {
      buffer: (): Buffer => (current() ? this.room(READ_BYTES) : STALE_READS),
      callback: (bytes: number): boolean => {
        if (current()) this.received(socket, bytes);
        return true;
      },
    };
    // TLS names the server by host name (SNI), never by an address.
    const socket: Socket = tls ? connectTls({ host, port, ...(isIP(host) === 0 ? { servername: host } : {}) }) : connectTcp({ host, port, onread });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setTimeout(this.graceMs);
    socket.on(tls ? 'secureConnect' : 'connect', () => this.setUp(socket, url));
    if (tls) {
      socket.on('data', (chunk: Buffer) => {
        if (!current()) return;
        chunk.copy(this.room(chunk.length));
        this.received(socket, chunk.length);
      });
    }
    socket.on('timeout', () => {
      const left = this.ready ? this.options.overdueIn() : 0;
      if (left <= 0) socket.destroy(new Error('Redis did not answer in time'));
      // The idle timer fires once per quiet spell: set it again, to look when the next answer falls due.
      else socket.setTimeout(Math.min(this.graceMs, left));
    });
    socket.on('error', (error) => this.faults.report(error));
    socket.on('close', () => this.lost(socket));
  }

  /**
   * Authenticates, selects the database, pings and names the connection; ready once Redis answered each.
   * A refused AUTH, SELECT or PING (`LOADING`) drops the connection (and is retried with backoff); a
   * refused name is ignored, as a user without `client|setname` can still do all the rest.
   */
  private setUp(socket: Socket, url: URL): void {
    const commands: (string | number)[][] = [];
    const password = decodeURIComponent(url.password);
    const username = decodeURIComponent(url.username);
    if (password !== '') commands.push(username === '' ? ['AUTH', password] : ['AUTH', username, password]);
    const db = Number(url.pathname.slice(1) || 0);
    if (Number.isInteger(db) && db > 0) commands.push(['SELECT', db]);
    // Refused while Redis loads its data: the connection is not ready until Redis can answer commands.
    commands.push(['PING']);
    commands.push(['CLIENT', 'SETNAME', this.options.connectionName]);
    this.setUpOwed = commands.length;
    socket.write(Buffer.concat(commands.map(encodeCommand)));
  }

  /**
   * A view of the slab with at least `bytes` of room after what has arrived. With less left, a new slab
   * is taken, holding the unfinished reply's bytes: the old one stays as it is for the replies handed out.
   */
  private room(bytes: number): Buffer {
    if (this.rx.length - this.end < bytes) {
      const kept = this.end - this.start;
      const next = Buffer.allocUnsafe(Math.max(SLAB_BYTES, 2 * kept + bytes));
      this.rx.copy(next, 0, this.start, this.end);
      this.scan.pos -= this.start;
      this.rx = next;
      this.start = 0;
      this.end = kept;
    }
    return this.rx.subarray(this.end);
  }

  /** `bytes` more arrived at the slab's `end`, on the current socket (its callers check the generation). */
  private received(socket: Socket, bytes: number): void {
    this.end += bytes;
    try {
      this.drain(socket);
    } catch (error) {
      socket.destroy(error as Error);
    }
  }

  /** Hands every complete reply on. */
  private drain(socket: Socket): void {
    // A reply that made the socket be destroyed (a refused AUTH, a reply out of line) ends the reading of this one.
    while (this.start < this.end && socket === this.socket && !socket.destroyed) {
      const end = scanReply(this.rx, this.end, this.scan);
      if (end < 0) return;
      const cursor = new ReplyCursor(this.rx, this.start);
      this.start = this.scan.pos = end;
      this.scan.owed = 1;
      if (this.setUpOwed > 0) this.setUpReply(socket, cursor);
      else this.options.onReply(cursor);
    }
  }

  private setUpReply(socket: Socket, cursor: ReplyCursor): void {
    this.setUpOwed -= 1;
    const naming = this.setUpOwed === 0;
    try {
      cursor.status();
    } catch (error) {
      if (error instanceof RespProtocolError) throw error;
      if (!naming) {
        socket.destroy(error as Error);
        return;
      }
    }
    if (!naming) return;
    this.attempts = 0;
    this.faults.clear();
    this.setReady(true);
  }

  private lost(socket: Socket): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.generation += 1;
    this.rx = Buffer.alloc(0);
    this.start = this.end = this.scan.pos = 0;
    this.scan.owed = 1;
    this.setUpOwed = 0;
    this.setReady(false);
    if (this.closed) return;
    const delay = retryDelayMs(this.attempts, this.options.maxRetryDelayMs);
    this.attempts += 1;
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private setReady(ready: boolean): void {
    if (ready === this.ready) return;
    this.ready = ready;
    this.options.onStatus(ready);
  }
}
