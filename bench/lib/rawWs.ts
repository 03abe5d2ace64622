import { connect, type Socket } from 'node:net';

/** Callbacks of a raw WebSocket client connection. */
export interface RawWsHandlers {
  open(): void;
  /** A whole message. `data` may be a view of a read buffer that the next read reuses: copy what must outlive the call. */
  message(data: Buffer): void;
  close(): void;
}

/**
 * The buffer every connection of the process reads into (Node's `onread`): a read's frames are handled
 * before the next read starts, and the bytes of a frame it ends inside are copied out. No stream, and
 * no buffer allocated per read, which with a thousand sockets was most of a load process's work.
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/**
 * A minimal WebSocket client over a raw TCP socket, for load generation: a fixed handshake
 * (no accept-key check), unmasked server frames parsed in place, pings answered. It costs the
 * load generator far less per connection than a full client, so a connection storm measures the
 * server rather than the generator. Client frames are masked with a zero key (allowed by RFC 6455).
 */
export class RawWs {
  private readonly socket: Socket;
  /** Received bytes not yet handled (an unfinished frame or handshake), copied out of the read buffer. */
  private pending: Buffer | undefined;
  private upgraded = false;
  private fragments: Buffer[] = [];
  private closed = false;

  constructor(host: string, port: number, path: string, localAddress: string, private readonly on: RawWsHandlers) {
    this.socket = connect({
      host,
      port,
      localAddress,
      noDelay: true,
      onread: { buffer: READ_BUFFER, callback: (length) => this.receive(READ_BUFFER, length) },
    });
    this.socket.on('connect', () => {
      this.socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    this.socket.on('error', () => this.finish());
    this.socket.on('close', () => this.finish());
  }

  /** Sends a text frame. */
  send(text: string): void {
    if (this.closed) return;
    this.socket.write(frame(0x1, Buffer.from(text)));
  }

  /** Drops the connection at once. */
  terminate(): void {
    this.socket.destroy();
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.on.close();
  }

  /** Handles the `length` bytes just read into `read`; returns true (Node's `onread`: keep reading). */
  private receive(read: Buffer, length: number): boolean {
    let buf = read.subarray(0, length);
    if (this.pending !== undefined) {
      buf = Buffer.concat([this.pending, buf]);
      this.pending = undefined;
    }
    let at = 0;
    if (!this.upgraded) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        this.pending = Buffer.from(buf);
        return true;
      }
      if (!buf.toString('latin1', 0, 12).startsWith('HTTP/1.1 101')) {
        this.terminate();
        return true;
      }
      this.upgraded = true;
      at = end + 4;
      this.on.open();
    }
    while (buf.length - at >= 2) {
      const b0 = buf[at] as number;
      const b1 = buf[at + 1] as number;
      let len = b1 & 0x7f;
      let head = 2;
      if (len === 126) {
        if (buf.length - at < 4) break;
        len = buf.readUInt16BE(at + 2);
        head = 4;
      } else if (len === 127) {
        if (buf.length - at < 10) break;
        len = Number(buf.readBigUInt64BE(at + 2));
        head = 10;
      }
      if (buf.length - at < head + len) break;
      const payload = buf.subarray(at + head, at + head + len);
      at += head + len;
      this.frame(b0 & 0x0f, (b0 & 0x80) !== 0, payload);
      if (this.closed) return true;
    }
    if (at < buf.length) this.pending = Buffer.from(buf.subarray(at));
    return true;
  }

  private frame(opcode: number, fin: boolean, payload: Buffer): void {
    switch (opcode) {
      case 0x0:
      case 0x1:
      case 0x2:
        if (!fin) {
          this.fragments.push(Buffer.from(payload));
          return;
        }
        if (this.fragments.length > 0) {
          this.fragments.push(payload);
          const whole = Buffer.concat(this.fragments);
          this.fragments = [];
          this.on.message(whole);
          return;
        }
        this.on.message(payload);
        return;
      case 0x8:
        this.socket.end(frame(0x8, Buffer.alloc(0)));
        this.finish();
        return;
      case 0x9:
        this.socket.write(frame(0xa, payload));
        return;
      default:
        return;
    }
  }
}

/** A masked (zero key) client frame. */
export function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? 2 : len < 65_536 ? 4 : 10;
  const out = Buffer.alloc(head + 4 + len);
  out[0] = 0x80 | opcode;
  if (len < 126) out[1] = 0x80 | len;
  else if (len < 65_536) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(len, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeBigUInt64BE(BigInt(len), 2);
  }
  payload.copy(out, head + 4);
  return out;
}
