import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { split } from '../../bench/lib/scenario';

describe('split', () => {
  it('spreads n over k parts that differ by at most one and add up to n', () => {
    fc.assert(
      fc.property(fc.nat(100_000), fc.integer({ min: 1, max: 64 }), (n, k) => {
        const parts = split(n, k);
        expect(parts).toHaveLength(k);
        expect(parts.reduce((s, x) => s + x, 0)).toBe(n);
        expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
      }),
    );
  });
});
