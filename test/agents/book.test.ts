import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { askOf, askSizeOf, bidOf, quoteAround } from '../../src/agents/book';

describe('a venue book at the touch', () => {
  it('quotes bid and ask on the 1¢ tick around the estimate, at least a tick apart', () => {
    const book = quoteAround(0.537, 0.005, 100, 80);
    expect([book.bid.toFixed(), book.ask.toFixed()]).toEqual(['0.53', '0.55']);
    const tight = quoteAround(0.535, 0.001, 1, 1);
    expect([tight.bid.toFixed(), tight.ask.toFixed()]).toEqual(['0.53', '0.54']);
    for (const p of [0.0001, 0.003, 0.5, 0.997, 0.9999]) {
      const q = quoteAround(p, 0.01, 1, 1);
      expect(q.bid.gte('0.01') && q.ask.lte('0.99') && q.ask.minus(q.bid).gte('0.01')).toBe(true);
      expect(q.bid.times(100).mod(1).eq(0) && q.ask.times(100).mod(1).eq(0)).toBe(true);
    }
  });

  it('sells NO at 1 − the YES bid, with the YES bid’s size, and bids NO at 1 − the YES ask', () => {
    const book = quoteAround(0.6, 0.01, 120, 70);
    expect(askOf(book, 'YES').toFixed()).toBe('0.61');
    expect(askOf(book, 'NO').toFixed()).toBe(new Big(1).minus(book.bid).toFixed());
    expect(askOf(book, 'NO').toFixed()).toBe('0.41');
    expect(askSizeOf(book, 'NO')).toBe(120);
    expect(bidOf(book, 'NO').toFixed()).toBe('0.39');
  });
});
