import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { decodeEvent } from '../../src/events/decode';
import { channelOf, encodeEvent } from '../../src/events/encode';
import { CATALOG, type Event, type EventTag } from '../../src/events/event';
import { TAGS, arbData, arbEvent, arbOutgoingEvent, arbOutgoingEventOf } from './arbitraries';

describe('catalog codecs round-trip through encodeEvent and decodeEvent', () => {
  it.each(TAGS)('%s: decode(encode(e)) is the same event', (tag: EventTag) => {
    fc.assert(
      fc.property(arbOutgoingEventOf(tag), (outgoing) => {
        const decoded = decodeEvent(channelOf(tag), encodeEvent(outgoing));
        expect(decoded).toEqual(
          E.right({
            type: tag,
            channel: CATALOG[tag].channel,
            meta: {
              agent: outgoing.agent,
              id: `${outgoing.agent}:${outgoing.run}:${outgoing.seq}`,
              run: outgoing.run,
              seq: outgoing.seq,
              ts: outgoing.ts,
            },
            data: outgoing.data,
          }),
        );
      }),
      { numRuns: 200 },
    );
  });

  it.each(TAGS)('%s: every generated payload satisfies its codec', (tag: EventTag) => {
    const codec = CATALOG[tag].codec as { is: (u: unknown) => boolean };
    fc.assert(fc.property(arbData[tag], (data) => codec.is(data)));
  });

  it('encodes envelope v1 exactly as PROTOCOL.md writes it', () => {
    fc.assert(
      fc.property(arbOutgoingEvent, (outgoing) => {
        const wire = JSON.parse(encodeEvent(outgoing)) as Record<string, unknown>;
        expect(Object.keys(wire)).toEqual(['v', 'id', 'agent', 'seq', 'ts', 'type', 'data']);
        expect(wire).toMatchObject({ v: 1, seq: outgoing.seq, type: CATALOG[outgoing.type].wireType });
      }),
    );
  });

  it('decodes every generated Event from its wire form, v1 or legacy, to itself', () => {
    fc.assert(
      fc.property(arbEvent, (event: Event) => {
        const { agent, run, seq, ts } = event.meta;
        const wireType = CATALOG[event.type].wireType;
        const raw =
          run === null || seq === null || ts === null
            ? JSON.stringify({ agent, type: wireType, data: event.data })
            : encodeEvent({ type: event.type, agent, run, seq, ts, data: event.data });
        expect(decodeEvent(event.channel, raw)).toEqual(E.right(event));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps decimal strings exactly as written (no normalisation at decode)', () => {
    const raw = encodeEvent({
      type: 'trade.settled',
      agent: 'paper-executor',
      run: '3f9a',
      seq: 7,
      ts: '2026-11-26T02:47:30.123Z',
      data: {
        trade_id: 'paper-0001',
        strategy: 'oracle-sniper',
        market_id: 'polymarket:btc-100k',
        won: true,
        pnl: '+1.50E+1',
        settled_at: '2026-01-31T12:00:00+00:00',
      } as Event['data'],
    });
    const decoded = decodeEvent('trade.results', raw);
    expect(E.isRight(decoded) && decoded.right.type === 'trade.settled' && decoded.right.data.pnl).toBe('+1.50E+1');
  });

  it('channelOf names the catalog channel; state_update has three tags on three channels', () => {
    expect(channelOf('allocator.snapshot')).toBe('agent.updates');
    expect(channelOf('guardian.snapshot')).toBe('risk.state');
    expect(channelOf('executor.snapshot')).toBe('trade.results');
    expect(TAGS.filter((tag) => CATALOG[tag].wireType === 'state_update').sort()).toEqual([
      'allocator.snapshot',
      'executor.snapshot',
      'guardian.snapshot',
    ]);
  });
});
