import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { makerFee, takerFee } from '../../src/agents/fees';

const b = (s: string): Big => new Big(s);

describe('venue fee schedules', () => {
  it.each([
    // contracts, price, taker, maker: ceil(0.07 × C × P × (1 − P)) and ceil(0.0175 × …), each to the cent
    ['100', '0.5', '1.75', '0.44'], // 1.75 exactly; 0.4375 → 0.44
    ['1', '0.5', '0.02', '0.01'], // 0.0175 → 0.02; 0.004375 → 0.01
    ['10', '0.9', '0.07', '0.02'], // 0.063 → 0.07; 0.01575 → 0.02
    ['250', '0.99', '0.18', '0.05'], // 0.17325 → 0.18; 0.0433125 → 0.05
    ['0', '0.5', '0', '0'],
  ])('Kalshi: %s contracts at %s pay %s as taker and %s as maker', (contracts, price, taker, maker) => {
    expect(takerFee('kalshi', b(contracts), b(price)).toFixed(2)).toBe(b(taker).toFixed(2));
    expect(makerFee('kalshi', b(contracts), b(price)).toFixed(2)).toBe(b(maker).toFixed(2));
  });

  it('Kalshi rounds up per order: one order of 2 costs less than two orders of 1', () => {
    expect(takerFee('kalshi', b('2'), b('0.5')).toFixed()).toBe('0.04'); // 0.035 → 0.04
    expect(takerFee('kalshi', b('1'), b('0.5')).times(2).toFixed()).toBe('0.04');
    expect(takerFee('kalshi', b('3'), b('0.5')).toFixed()).toBe('0.06'); // 0.0525 → 0.06
  });

  it('Polymarket charges nothing on a standard market and its own taker rate on a fee-enabled one', () => {
    expect(takerFee('polymarket', b('100'), b('0.5')).toFixed()).toBe('0');
    expect(takerFee('polymarket', b('100'), b('0.5'), b('0.02')).toFixed()).toBe('0.5');
    expect(takerFee('polymarket', b('7'), b('0.3'), b('0.02')).toFixed()).toBe('0.03'); // 0.0294 → 0.03
    expect(makerFee('polymarket', b('100'), b('0.5')).toFixed()).toBe('0');
  });
});
