import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisForTests } from '../support/redis';
import { nthEvent } from './fixtures';
import { eventually, flushed, getJson, startHarness, type Harness } from './harness';

const redis = await redisForTests();
const skip = 'skip' in redis ? redis.skip : undefined;

/** One WebSocket frame as it came off the wire (server frames are never masked). */
interface WireFrame {
  readonly fin: boolean;
  readonly opcode: number;
  readonly payload: Buffer;
}

/** A WebSocket client over raw TCP that keeps every frame as sent, fragments included. */
async function frameReader(port: number, path: string): Promise<{ frames: WireFrame[]; socket: Socket }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  const frames: WireFrame[] = [];
  let buffered = Buffer.alloc(0);
  let upgraded = false;
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    if (!upgraded) {
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      upgraded = true;
      buffered = buffered.subarray(end + 4);
    }
    for (;;) {
      if (buffered.length < 2) return;
      const b0 = buffered[0] as number;
      const b1 = buffered[1] as number;
      let length = b1 & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffered.length < 4) return;
        length = buffered.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffered.length < 10) return;
        length = Number(buffered.readBigUInt64BE(2));
        offset = 10;
      }
      if (buffered.length < offset + length) return;
      frames.push({ fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload: Buffer.from(buffered.subarray(offset, offset + length)) });
      buffered = buffered.subarray(offset + length);
    }
  });
  return { frames, socket };
}

/** Whole messages from frames: a text frame, then continuation frames up to the one with FIN. */
function messages(frames: readonly WireFrame[]): { text: string; fragments: number }[] {
  const out: { text: string; fragments: number }[] = [];
  let parts: Buffer[] = [];
  for (const f of frames) {
    if (f.opcode === 0x9 || f.opcode === 0xa) continue; // control frames may come between fragments
    if (parts.length === 0) expect(f.opcode).toBe(0x1);
    else expect(f.opcode).toBe(0x0);
    parts.push(f.payload);
    if (f.fin) {
      out.push({ text: Buffer.concat(parts).toString(), fragments: parts.length });
      parts = [];
    }
  }
  return out;
}

describe.skipIf(skip !== undefined)(`large snapshots${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  let h: Harness;
  let socket: Socket | undefined;
  beforeAll(async () => {
    h = await startHarness('url' in redis ? redis.url : '', 'fragments', { '--heartbeat-ms': '60000' });
  });
  afterAll(async () => {
    socket?.destroy();
    await h.stop();
  });

  it('sends a snapshot over 16 KiB as fragments of one message, each under 16 KiB, then whole deltas from its version', async () => {
    // A long run name makes each of the 50 trades held long enough for a ~25 KB snapshot.
    const run = `fragments-${'r'.repeat(60)}`;
    const trades = Array.from({ length: 60 }, (_, i) => nthEvent(i * 4, run));
    await h.publish(trades);
    await eventually(() => h.server.projections.counters.applied >= trades.length, 5_000, 'trades applied');
    await flushed(h);
    const http = (await getJson(`${h.http}/snapshot/trade.results`)).body as { version: number; state: unknown };
    expect(Buffer.byteLength(JSON.stringify(http.state))).toBeGreaterThan(20 * 1024);

    const reader = await frameReader(h.server.port, '/ws?channels=trade.results');
    socket = reader.socket;
    await eventually(() => messages(reader.frames).length >= 2, 5_000, 'subscribed and the snapshot');
    const [subscribed, snapshot] = messages(reader.frames);
    expect(JSON.parse(subscribed?.text ?? '')).toEqual({ type: 'subscribed', channels: ['trade.results'], epoch: h.server.log.epoch });
    expect(snapshot?.fragments).toBeGreaterThan(1);
    expect(JSON.parse(snapshot?.text ?? '')).toEqual({ type: 'snapshot', channel: 'trade.results', version: http.version, state: http.state });
    for (const f of reader.frames) expect(f.payload.length).toBeLessThan(16 * 1024);

    await h.publish([nthEvent(400, run)]);
    await eventually(() => messages(reader.frames).length >= 3, 5_000, 'a delta');
    const delta = messages(reader.frames)[2];
    expect(delta?.fragments).toBe(1);
    expect(JSON.parse(delta?.text ?? '')).toMatchObject({ type: 'delta', channel: 'trade.results', from: http.version });
  });
});
