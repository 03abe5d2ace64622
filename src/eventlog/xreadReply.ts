import type { LogEntry } from './eventLog';
import { ChannelNames, leadingNumber, named, numberAt, ReplyCursor } from '../redis/resp';

const CHANNEL_FIELD = Buffer.from('channel');
const MESSAGE_FIELD = Buffer.from('message');
const TIME_FIELD = Buffer.from('time');
const EMPTY = Buffer.alloc(0);

/**
 * The entries of an `XREAD` reply for one stream (null when a blocking read timed out). Fields are
 * found by name, in any order; a message is a view of the received bytes, not a copy.
 */
export function readEntries(cursor: ReplyCursor, channels: ChannelNames): LogEntry[] {
  const entries: LogEntry[] = [];
  const streams = cursor.array();
  for (let s = 0; s < streams; s++) {
    cursor.array(); // [name, entries]
    cursor.skip();
    const count = cursor.array();
    for (let e = 0; e < count; e++) {
      cursor.array(); // [id, fields]
      const idLength = cursor.bulk();
      const pos = idLength < 0 ? 0 : leadingNumber(cursor.buf, cursor.start, cursor.start + idLength);
      const fields = cursor.array();
      const buf = cursor.buf;
      let channel = '';
      let message: Buffer = EMPTY;
      let time = 0;
      for (let f = 0; f + 1 < fields; f += 2) {
        const nameLength = cursor.bulk();
        const name = cursor.start;
        const valueLength = cursor.bulk();
        if (nameLength < 0 || valueLength < 0) continue;
        const value = cursor.start;
        const end = value + valueLength;
        if (named(buf, name, name + nameLength, CHANNEL_FIELD)) channel = channels.of(buf, value, end);
        else if (named(buf, name, name + nameLength, MESSAGE_FIELD)) message = buf.subarray(value, end);
        else if (named(buf, name, name + nameLength, TIME_FIELD)) time = numberAt(buf, value, end);
      }
      if (fields % 2 === 1) cursor.skip();
      entries.push({ pos, channel, message, time });
    }
  }
  return entries;
}
