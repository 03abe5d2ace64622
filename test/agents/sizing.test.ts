import Big from 'big.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sizeOrder, type SizingInput } from '../../src/agents/sizing';

const base: SizingInput = {
  capital: new Big('500'), allocationPct: new Big('0.5'), signal: new Big('1'), bankroll: new Big('500'),
  maxPositionPct: new Big('0.1'), maxPlatformPct: new Big('0.5'), marketExposure: new Big(0), venueExposure: new Big(0),
};
const size = (over: Partial<SizingInput>): string => sizeOrder({ ...base, ...over }).toFixed();

describe('sizing', () => {
  it('is capital × allocation × 0.5 × signal when that fits', () => {
    expect(size({ allocationPct: new Big('0.1'), signal: new Big('0.6') })).toBe('15');
  });

  it('is capped at the position limit: the original sized $125 against a $50 limit and never traded', () => {
    expect(size({})).toBe('50');
    expect(size({ marketExposure: new Big('37.5') })).toBe('12.5');
  });

  it('is capped at the room under the platform limit', () => {
    expect(size({ venueExposure: new Big('230.25') })).toBe('19.75');
  });

  it('is zero when there is no room', () => {
    expect(size({ marketExposure: new Big('50') })).toBe('0');
    expect(size({ venueExposure: new Big('260') })).toBe('0');
  });

  it('never exceeds any limit nor the strategy budget, never negative, whole cents', () => {
    const money = fc.integer({ min: 0, max: 100_000 }).map((c) => new Big(c).div(100));
    const fraction = fc.integer({ min: 0, max: 10_000 }).map((n) => new Big(n).div(10_000));
    fc.assert(
      fc.property(money, fraction, fraction, money, money, (capital, allocationPct, signal, marketExposure, venueExposure) => {
        const input = { ...base, capital, allocationPct, signal, marketExposure, venueExposure };
        const amount = sizeOrder(input);
        expect(amount.gte(0)).toBe(true);
        expect(amount.eq(amount.round(2, 0))).toBe(true);
        if (amount.gt(0)) {
          expect(marketExposure.plus(amount).lte(new Big('50'))).toBe(true);
          expect(venueExposure.plus(amount).lte(new Big('250'))).toBe(true);
          expect(amount.lte(capital.times(allocationPct).times('0.5').times(signal))).toBe(true);
        }
      }),
    );
  });
});
