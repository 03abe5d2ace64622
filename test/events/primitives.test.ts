import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../src/events/decode';
import * as E from 'fp-ts/Either';
import { Decimal } from '../../src/events/decimal';
import { isTimestamp, isUnsafeKey, MarketId, NonEmptyString, safeRecord } from '../../src/events/primitives';

/** ISO-8601 date-times with a zone that name a real moment: the calendar worked out by hand. */
describe('isTimestamp', () => {
  it.each([
    '2024-02-29T00:00:00Z', // leap year
    '2000-02-29T12:00:00Z', // divisible by 400: leap
    '2026-12-31T23:59:59.999Z',
    '2026-04-30T00:00:00-05:30',
    '2026-01-31T12:00:00+23:59',
    '2026-01-31T12:00:00.123456+00:00',
    '2026-01-01T00:00:00Z',
  ])('given %s, then it is accepted', (s) => {
    expect(isTimestamp(s)).toBe(true);
  });

  it.each([
    ['2025-02-29T00:00:00Z', 'February 29 of a common year'],
    ['1900-02-29T00:00:00Z', 'February 29 of a century not divisible by 400'],
    ['2026-04-31T00:00:00Z', 'April 31'],
    ['2026-02-30T00:00:00Z', 'February 30'],
    ['2026-00-10T00:00:00Z', 'month 0'],
    ['2026-13-01T00:00:00Z', 'month 13'],
    ['2026-01-00T00:00:00Z', 'day 0'],
    ['2026-01-32T00:00:00Z', 'day 32'],
    ['2026-01-01T24:00:00Z', 'hour 24'],
    ['2026-01-01T23:60:00Z', 'minute 60'],
    ['2026-01-01T23:59:60Z', 'second 60'],
    ['2026-01-01T00:00:00+24:00', 'a zone of 24 hours'],
    ['2026-01-01T00:00:00+23:60', 'a zone minute of 60'],
    ['2026-01-01T00:00:00', 'no zone'],
    ['2026-01-01 00:00:00Z', 'a space for T'],
  ])('given %s (%s), then it is refused', (s) => {
    expect(isTimestamp(s)).toBe(false);
  });
});

describe('rejections of JSON that is not an object', () => {
  it('given a long JSON string, then the message shows its first 40 characters', () => {
    const raw = JSON.stringify('x'.repeat(100));
    const result = decodeEvent('risk.state', raw);
    expect(result).toEqual({
      _tag: 'Left',
      left: { channel: 'risk.state', reason: 'not_object', message: `Expecting a JSON object but instead got: ${raw.slice(0, 40)}`, sample: raw, bytes: 102 },
    });
  });
});

describe('isTimestamp in leap years', () => {
  it.each(['2024-01-31T00:00:00Z', '2024-03-31T00:00:00Z', '2024-12-31T00:00:00Z'])('given %s, then a 31st outside February is still a day', (s) => {
    expect(isTimestamp(s)).toBe(true);
  });
});

describe('names and keys', () => {
  it('given names of 256 and 257 characters, then the first is a non-empty string and the second is not', () => {
    expect(NonEmptyString.is('n'.repeat(256))).toBe(true);
    expect(NonEmptyString.is('n'.repeat(257))).toBe(false);
    expect(NonEmptyString.is('')).toBe(false);
  });

  it.each([
    ['__proto__', true],
    ['constructor', true],
    ['toString', true],
    ['prototype', true],
    ['proto', false],
    ['', false],
    ['kalshi:x', false],
  ])('given the key %j, then isUnsafeKey says %s', (key, unsafe) => {
    expect(isUnsafeKey(key)).toBe(unsafe);
  });

  it('given a valid map, then the safe record decodes it to itself; a bad key or value, to the errors of each', () => {
    const positions = safeRecord(MarketId, Decimal, 'positions map');
    expect(positions.decode({ 'kalshi:x': '1', 'polymarket:y': '2.5' })).toEqual(E.right({ 'kalshi:x': '1', 'polymarket:y': '2.5' }));
    expect(positions.decode({})).toEqual(E.right({}));
    const bad = positions.decode({ 'nyse:x': '1', 'kalshi:y': 3 });
    expect(E.isLeft(bad) && bad.left.length).toBe(2);
    expect(positions.name).toBe('positions map');
    expect(safeRecord(MarketId, Decimal).name).toBe('{ [K in MarketId]?: Decimal }');
    expect(positions.encode({ 'kalshi:x': '1' } as never)).toEqual({ 'kalshi:x': '1' });
  });
});

describe('forbidden keys alone', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('given a message whose only key is %s, then it is rejected as unsafe_key, not as a bad envelope', (key) => {
    const result = decodeEvent('risk.state', `{"${key}":1}`);
    expect(E.isLeft(result) && result.left.reason).toBe('unsafe_key');
  });
});
