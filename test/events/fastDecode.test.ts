import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeEvent, decodeEventByIoTs, type RejectReason } from '../../src/events/decode';
import { AGENT_CHANNELS } from '../../src/events/channels';
import { CATALOG, type Event } from '../../src/events/event';
import { encodeEvent } from '../../src/events/encode';
import { arbEvent } from './arbitraries';
import { arbMutatedText } from './mutations';

/** The wire text of a generated event, v1 or legacy envelope. */
function wireOf(event: Event): string {
  const { agent, run, seq, ts } = event.meta;
  const type = CATALOG[event.type].wireType;
  return run === null || seq === null || ts === null
    ? JSON.stringify({ agent, type, data: event.data })
    : encodeEvent({ type: event.type, agent, run, seq, ts, data: event.data });
}

/** The wire form as an object, for mutations to break. */
const arbWire: fc.Arbitrary<unknown> = arbEvent.map((event) => JSON.parse(wireOf(event)) as unknown);

const arbChannel = fc.constantFrom(...AGENT_CHANNELS, 'nope');

/** decodeEvent's answer, for text and for the same bytes, is exactly io-ts's: the same event, or the same rejection. */
function expectSameAsIoTs(channel: string, text: string): ReturnType<typeof decodeEvent> {
  const expected = decodeEventByIoTs(channel, text);
  expect(decodeEvent(channel, text)).toStrictEqual(expected);
  expect(decodeEvent(channel, Buffer.from(text))).toStrictEqual(decodeEventByIoTs(channel, Buffer.from(text)));
  return expected;
}

describe('decodeEvent answers as io-ts alone does', () => {
  it('given valid events of every tag, v1 or legacy, then both decode the same event', () => {
    fc.assert(
      fc.property(arbEvent, (event) => {
        expect(expectSameAsIoTs(event.channel, wireOf(event))).toStrictEqual({ _tag: 'Right', right: event });
      }),
      { numRuns: 1_000 },
    );
  });

  it('given broken events (wrong types, missing and extra keys, prototype names, huge numbers, unicode), then both give the same event or the same rejection', () => {
    const seen = new Set<RejectReason | 'event'>();
    fc.assert(
      fc.property(arbMutatedText(arbWire), fc.boolean(), arbChannel, (text, onItsChannel, other) => {
        const event = JSON.parse(text) as { type?: unknown } | null;
        const home = Object.values(CATALOG).find((row) => row.wireType === event?.type)?.channel;
        const result = expectSameAsIoTs(onItsChannel && home !== undefined ? home : other, text);
        seen.add(result._tag === 'Right' ? 'event' : result.left.reason);
      }),
      { numRuns: 3_000 },
    );
    // The mutations reach every check a payload goes through, and some leave the event valid.
    for (const outcome of ['event', 'not_object', 'unsafe_key', 'unknown_channel', 'bad_envelope', 'unknown_type', 'bad_data'] as const) {
      expect(seen).toContain(outcome);
    }
  });

  it('given arbitrary text and JSON, then both give the same rejection', () => {
    const arbText = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.json(), arbWire.map((w) => JSON.stringify(w).slice(0, -1)));
    fc.assert(
      fc.property(arbChannel, arbText, (channel, text) => void expectSameAsIoTs(channel, text)),
      { numRuns: 1_000 },
    );
  });
});
