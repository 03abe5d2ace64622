import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import type { Leg } from '../../src/agents/scanner';
import { type SizingContext, kellyFraction, sizePair, sizeSingle } from '../../src/agents/sizing';

const b = (s: string): Big => new Big(s);
const ZERO = b('0');
const leg = (over: Partial<Leg> = {}): Leg => ({
  marketId: 'polymarket:btc-100k', venue: 'polymarket', outcome: 'YES', price: b('0.5'), available: 1000, takerRate: ZERO, ...over,
});
const ctx = (over: Partial<SizingContext> = {}): SizingContext => ({
  capital: b('500'), allocation: b('0.5'), kellyFraction: b('0.25'), room: () => b('50'), held: () => ZERO, heldOutcome: () => undefined, ...over,
});

describe('Kelly', () => {
  it('f* = (q − c) / (1 − c) for a contract costing c that pays $1 with probability q; nothing without an edge', () => {
    expect(kellyFraction(b('0.6'), b('0.5')).toFixed()).toBe('0.2');
    expect(kellyFraction(b('0.95'), b('0.9')).toFixed()).toBe('0.5');
    expect(kellyFraction(b('0.5'), b('0.5')).toFixed()).toBe('0');
    expect(kellyFraction(b('0.4'), b('0.5')).toFixed()).toBe('0');
  });

  it('stakes capital × allocation × ¼ × f* in whole contracts; allocation and the fraction change the size', () => {
    // f* = 0.2 → 500 × 0.5 × 0.25 × 0.2 = $12.5 → 25 contracts at 0.5 (no fee on a standard Polymarket market).
    expect(sizeSingle(leg(), b('0.6'), ctx())).toMatchObject({ contracts: 25, amount: b('12.5'), fees: ZERO });
    expect(sizeSingle(leg(), b('0.6'), ctx({ allocation: b('0.2') })).contracts).toBe(10);
    expect(sizeSingle(leg(), b('0.6'), ctx({ kellyFraction: b('0.5') })).contracts).toBe(50);
  });

  it('computes the edge after the fee: Kalshi’s fee shrinks the stake, and can remove it', () => {
    // cost per contract 0.5 + 0.07 × 0.25 = 0.5175 → f* = 0.0825/0.4825 ≈ 0.171 → $10.69 → 20 contracts, fee ceil(0.35) = 0.35
    expect(sizeSingle(leg({ venue: 'kalshi', marketId: 'kalshi:x' }), b('0.6'), ctx())).toMatchObject({ contracts: 20, fees: b('0.35') });
    expect(sizeSingle(leg({ venue: 'kalshi', marketId: 'kalshi:x' }), b('0.515'), ctx()).contracts).toBe(0);
  });

  it('tops up what is held to the Kelly position; caps at the room under the limits and at the touch', () => {
    expect(sizeSingle(leg(), b('0.6'), ctx({ held: () => b('10') })).contracts).toBe(5);
    expect(sizeSingle(leg(), b('0.6'), ctx({ held: () => b('20') })).contracts).toBe(0);
    expect(sizeSingle(leg(), b('0.9'), ctx({ room: () => b('7.3') })).contracts).toBe(14);
    expect(sizeSingle(leg({ available: 3 }), b('0.9'), ctx()).contracts).toBe(3);
  });

  it('does not buy the side opposite to one the strategy holds', () => {
    expect(sizeSingle(leg(), b('0.9'), ctx({ heldOutcome: () => 'NO' })).contracts).toBe(0);
    expect(sizeSingle(leg(), b('0.9'), ctx({ heldOutcome: () => 'YES' })).contracts).toBeGreaterThan(0);
  });
});

describe('a cross-venue pair', () => {
  const yes = leg({ price: b('0.55'), available: 300 });
  const no = leg({ marketId: 'kalshi:btc-100k', venue: 'kalshi', outcome: 'NO', price: b('0.4'), available: 40 });

  it('sizes both legs together: the same contracts, capped by the smaller touch and each leg’s room', () => {
    const [a, c] = sizePair(yes, no, ctx());
    expect([a.contracts, c.contracts]).toEqual([40, 40]);
    expect(c.fees.toFixed()).toBe('0.68'); // ceil(0.07 × 40 × 0.4 × 0.6 = 0.672)
    const [small] = sizePair(yes, { ...no, available: 1000 }, ctx({ room: (id) => (id === 'kalshi:btc-100k' ? b('8') : b('50')) }));
    expect(small.contracts).toBe(20);
  });

  it('is not made when both fees eat the edge', () => {
    const [a] = sizePair(yes, { ...no, price: b('0.44') }, ctx());
    expect(a.contracts).toBe(0); // 1 − 0.99 = 0.01 a pair, Kalshi alone takes 0.0172
  });
});
