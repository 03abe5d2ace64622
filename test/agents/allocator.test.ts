import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { CapitalAllocator, allocationsFor, scoreOf } from '../../src/agents/allocator';

const b = (s: string): Big => new Big(s);
const sum = (m: Map<string, Big>): string => [...m.values()].reduce((a, x) => a.plus(x), b('0')).toFixed();

describe('score', () => {
  it('is max(0, 1 + 10 × pnl / bankroll) + 0.5 × win rate: it scales with the bankroll', () => {
    expect(scoreOf({ pnl: b('0'), trades: 0, wins: 0 }, b('500')).toFixed()).toBe('1');
    expect(scoreOf({ pnl: b('50'), trades: 4, wins: 3 }, b('500')).toFixed()).toBe('2.375');
    expect(scoreOf({ pnl: b('500'), trades: 4, wins: 3 }, b('5000')).toFixed()).toBe('2.375');
    expect(scoreOf({ pnl: b('-25'), trades: 4, wins: 1 }, b('500')).toFixed()).toBe('0.625');
  });

  it('never goes below 0.1', () => {
    expect(scoreOf({ pnl: b('-200'), trades: 2, wins: 0 }, b('500')).toFixed()).toBe('0.1');
  });
});

describe('allocation', () => {
  it('is floor + (1 − n × floor) × score / Σ scores and sums to exactly 1', () => {
    const two = allocationsFor(new Map([['a', b('2.375')], ['b', b('0.125')]]));
    expect(two.get('a')?.toFixed()).toBe('0.86'); // 0.1 + 0.8 × 0.95
    expect(two.get('b')?.toFixed()).toBe('0.14');
    const three = allocationsFor(new Map([['a', b('1')], ['b', b('1')], ['c', b('1')]]));
    expect(three.get('a')?.toFixed()).toBe('0.3333');
    expect(three.get('c')?.toFixed()).toBe('0.3334');
    for (const m of [two, three, allocationsFor(new Map([['x', b('0.1')], ['y', b('7')], ['z', b('0.3')]]))]) {
      expect(sum(m)).toBe('1');
      for (const v of m.values()) expect(v.gte('0.0999')).toBe(true);
    }
  });
});

describe('capital allocator', () => {
  it('starts with an equal split', () => {
    const a = new CapitalAllocator(b('500'), ['oracle-sniper', 'cross-venue'], 10);
    expect(a.snapshot()).toEqual({
      total_capital: '500',
      strategies: {
        'oracle-sniper': { total_pnl: '0', trades: 0, wins: 0, losses: 0, allocation_pct: '0.5' },
        'cross-venue': { total_pnl: '0', trades: 0, wins: 0, losses: 0, allocation_pct: '0.5' },
      },
    });
  });

  it('keeps P&L, wins, losses and the largest win and loss per strategy', () => {
    const a = new CapitalAllocator(b('500'), ['s'], 10);
    for (const pnl of ['14.77', '-25.48', '9.5', '-51.56']) a.recordSettlement('s', b(pnl));
    expect(a.snapshot()).toEqual({
      total_capital: '447.23',
      strategies: { s: { total_pnl: '-52.77', trades: 4, wins: 2, losses: 2, allocation_pct: '1', largest_win: '14.77', largest_loss: '-51.56' } },
    });
  });

  it('rebalances on the 10th settled trade, not before, and reports the allocations that moved', () => {
    const a = new CapitalAllocator(b('500'), ['good', 'bad'], 10);
    for (let i = 0; i < 5; i += 1) expect(a.recordSettlement('good', b('10')).size).toBe(0);
    for (let i = 0; i < 4; i += 1) expect(a.recordSettlement('bad', b('-10')).size).toBe(0);
    const moved = a.recordSettlement('bad', b('-10'));
    // good: 1 + 10 × 50/500 + 0.5 = 2.5 ; bad: max(0, 1 − 1) + 0 → floor 0.1 ; bad = 0.1 + 0.8 × 0.1/2.6
    expect(Object.fromEntries([...moved].map(([k, v]) => [k, v.toFixed()]))).toEqual({ bad: '0.1308', good: '0.8692' });
    expect(a.allocation('good').plus(a.allocation('bad')).toFixed()).toBe('1');
  });

  it('does not rebalance with a single strategy', () => {
    const a = new CapitalAllocator(b('500'), ['only'], 10);
    for (let i = 0; i < 30; i += 1) expect(a.recordSettlement('only', b('-10')).size).toBe(0);
    expect(a.allocation('only').toFixed()).toBe('1');
  });
});
