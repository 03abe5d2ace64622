import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { decodeClientMessage } from '../../src/server/clientMessage';
import { expandChannels, PROJECTION_CHANNELS } from '../../src/server/channels';
import { Strikes, TokenBucket } from '../../src/server/rateLimiter';

describe('client messages', () => {
  it('decodes the four message types', () => {
    expect(decodeClientMessage('{"type":"ping"}')).toEqual(E.right({ type: 'ping' }));
    expect(decodeClientMessage('{"type":"subscribe","channels":["*"]}')).toEqual(E.right({ type: 'subscribe', channels: ['*'] }));
    expect(decodeClientMessage('{"type":"resync","channel":"risk.state"}')).toEqual(E.right({ type: 'resync', channel: 'risk.state' }));
  });

  it('given a subscribe resuming from versions, then each version must be a non-negative safe integer', () => {
    const subscribe = (version: unknown) => decodeClientMessage(JSON.stringify({ type: 'subscribe', channels: ['a'], since: { epoch: 'e', versions: { a: version } } }));
    expect(subscribe(0)).toEqual(E.right({ type: 'subscribe', channels: ['a'], since: { epoch: 'e', versions: { a: 0 } } }));
    expect(subscribe(4711)).toEqual(E.right({ type: 'subscribe', channels: ['a'], since: { epoch: 'e', versions: { a: 4711 } } }));
    for (const bad of [-1, 1.5, 2 ** 53]) expect(E.isLeft(subscribe(bad))).toBe(true);
  });

  it('given a type that is an array naming a message type, then it is an unknown type, not that message', () => {
    expect(decodeClientMessage('{"type":["ping"]}')).toEqual(E.left('Unknown message type ["ping"]: expecting ping, subscribe, unsubscribe, resync or refresh'));
  });

  it('explains what is wrong', () => {
    expect(decodeClientMessage('nope')).toEqual(E.left('Not JSON'));
    expect(decodeClientMessage('[]')).toEqual(E.left('Expecting a JSON object'));
    expect(E.isLeft(decodeClientMessage('{"type":"hello"}'))).toBe(true);
    expect(decodeClientMessage('{"type":"subscribe","channels":"risk.state"}')).toEqual(
      E.left('Expecting an array at channels but instead got: "risk.state"'),
    );
    expect(decodeClientMessage('{"type":"subscribe","channels":[1]}')).toEqual(E.left('Expecting string at channels.0 but instead got: 1'));
    expect(decodeClientMessage('{"type":"resync","channel":3}')).toEqual(E.left('Expecting string at channel but instead got: 3'));
  });

  it.each([
    ['42', 'Expecting a JSON object'],
    ['null', 'Expecting a JSON object'],
    ['"ping"', 'Expecting a JSON object'],
    ['{"type":"hello"}', 'Unknown message type "hello": expecting ping, subscribe, unsubscribe, resync or refresh'],
    ['{"type":7}', 'Unknown message type 7: expecting ping, subscribe, unsubscribe, resync or refresh'],
    ['{}', 'Unknown message type undefined: expecting ping, subscribe, unsubscribe, resync or refresh'],
    ['{"type":"toString"}', 'Unknown message type "toString": expecting ping, subscribe, unsubscribe, resync or refresh'],
  ])('given the frame %s, then the bad_request sentence is %j', (frame, sentence) => {
    expect(decodeClientMessage(frame)).toEqual(E.left(sentence));
  });

  it('decodes unsubscribe, and a subscribe with no channels', () => {
    expect(decodeClientMessage('{"type":"unsubscribe","channels":["a","b"]}')).toEqual(E.right({ type: 'unsubscribe', channels: ['a', 'b'] }));
    expect(decodeClientMessage('{"type":"subscribe","channels":[]}')).toEqual(E.right({ type: 'subscribe', channels: [] }));
  });

  it('expands * and separates unknown channels', () => {
    const { known, unknown } = expandChannels(['risk.state', '*', 'x', 'risk.state']);
    expect(known[0]).toBe('risk.state');
    expect([...known].sort()).toEqual([...PROJECTION_CHANNELS].sort());
    expect(unknown).toEqual(['x']);
  });
});

describe('rate limiting', () => {
  it('allows a burst, then the sustained rate', () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(50)).toBe(false);
    expect(bucket.take(100)).toBe(true);
  });

  it('given an empty bucket, then it refills at the rate from the time of the last take, never beyond the burst', () => {
    const bucket = new TokenBucket(2, 2, 1_000);
    expect([bucket.take(1_000), bucket.take(1_000), bucket.take(1_000)]).toEqual([true, true, false]);
    // Half a second at 2/s is one token, counted from 1,000 (not from 0).
    expect([bucket.take(1_500), bucket.take(1_500)]).toEqual([true, false]);
    // A long pause fills the bucket to its burst only.
    expect([bucket.take(60_000), bucket.take(60_000), bucket.take(60_000)]).toEqual([true, true, false]);
  });

  it('given offences exactly a minute apart, then the older one no longer counts', () => {
    const strikes = new Strikes(2);
    expect([strikes.strike(0), strikes.strike(60_000)]).toEqual([false, false]);
    expect(strikes.strike(60_001)).toBe(true);
  });

  it('given a fresh counter, then the first offence alone does not close unless the limit is 1', () => {
    expect(new Strikes(2).strike(5)).toBe(false);
    expect(new Strikes(1).strike(5)).toBe(true);
  });

  it('counts strikes within a sliding minute', () => {
    const spread = new Strikes(3);
    expect([spread.strike(0), spread.strike(1000), spread.strike(61_001)]).toEqual([false, false, false]);
    const close = new Strikes(3);
    expect([close.strike(0), close.strike(1000), close.strike(59_999)]).toEqual([false, false, true]);
  });
});
