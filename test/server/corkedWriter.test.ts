import type { WebSocket } from 'uWebSockets.js';
import { describe, expect, it } from 'vitest';
import { SEND_BACKPRESSURE, SEND_OK, writeCorked, type Outgoing } from '../../src/server/corkedWriter';

const CORK_BUFFER = 16 * 1024;

function framed(payload: number): number {
  return payload + (payload < 126 ? 2 : payload < 65_536 ? 4 : 10);
}

/**
 * A socket with uWS's send-buffer rules: a frame goes into the 16 KiB cork buffer if it fits,
 * otherwise into the socket's own buffer (a "spill", the capacity uWS then keeps); the kernel
 * takes `kernelRoom` bytes in all, the rest stays buffered. `queuedBytes` of topic messages wait
 * for the socket: uWS writes them in front of the next frame sent.
 */
function fakeSocket(kernelRoom = Infinity, queuedBytes = 0) {
  const frames: { fin: boolean; first: boolean; payload: Buffer }[] = [];
  let corked = false;
  let corkOffset = 0;
  let buffered = 0;
  let room = kernelRoom;
  let queued = queuedBytes;
  const stats = { spills: 0, corks: 0, closed: false };
  const flush = (bytes: number): void => {
    const taken = buffered > 0 ? 0 : Math.min(room, bytes);
    room -= taken;
    buffered += bytes - taken;
  };
  const frame = (data: string | Uint8Array, first: boolean, fin: boolean): boolean => {
    const payload = Buffer.from(data);
    const size = framed(payload.length) + queued;
    queued = 0;
    frames.push({ fin, first, payload });
    if (buffered === 0 && corked && corkOffset + size < CORK_BUFFER) corkOffset += size;
    else {
      stats.spills += 1;
      flush(corkOffset + size);
      corkOffset = 0;
    }
    return true;
  };
  const ws = {
    cork(cb: () => void) {
      stats.corks += 1;
      corked = true;
      cb();
      corked = false;
      flush(corkOffset);
      corkOffset = 0;
      return ws;
    },
    send: (data: string | Uint8Array) => (frame(data, true, true), buffered > 0 ? SEND_BACKPRESSURE : SEND_OK),
    sendFirstFragment: (data: Uint8Array) => frame(data, true, false),
    sendFragment: (data: Uint8Array) => frame(data, false, false),
    sendLastFragment: (data: Uint8Array) => frame(data, false, true),
    getBufferedAmount: () => buffered,
    close: () => {
      stats.closed = true;
    },
  };
  /** The messages the client reads, fragments joined. */
  const messages = (): string[] => {
    const out: string[] = [];
    let parts: Buffer[] = [];
    for (const f of frames) {
      expect(f.first).toBe(parts.length === 0);
      parts.push(f.payload);
      if (f.fin) {
        out.push(Buffer.concat(parts).toString());
        parts = [];
      }
    }
    expect(parts).toEqual([]);
    return out;
  };
  return { ws: ws as unknown as WebSocket<unknown>, stats, messages, frames };
}

function message(bytes: number, fill: string): Outgoing {
  const data = Buffer.from(fill.repeat(bytes));
  return { data, bytes };
}

describe('writeCorked', () => {
  const snapshots = [message(60, 's'), message(40_000, 'a'), message(2_000, 'b'), message(20_000, 'c'), message(15_000, 'd'), message(300, 'e')];

  it('sends every message in order, the big ones as fragments, without ever spilling past the cork buffer', () => {
    const { ws, stats, messages, frames } = fakeSocket();
    const statuses = writeCorked(ws, snapshots, 1 << 20);
    expect(statuses).toEqual(snapshots.map(() => SEND_OK));
    expect(messages()).toEqual(snapshots.map((m) => m.data.toString()));
    expect(stats.spills).toBe(0);
    expect(frames.some((f) => !f.fin)).toBe(true);
    // About one write per 15 KB.
    expect(stats.corks).toBeLessThanOrEqual(Math.ceil(77_360 / 15_000) + 1);
  });

  it('takes strings as well as bytes', () => {
    const { ws, stats, messages } = fakeSocket();
    const text = 'é'.repeat(20_000);
    writeCorked(ws, [{ data: text, bytes: Buffer.byteLength(text) }], 1 << 20);
    expect(messages()).toEqual([text]);
    expect(stats.spills).toBe(0);
  });

  it('under backpressure finishes the message it started and reports the backpressure', () => {
    const { ws, stats, messages } = fakeSocket(10_000);
    const statuses = writeCorked(ws, snapshots, 1 << 20);
    expect(messages()).toEqual(snapshots.map((m) => m.data.toString()));
    expect(statuses?.slice(1)).toEqual(snapshots.slice(1).map(() => SEND_BACKPRESSURE));
    expect(stats.closed).toBe(false);
  });

  it('sends a message bigger than the backpressure limit whole, as uWS would', () => {
    const { ws, frames, messages } = fakeSocket();
    writeCorked(ws, [message(40_000, 'a')], 30_000);
    expect(frames).toHaveLength(1);
    expect(messages()).toEqual(['a'.repeat(40_000)]);
  });

  it('closes the socket rather than leave a message unfinished when its rest would be dropped', () => {
    // Topic messages written in front of the first fragment fill the buffer past the limit, and the kernel takes nothing.
    const { ws, stats, frames } = fakeSocket(0, 12_000);
    expect(writeCorked(ws, [message(20_000, 'a')], 20_000)).toBeUndefined();
    expect(stats.closed).toBe(true);
    expect(frames.every((f) => !f.fin)).toBe(true);
  });
});
