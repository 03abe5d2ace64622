import { connect, type Socket } from 'node:net';

/** Callbacks of a raw WebSocket client connection. */
export interface RawWsHandlers {
  open(): void;
  message(data: Buffer): void;
  close(): void;
}

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/**
 * A minimal WebSocket client over a raw TCP socket, for load generation: a fixed handshake
 * (no accept-key check), unmasked server frames parsed in place, pings answered. It costs the
 * load generator far less per connection than a full client, so a connection storm measures the
 * server rather than the generator. Client frames are masked with a zero key (allowed by RFC 6455).
 */
export class RawWs {
  private readonly socket: Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private upgraded = false;
  private fragments: Buffer[] = [];
  private closed = false;

  constructor(host: string, port: number, path: string, localAddress: string, private readonly on: RawWsHandlers) {
    this.socket = connect({ host, port, localAddress, noDelay: true });
    this.socket.on('connect', () => {
      this.socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
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

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    if (!this.upgraded) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (!this.buffer.toString('latin1', 0, 12).startsWith('HTTP/1.1 101')) {
        this.terminate();
        return;
      }
      this.upgraded = true;
      this.buffer = this.buffer.subarray(end + 4);
      this.on.open();
    }
    let at = 0;
    const buf = this.buffer;
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
      if (this.closed) return;
    }
    this.buffer = at === buf.length ? Buffer.alloc(0) : buf.subarray(at);
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
