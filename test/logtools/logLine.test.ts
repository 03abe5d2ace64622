import * as E from 'fp-ts/Either';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeLogLine, encodeLogLine } from '../../src/logtools/logLine';

const entry = fc.record({
  pos: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  channel: fc.string(),
  time: fc.integer({ min: 0, max: 8.64e15 }),
  message: fc.oneof(
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
    fc.string({ unit: 'grapheme', maxLength: 64 }).map((s) => Buffer.from(s)),
  ),
});

describe('NDJSON log lines', () => {
  it('give back every entry exactly, whatever bytes its message holds (decode ∘ encode = identity)', () => {
    fc.assert(
      fc.property(entry, (e) => {
        const line = encodeLogLine(e);
        expect(line).not.toContain('\n');
        expect(decodeLogLine(line)).toEqual(E.right(e));
      }),
    );
  });

  it('carry a UTF-8 message as text, and other bytes as message_b64', () => {
    const text = JSON.parse(encodeLogLine({ pos: 7, channel: 'risk.state', time: 1, message: Buffer.from('{"é":1}') })) as Record<string, unknown>;
    expect(text).toEqual({ pos: 7, channel: 'risk.state', time: 1, message: '{"é":1}' });
    const bytes = JSON.parse(encodeLogLine({ pos: 8, channel: 'risk.state', time: 1, message: Buffer.from([0x7b, 0xff, 0x7d]) })) as Record<string, unknown>;
    expect(bytes).toEqual({ pos: 8, channel: 'risk.state', time: 1, message_b64: 'e/99' });
  });

  it('say what is wrong with a line that holds no entry', () => {
    expect(decodeLogLine('{"pos":1')).toEqual(E.left('not JSON'));
    expect(decodeLogLine('{"pos":0,"channel":"a","time":1,"message":""}')).toEqual(E.left('Expecting positive integer at pos but instead got: 0'));
    expect(decodeLogLine('{"pos":1,"channel":"a","time":1}')).toEqual(E.left('expected exactly one of message and message_b64'));
    expect(decodeLogLine('{"pos":1,"channel":"a","time":1,"message":"x","message_b64":"eA=="}')).toEqual(E.left('expected exactly one of message and message_b64'));
    expect(E.isLeft(decodeLogLine('{"pos":1,"channel":"a","time":1,"message_b64":"not base64!"}'))).toBe(true);
  });
});
