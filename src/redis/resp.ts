/**
 * The few pieces of RESP2 (Redis's wire protocol) that the connections appending to the log, reading
 * it and receiving pub/sub need: commands out, and replies walked in place, so that a reply's parts are read straight from the
 * received bytes without a general parser's buffer per value (these run for every event a server handles).
 */

const CR = 13;
const LF = 10;
const MINUS = 45;

/** A command as RESP: an array of bulk strings, written into one buffer (a batch of appends is one command of thousands of arguments). */
export function encodeCommand(args: readonly (string | number | Buffer)[]): Buffer {
  const lengths: number[] = [];
  let size = 0;
  for (const arg of args) {
    const length = Buffer.isBuffer(arg) ? arg.length : Buffer.byteLength(typeof arg === 'number' ? String(arg) : arg);
    lengths.push(length);
    size += length + String(length).length + 5;
  }
  const head = `*${args.length}\r\n`;
  const out = Buffer.allocUnsafe(head.length + size);
  let at = out.write(head, 0, 'latin1');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string | number | Buffer;
    const length = lengths[i] as number;
    at += out.write(`$${length}\r\n`, at, 'latin1');
    if (Buffer.isBuffer(arg)) arg.copy(out, at);
    else out.write(typeof arg === 'number' ? String(arg) : arg, at);
    at += length;
    out[at++] = CR;
    out[at++] = LF;
  }
  return out;
}

/** Where the line starting at `start` ends (the index of its CR), or -1 when its CRLF has not arrived yet. */
function lineEnd(buf: Buffer, start: number, end: number): number {
  for (let i = start; i + 1 < end; i++) if (buf[i] === CR) return buf[i + 1] === LF ? i : -1;
  return -1;
}

/** The signed decimal between `start` and `end` (a RESP length or integer), NaN when it is not one. */
function readInt(buf: Buffer, start: number, end: number): number {
  const negative = buf[start] === MINUS;
  let i = negative ? start + 1 : start;
  if (i === end) return Number.NaN;
  let n = 0;
  for (; i < end; i++) {
    const digit = (buf[i] as number) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    n = n * 10 + digit;
  }
  return negative ? -n : n;
}

/** Thrown for bytes that are not RESP2: the connection cannot be read further. */
export class RespProtocolError extends Error {}

/** Where a walk over a reply stands: the first element not complete yet, and how many are still owed. */
export interface ReplyScan {
  pos: number;
  /** Elements still owed; a walk starts at 1 (the reply itself). */
  owed: number;
}

/**
 * Walks a reply in `buf` from `scan` up to `end` without building it: returns the index just past the
 * reply once all of it has arrived, or -1, leaving in `scan` where to go on when more bytes come (so
 * bytes already walked are not walked again).
 */
export function scanReply(buf: Buffer, end: number, scan: ReplyScan): number {
  let { pos, owed } = scan;
  while (owed > 0) {
    const cr = lineEnd(buf, pos + 1, end);
    if (cr < 0) break;
    const type = buf[pos];
    let next = cr + 2;
    if (type === 0x2a /* * */) {
      const n = readInt(buf, pos + 1, cr);
      if (Number.isNaN(n)) throw new RespProtocolError('malformed array length');
      owed += Math.max(n, 0);
    } else if (type === 0x24 /* $ */) {
      const n = readInt(buf, pos + 1, cr);
      if (Number.isNaN(n)) throw new RespProtocolError('malformed bulk length');
      if (n >= 0) {
        next += n + 2;
        if (next > end) break;
      }
    } else if (type !== 0x2b /* + */ && type !== 0x2d /* - */ && type !== 0x3a /* : */) {
      throw new RespProtocolError(`unexpected reply type byte ${String(type)}`);
    }
    pos = next;
    owed -= 1;
  }
  scan.pos = pos;
  scan.owed = owed;
  return owed === 0 ? pos : -1;
}

/** A cursor over one complete reply (as `scanReply` found it): reads its parts in order. */
export class ReplyCursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
  ) {}

  /** The type byte of the next element. */
  get type(): number {
    return this.buf[this.pos] as number;
  }

  /** Reads a `*n`, `$n` or `:n` header and returns n (-1 for a null); throws a Redis error reply as an Error. */
  private header(expected: number): number {
    const buf = this.buf;
    const type = buf[this.pos];
    let cr = this.pos + 1;
    while (buf[cr] !== CR) cr++;
    if (type === 0x2d) throw new Error(buf.toString('utf8', this.pos + 1, cr));
    if (type !== expected) throw new RespProtocolError(`expected ${String.fromCharCode(expected)}, got ${String(type)}`);
    const n = readInt(buf, this.pos + 1, cr);
    this.pos = cr + 2;
    return n;
  }

  /** An array's length, -1 for a null array. */
  array(): number {
    return this.header(0x2a);
  }

  /** An integer reply. */
  integer(): number {
    return this.header(0x3a);
  }

  /** A status reply (`+OK`) as text. */
  status(): string {
    const cr = this.buf.indexOf(CR, this.pos);
    if (this.type === 0x2d) throw new Error(this.buf.toString('utf8', this.pos + 1, cr));
    if (this.type !== 0x2b) throw new RespProtocolError(`expected +, got ${String(this.type)}`);
    const text = this.buf.toString('utf8', this.pos + 1, cr);
    this.pos = cr + 2;
    return text;
  }

  /** Where the last bulk string read by `bulk` starts in `buf`. */
  start = 0;

  /** A bulk string's length (-1 for a null), its bytes starting at `start`; the cursor moves past it. */
  bulk(): number {
    const n = this.header(0x24);
    this.start = this.pos;
    if (n > 0) this.pos += n + 2;
    else if (n === 0) this.pos += 2;
    return n;
  }

  /** A bulk string as text, or undefined for a null. */
  text(): string | undefined {
    const n = this.header(0x24);
    if (n < 0) return undefined;
    const text = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n + 2;
    return text;
  }

  /** Skips one element, whatever it holds. */
  skip(): void {
    const scan = { pos: this.pos, owed: 1 };
    this.pos = scanReply(this.buf, this.buf.length, scan);
  }
}

/** Whether `buf[start, end)` holds exactly the bytes of `name` (a loop: names are short, and a native compare costs more to call). */
export function named(buf: Buffer, start: number, end: number, name: Buffer): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (buf[start + i] !== name[i]) return false;
  return true;
}

/** The digits at the start of `buf[start, end)` as a number (a stream id's milliseconds part). */
export function leadingNumber(buf: Buffer, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const digit = (buf[i] as number) - 48;
    if (digit < 0 || digit > 9) break;
    n = n * 10 + digit;
  }
  return n;
}

/** The decimal in `buf[start, end)` as `Number` reads its text; plain digits without making the text. */
export function numberAt(buf: Buffer, start: number, end: number): number {
  if (end > start && end - start <= 15) {
    let n = 0;
    let i = start;
    for (; i < end; i++) {
      const digit = (buf[i] as number) - 48;
      if (digit < 0 || digit > 9) break;
      n = n * 10 + digit;
    }
    if (i === end) return n;
  }
  return Number(buf.toString('utf8', start, end));
}

/**
 * Channel names as strings, made once per name (and mapped once, e.g. to strip a prefix): there are a
 * handful of channels, and a string made for every message would be garbage at every read.
 */
export class ChannelNames {
  private readonly names: { readonly bytes: Buffer; readonly text: string }[] = [];

  constructor(
    private readonly capacity = 64,
    private readonly map: (name: string) => string = (name) => name,
  ) {}

  of(buf: Buffer, start: number, end: number): string {
    for (const name of this.names) if (named(buf, start, end, name.bytes)) return name.text;
    const text = this.map(buf.toString('utf8', start, end));
    if (this.names.length < this.capacity) this.names.push({ bytes: Buffer.from(buf.subarray(start, end)), text });
    return text;
  }
}

