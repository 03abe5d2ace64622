import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readEntries } from '../../src/eventlog/xreadReply';
import { ChannelNames, encodeCommand, ReplyCursor, RespProtocolError, scanReply } from '../../src/redis/resp';
import '../support/fastCheckSeed';

/** A RESP2 value, written here independently of the reader under test. */
type Resp =
  | { readonly bulk: Buffer | null }
  | { readonly array: readonly Resp[] | null }
  | { readonly integer: number }
  | { readonly status: string }
  | { readonly error: string };

function encode(value: Resp): Buffer {
  if ('bulk' in value) return value.bulk === null ? Buffer.from('$-1\r\n') : Buffer.concat([Buffer.from(`$${value.bulk.length}\r\n`), value.bulk, Buffer.from('\r\n')]);
  if ('array' in value) return value.array === null ? Buffer.from('*-1\r\n') : Buffer.concat([Buffer.from(`*${value.array.length}\r\n`), ...value.array.map(encode)]);
  if ('integer' in value) return Buffer.from(`:${value.integer}\r\n`);
  if ('status' in value) return Buffer.from(`+${value.status}\r\n`);
  return Buffer.from(`-${value.error}\r\n`);
}

const line = fc.string({ unit: 'grapheme-ascii' }).filter((s) => !s.includes('\r') && !s.includes('\n'));
const resp: fc.Arbitrary<Resp> = fc.letrec<{ value: Resp }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.option(fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)), { nil: null }).map((bulk) => ({ bulk })),
    fc.integer().map((integer) => ({ integer })),
    line.map((status) => ({ status })),
    line.map((error) => ({ error })),
    fc.option(fc.array(tie('value'), { maxLength: 5 }), { nil: null }).map((array) => ({ array })),
  ),
})).value;

/** Feeds `bytes` to `scanReply` in the given pieces, as a socket would deliver them; returns the end it reports and when. */
function scanInPieces(bytes: Buffer, cuts: readonly number[]): { end: number; arrivedAt: number } {
  const scan = { pos: 0, owed: 1 };
  const ends = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b).concat(bytes.length);
  for (const arrived of ends) {
    const end = scanReply(bytes, arrived, scan);
    if (end >= 0) return { end, arrivedAt: arrived };
  }
  return { end: -1, arrivedAt: bytes.length };
}

interface Entry {
  readonly pos: number;
  readonly fields: readonly (readonly [string, Buffer])[];
}

/** An XREAD reply for one stream, as Redis writes it (null when nothing came). */
function xreadReply(stream: string, entries: readonly Entry[] | null): Resp {
  if (entries === null) return { array: null };
  return {
    array: [
      {
        array: [
          { bulk: Buffer.from(stream) },
          {
            array: entries.map((e) => ({
              array: [{ bulk: Buffer.from(`${e.pos}-0`) }, { array: e.fields.flatMap(([name, value]) => [{ bulk: Buffer.from(name) }, { bulk: value }]) }],
            })),
          },
        ],
      },
    ],
  };
}

/** What the log takes from an entry's fields: the last value of each known name, defaults for the missing. */
function expected(entry: Entry): { pos: number; channel: string; message: Buffer; time: number } {
  let channel = '';
  let message: Buffer = Buffer.alloc(0);
  let time = 0;
  for (const [name, value] of entry.fields) {
    if (name === 'channel') channel = value.toString();
    else if (name === 'message') message = value;
    else if (name === 'time') time = Number(value.toString());
  }
  return { pos: entry.pos, channel, message, time };
}

const fieldValue = fc.oneof(
  fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b)),
  fc.string({ unit: 'grapheme' }).map((s) => Buffer.from(s)),
  fc.nat().map((n) => Buffer.from(String(n))),
  fc.constantFrom('1.5', '', ' 7', '1e3', '0x10', '99999999999999999999').map((s) => Buffer.from(s)),
);
const entry: fc.Arbitrary<Entry> = fc.record({
  pos: fc.nat({ max: 2 ** 40 }),
  fields: fc.array(fc.tuple(fc.constantFrom('channel', 'message', 'time', 'other', 'chan', 'times'), fieldValue), { maxLength: 7 }),
});

describe('RESP replies', () => {
  it('given any reply cut into any pieces, then the walk reports its end only once all of it has arrived, and exactly there', () => {
    fc.assert(
      fc.property(resp, fc.array(fc.nat(), { maxLength: 8 }), (value, cuts) => {
        const bytes = encode(value);
        expect(scanInPieces(bytes, cuts)).toEqual({ end: bytes.length, arrivedAt: bytes.length });
      }),
    );
  });

  it('given two replies back to back, then the walk ends at the first and starts the second there', () => {
    fc.assert(
      fc.property(resp, resp, (a, b) => {
        const first = encode(a);
        const both = Buffer.concat([first, encode(b)]);
        const end = scanReply(both, both.length, { pos: 0, owed: 1 });
        expect(end).toBe(first.length);
        expect(scanReply(both, both.length, { pos: end, owed: 1 })).toBe(both.length);
      }),
    );
  });

  it('given bytes that are no reply, then the walk refuses them as a protocol error', () => {
    for (const bad of ['?x\r\n', '*x\r\n', '$1a\r\nab\r\n', '*-\r\n', '$\r\n']) {
      expect(() => scanReply(Buffer.from(bad), bad.length, { pos: 0, owed: 1 }), bad).toThrow(RespProtocolError);
    }
  });

  it('given any XREAD reply, then the entries read from it are its positions, channels, exact message bytes and times', () => {
    fc.assert(
      fc.property(fc.option(fc.array(entry, { maxLength: 6 }), { nil: null }), (entries) => {
        const bytes = encode(xreadReply('log:stream', entries));
        const read = readEntries(new ReplyCursor(bytes, 0), new ChannelNames(2));
        expect(read.map((e) => ({ ...e, message: Buffer.from(e.message) }))).toEqual((entries ?? []).map(expected));
      }),
    );
  });

  it('given an XREAD reply after another reply in the same bytes, then it is read from where it starts', () => {
    const fields: [string, Buffer][] = [
      ['channel', Buffer.from('trade.results')],
      ['message', Buffer.from('{"a":1}')],
      ['time', Buffer.from('1700000000123')],
    ];
    const entries: Entry[] = [{ pos: 7, fields }];
    const bytes = Buffer.concat([Buffer.from('+OK\r\n'), encode(xreadReply('s', entries))]);
    expect(readEntries(new ReplyCursor(bytes, 5), new ChannelNames())).toEqual([
      { pos: 7, channel: 'trade.results', message: Buffer.from('{"a":1}'), time: 1700000000123 },
    ]);
  });

  it('given an error reply where entries were expected, then reading throws it as a Redis error, not a protocol error', () => {
    const bytes = encode({ error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
    const read = (): unknown => readEntries(new ReplyCursor(bytes, 0), new ChannelNames());
    expect(read).toThrow(/^WRONGTYPE Operation/);
    expect(read).not.toThrow(RespProtocolError);
  });

  it('given the same channel bytes again, then the same string is returned; past the capacity, names are still read right', () => {
    const names = new ChannelNames(1);
    const buf = Buffer.from('alphabetaalpha');
    const first = names.of(buf, 0, 5);
    expect(first).toBe('alpha');
    expect(names.of(buf, 9, 14)).toBe(first);
    expect(names.of(buf, 5, 9)).toBe('beta');
    expect(names.of(buf, 5, 9)).toBe('beta');
    expect(names.of(Buffer.from('é'), 0, 2)).toBe('é');
  });

  it('given any arguments, strings, numbers or bytes, then the command written is one reply holding each of them as a bulk string', () => {
    const arg = fc.oneof(fc.string({ unit: 'grapheme' }), fc.integer(), fc.uint8Array({ maxLength: 50 }).map((b) => Buffer.from(b)));
    fc.assert(
      fc.property(fc.array(arg, { minLength: 1, maxLength: 8 }), (args) => {
        const bytes = encodeCommand(args);
        expect(scanReply(bytes, bytes.length, { pos: 0, owed: 1 })).toBe(bytes.length);
        const cursor = new ReplyCursor(bytes, 0);
        expect(cursor.array()).toBe(args.length);
        for (const a of args) {
          const length = cursor.bulk();
          const expected = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
          expect(bytes.subarray(cursor.start, cursor.start + length).equals(expected)).toBe(true);
        }
      }),
    );
  });

  it('writes a command as an array of bulk strings, lengths in bytes', () => {
    expect(encodeCommand(['XREAD', 'COUNT', 10, 'STREAMS', 'é', '0-0']).toString()).toBe(
      '*6\r\n$5\r\nXREAD\r\n$5\r\nCOUNT\r\n$2\r\n10\r\n$7\r\nSTREAMS\r\n$2\r\né\r\n$3\r\n0-0\r\n',
    );
  });
});
