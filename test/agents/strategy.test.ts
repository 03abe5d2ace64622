import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { fairValue, signalOf, yesWins } from '../../src/agents/fairValue';
import type { Opportunity } from '../../src/agents/scanner';
import { crossVenue, oracleSniper } from '../../src/agents/strategy';

const b = (s: string): Big => new Big(s);
const opp = (over: Partial<Opportunity>): Opportunity => ({
  id: 'opp-1', type: 'oracle_lag', marketId: 'polymarket:btc-100k', venue: 'polymarket', symbol: 'BTC',
  spot: b('107000'), fair: b('0.95'), yes: b('0.8'), edge: b('0.15'), signal: b('0.7'), ...over,
});

describe('fair value', () => {
  it('is 0.95 / 0.05 beyond 5% and 0.5 ± 10 × distance inside the band', () => {
    expect(fairValue(b('106000'), b('100000'), 'above').toFixed()).toBe('0.95');
    expect(fairValue(b('94000'), b('100000'), 'above').toFixed()).toBe('0.05');
    expect(fairValue(b('102000'), b('100000'), 'above').toFixed()).toBe('0.7');
    expect(fairValue(b('102000'), b('100000'), 'below').toFixed()).toBe('0.3');
    // The clamp reaches 0.95 at 4.5%, before the band's edge: no jump at 5%.
    expect(fairValue(b('104000'), b('100000'), 'above').toFixed()).toBe('0.9');
    expect(fairValue(b('104999'), b('100000'), 'above').toFixed()).toBe('0.95');
  });

  it('has signal min(1, 10 × |distance|)', () => {
    expect(signalOf(b('106000'), b('100000')).toFixed()).toBe('0.6');
    expect(signalOf(b('80000'), b('100000')).toFixed()).toBe('1');
  });

  it('settles strictly past the threshold', () => {
    expect(yesWins(b('100000.01'), b('100000'), 'above')).toBe(true);
    expect(yesWins(b('100000'), b('100000'), 'above')).toBe(false);
    expect(yesWins(b('99999.99'), b('100000'), 'below')).toBe(true);
  });
});

describe('strategy names (their agents are strategy-<name>)', () => {
  it('are oracle-sniper and cross-venue', () => {
    expect([oracleSniper.name, crossVenue.name]).toEqual(['oracle-sniper', 'cross-venue']);
  });
});

describe('oracle sniper', () => {
  it('buys YES at the YES price when the edge is positive', () => {
    expect(oracleSniper.decide(opp({}))).toEqual({ outcome: 'YES', maxPrice: b('0.8'), expectedEdge: b('0.15') });
  });

  it('buys NO at 1 − YES when the edge is negative (the original dropped these)', () => {
    const intent = oracleSniper.decide(opp({ fair: b('0.05'), yes: b('0.3'), edge: b('-0.25') }));
    expect(intent?.outcome).toBe('NO');
    expect(intent?.maxPrice.toFixed()).toBe('0.7');
    expect(intent?.expectedEdge.toFixed()).toBe('0.25');
  });

  it('given an oracle-lag edge of exactly 0.05 with signal exactly 0.6, then it buys, either side', () => {
    expect(oracleSniper.decide(opp({ edge: b('0.05'), signal: b('0.6') }))).toEqual({ outcome: 'YES', maxPrice: b('0.8'), expectedEdge: b('0.05') });
    const no = oracleSniper.decide(opp({ edge: b('-0.05'), signal: b('0.6'), yes: b('0.35') }));
    expect({ outcome: no?.outcome, maxPrice: no?.maxPrice.toFixed(), expectedEdge: no?.expectedEdge.toFixed() }).toEqual({
      outcome: 'NO',
      maxPrice: '0.65',
      expectedEdge: '0.05',
    });
  });

  it('leaves edges under 0.05, signals under 0.6 and other opportunity types', () => {
    expect(oracleSniper.decide(opp({ edge: b('0.049') }))).toBeUndefined();
    expect(oracleSniper.decide(opp({ edge: b('-0.049') }))).toBeUndefined();
    expect(oracleSniper.decide(opp({ signal: b('0.59') }))).toBeUndefined();
    expect(oracleSniper.decide(opp({ type: 'cross_platform' }))).toBeUndefined();
  });
});

describe('cross-venue', () => {
  it('takes cross-platform edges of 0.03 or more, both ways', () => {
    expect(crossVenue.decide(opp({ type: 'cross_platform', edge: b('0.03'), signal: b('0.3') }))).toEqual({ outcome: 'YES', maxPrice: b('0.8'), expectedEdge: b('0.03') });
    expect(crossVenue.decide(opp({ type: 'cross_platform', edge: b('0.03'), signal: b('0') }))?.outcome).toBe('YES');
    expect(crossVenue.decide(opp({ type: 'cross_platform', edge: b('-0.04'), yes: b('0.6') }))?.maxPrice.toFixed()).toBe('0.4');
    expect(crossVenue.decide(opp({ type: 'cross_platform', edge: b('0.029') }))).toBeUndefined();
    expect(crossVenue.decide(opp({ type: 'oracle_lag' }))).toBeUndefined();
  });
});
