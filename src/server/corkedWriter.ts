import type { WebSocket } from 'uWebSockets.js';

/** A text message to send, with its size in UTF-8 bytes. */
export interface Outgoing {
  readonly data: string | Buffer;
  readonly bytes: number;
}

/** What happened to one message, as uWS's `send` reports it. */
export const SEND_BACKPRESSURE = 0;
export const SEND_OK = 1;
export const SEND_DROPPED = 2;
export type SendStatus = typeof SEND_BACKPRESSURE | typeof SEND_OK | typeof SEND_DROPPED;

/**
 * uWS's cork buffer (16 KiB per loop). A frame that fits in what is left of it is copied there and
 * written with the cork; any other frame goes to the socket's own send buffer, a std::string that
 * uWS clears but never shrinks: it keeps that capacity (the largest such write) for the socket's life.
 */
const CORK_BUFFER_BYTES = 16 * 1024;
/** Room kept free in each cork for frames uWS inserts before ours (topic messages it had queued for the socket). */
const HEADROOM_BYTES = 1024;
/** What one cork may take: a write must be strictly smaller than the buffer. */
const CORK_BYTES = CORK_BUFFER_BYTES - 1 - HEADROOM_BYTES;
/** A fragment shorter than this is not worth a frame of its own: the cork is written first. */
const MIN_FRAGMENT_BYTES = 1024;

/** The size of a server frame (no mask) carrying `payload` bytes. */
function framed(payload: number): number {
  return payload + (payload < 126 ? 2 : payload < 65_536 ? 4 : 10);
}

/**
 * Writes `messages` in order, corked in runs that fit uWS's cork buffer; a message too big for
 * it goes out as WebSocket fragments that do. The socket's own buffer is then only used when
 * the kernel cannot take the bytes (real backpressure), and an idle socket keeps no capacity.
 *
 * Call it outside uWS handlers: those are corked already, and there everything past the cork
 * buffer would spill into the socket's buffer. Returns each message's status, or `undefined` if
 * the socket was closed because a fragmented message could not be finished without a drop.
 */
export function writeCorked<T>(ws: WebSocket<T>, messages: readonly Outgoing[], maxBackpressure: number): SendStatus[] | undefined {
  const statuses: SendStatus[] = [];
  let index = 0;
  /** Bytes of messages[index] already sent as fragments. */
  let offset = 0;
  let closed = false;
  const fillCork = (): void => {
    let room = CORK_BYTES;
    for (; index < messages.length; index += 1) {
      const message = messages[index] as Outgoing;
      const size = framed(message.bytes);
      if (offset === 0 && size <= room) {
        statuses.push(ws.send(message.data, false) as SendStatus);
        room -= size;
        continue;
      }
      // It would fit a cork of its own: start one.
      if (offset === 0 && size <= CORK_BYTES) return;
      // Already backed up, or too big to be sure to finish without a drop: whole, as uWS sends it.
      if (offset === 0 && (ws.getBufferedAmount() > 0 || message.bytes > maxBackpressure)) {
        statuses.push(ws.send(message.data, false) as SendStatus);
        index += 1;
        return;
      }
      const whole = typeof message.data === 'string' ? Buffer.from(message.data) : message.data;
      while (offset < message.bytes) {
        // The kernel stopped taking bytes: the rest can only wait in the socket's buffer, so it goes in one fragment.
        const backedUp = offset > 0 && ws.getBufferedAmount() > 0;
        if (backedUp && ws.getBufferedAmount() > maxBackpressure) {
          // uWS would drop the rest and leave the client a message it cannot finish.
          closed = true;
          ws.close();
          return;
        }
        const piece = room - 4;
        if (!backedUp && piece < MIN_FRAGMENT_BYTES) return;
        const end = backedUp ? message.bytes : Math.min(message.bytes, offset + piece);
        const part = whole.subarray(offset, end);
        if (offset === 0) ws.sendFirstFragment(part, false);
        else if (end < message.bytes) ws.sendFragment(part);
        else ws.sendLastFragment(part);
        room -= framed(part.length);
        offset = end;
      }
      offset = 0;
      statuses.push(ws.getBufferedAmount() > 0 ? SEND_BACKPRESSURE : SEND_OK);
    }
  };
  while (index < messages.length && !closed) ws.cork(fillCork);
  return closed ? undefined : statuses;
}
