import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { YEAR_MS, digitalProbability, fairValue, yesWins } from '../../src/agents/fairValue';
import { normalCdf } from '../../src/agents/normal';

const b = (s: string): Big => new Big(s);
const MIN = 60_000;

describe('the normal distribution function', () => {
  it.each([
    [0, 0.5],
    [1, 0.841344746],
    [-1.959963985, 0.025],
    [3, 0.998650102],
  ])('Φ(%s) = %s to 1e-7', (x, p) => {
    expect(Math.abs(normalCdf(x) - p)).toBeLessThan(1e-7);
  });
});

describe('fair value: the digital option price Φ(d₂)', () => {
  it('is Φ(d₂) with d₂ = (ln(S/K) − σ²τ/2)/(σ√τ), τ in years', () => {
    const sigma = 0.6;
    const tau = (30 * MIN) / YEAR_MS;
    const d2 = (Math.log(100_500 / 100_000) - (sigma * sigma * tau) / 2) / (sigma * Math.sqrt(tau));
    expect(digitalProbability(100_500, 100_000, sigma, 30 * MIN, 'above')).toBeCloseTo(normalCdf(d2), 12);
    expect(fairValue(b('100500'), b('100000'), sigma, 30 * MIN, 'above').toFixed()).toBe(normalCdf(d2).toFixed(4).replace(/0+$/, ''));
  });

  it('moves toward 0 or 1 as expiry nears: the same distance means more with less time left', () => {
    const at = (minutes: number): number => digitalProbability(100_300, 100_000, 0.6, minutes * MIN, 'above');
    expect(at(30)).toBeLessThan(at(5));
    expect(at(5)).toBeLessThan(at(1));
    expect(at(0)).toBe(1);
    expect(digitalProbability(99_999, 100_000, 0.6, 0, 'above')).toBe(0);
  });

  it('prices "below" as the complement of "above", and at the money just under one half', () => {
    const above = digitalProbability(101_000, 100_000, 0.6, 10 * MIN, 'above');
    expect(digitalProbability(101_000, 100_000, 0.6, 10 * MIN, 'below')).toBeCloseTo(1 - above, 12);
    const atm = digitalProbability(100_000, 100_000, 0.6, 10 * MIN, 'above');
    expect(atm).toBeLessThan(0.5);
    expect(atm).toBeGreaterThan(0.499);
  });

  it('settles strictly past the threshold', () => {
    expect(yesWins(b('100000.01'), b('100000'), 'above')).toBe(true);
    expect(yesWins(b('100000'), b('100000'), 'above')).toBe(false);
    expect(yesWins(b('100000'), b('100000'), 'below')).toBe(false);
    expect(yesWins(b('99999.99'), b('100000'), 'below')).toBe(true);
  });
});
