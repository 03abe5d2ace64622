import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../src/events/decode';
import { isTimestamp } from '../../src/events/primitives';

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
