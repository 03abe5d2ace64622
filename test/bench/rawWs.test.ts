import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { frame, RawWs } from '../../bench/lib/rawWs';

/** A server frame (unmasked), as a WebSocket server writes it. */
function serverFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0, len]) : len < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (len >= 126 && len < 65_536) {
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else if (len >= 65_536) {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  head[0] = (fin ? 0x80 : 0) | opcode;
  return Buffer.concat([head, payload]);
}

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

/** A fake server that answers the handshake, then lets the test write raw bytes. */
function fakeServer(onClient: (socket: Socket, received: Buffer[]) => void): Promise<number> {
  return new Promise((resolve) => {
    server = createServer((socket) => {
      const received: Buffer[] = [];
      let upgraded = false;
      socket.on('data', (chunk) => {
        if (upgraded) {
          received.push(chunk);
          return;
        }
        upgraded = true;
        expect(chunk.toString('latin1')).toMatch(/^GET \/ws\?channels=a HTTP\/1.1\r\n[\s\S]*Upgrade: websocket/);
        socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
        onClient(socket, received);
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const address = server?.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

describe('RawWs', () => {
  it('receives short, 16-bit and 64-bit length frames and fragmented messages, even when split across writes', async () => {
    const big = Buffer.alloc(70_000, 'b');
    const mid = Buffer.alloc(300, 'm');
    const port = await fakeServer((socket) => {
      const bytes = Buffer.concat([
        serverFrame(0x1, Buffer.from('hello')),
        serverFrame(0x1, mid),
        serverFrame(0x1, big),
        serverFrame(0x1, Buffer.from('frag-'), false),
        serverFrame(0x0, Buffer.from('ment')),
      ]);
      // Dribble the bytes in uneven pieces so frames and headers straddle reads.
      let at = 0;
      const step = (): void => {
        if (at >= bytes.length) return;
        socket.write(bytes.subarray(at, at + 997));
        at += 997;
        setImmediate(step);
      };
      step();
    });
    const messages: string[] = [];
    await new Promise<void>((resolve) => {
      const ws = new RawWs('127.0.0.1', port, '/ws?channels=a', '127.0.0.1', {
        open: () => undefined,
        message: (data) => {
          messages.push(data.toString('latin1'));
          if (messages.length === 4) {
            ws.terminate();
            resolve();
          }
        },
        close: () => undefined,
      });
    });
    expect(messages).toEqual(['hello', mid.toString('latin1'), big.toString('latin1'), 'frag-ment']);
  });

  it('keeps each connection\'s unfinished frame apart when several connections read in turn', async () => {
    const texts = ['a'.repeat(5_000), 'b'.repeat(5_000)];
    const sockets: Socket[] = [];
    const port = await fakeServer((socket) => {
      sockets.push(socket);
    });
    const got: string[][] = [[], []];
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const conns = [0, 1].map(
      (k) =>
        new RawWs('127.0.0.1', port, '/ws?channels=a', '127.0.0.1', {
          open: () => undefined,
          message: (data) => {
            got[k]?.push(data.toString('latin1'));
            if (got.every((g) => g.length === 2)) done();
          },
          close: () => undefined,
        }),
    );
    await expect.poll(() => sockets.length, { timeout: 2_000 }).toBe(2);
    // Each connection gets two frames in pieces, the pieces of the two connections alternating.
    const streams = sockets.map((_, k) => Buffer.concat([serverFrame(0x1, Buffer.from(texts[k] ?? '')), serverFrame(0x1, Buffer.from(`end-${k}`))]));
    for (let at = 0; at < (streams[0]?.length ?? 0); at += 1_500) {
      for (const [k, socket] of sockets.entries()) socket.write(streams[k]?.subarray(at, at + 1_500) ?? Buffer.alloc(0));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await finished;
    for (const c of conns) c.terminate();
    // Which socket the server accepted first is not known: compare as sets of message lists.
    expect(got.map((g) => g.join('|')).sort()).toEqual([`${texts[0] ?? ''}|end-0`, `${texts[1] ?? ''}|end-1`].sort());
  });

  it('answers a ping with a pong carrying the same payload, masked as a client must', async () => {
    let received: Buffer[] = [];
    const port = await fakeServer((socket, sink) => {
      received = sink;
      socket.write(serverFrame(0x9, Buffer.from('are-you-there')));
    });
    const ws = new RawWs('127.0.0.1', port, '/ws?channels=a', '127.0.0.1', { open: () => undefined, message: () => undefined, close: () => undefined });
    await expect.poll(() => Buffer.concat(received).length, { timeout: 2_000 }).toBeGreaterThan(0);
    const pong = Buffer.concat(received);
    expect(pong[0]).toBe(0x8a);
    expect(pong[1]).toBe(0x80 | 13);
    expect(pong.subarray(6).toString()).toBe('are-you-there');
    ws.terminate();
  });
});

describe('frame', () => {
  it('sets FIN, the opcode, the mask bit and the length form for each size', () => {
    const small = frame(0x1, Buffer.from('abc'));
    expect([...small.subarray(0, 2)]).toEqual([0x81, 0x80 | 3]);
    expect(small.subarray(6).toString()).toBe('abc');
    const mid = frame(0x1, Buffer.alloc(1_000));
    expect(mid[1]).toBe(0x80 | 126);
    expect(mid.readUInt16BE(2)).toBe(1_000);
    expect(mid.length).toBe(4 + 4 + 1_000);
    const large = frame(0x2, Buffer.alloc(70_000));
    expect(large[0]).toBe(0x82);
    expect(large[1]).toBe(0x80 | 127);
    expect(Number(large.readBigUInt64BE(2))).toBe(70_000);
  });
});
