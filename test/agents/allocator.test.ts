import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { CapitalAllocator, allocationsFor, scoreOf } from '../../src/agents/allocator';

const b = (s: string): Big => new Big(s);

describe('score', () => {
  it('is max(0, pnl/100 + 1) + 0.5 × win rate', () => {
    expect(scoreOf({ pnl: b('0'), trades: 0, wins: 0 }).toFixed()).toBe('1');
    expect(scoreOf({ pnl: b('50'), trades: 4, wins: 3 }).toFixed()).toBe('1.875');
    expect(scoreOf({ pnl: b('-150'), trades: 4, wins: 1 }).toFixed()).toBe('0.125');
  });

  it('never goes below 0.1', () => {
    expect(scoreOf({ pnl: b('-200'), trades: 2, wins: 0 }).toFixed()).toBe('0.1');
  });
});

describe('allocation', () => {
  it('is score / Σ scores clamped to [0.05, 0.50]', () => {
    const two = allocationsFor(new Map([['a', b('1.875')], ['b', b('0.125')]]));
    expect(two.get('a')?.toFixed()).toBe('0.5'); // 0.9375 clamped
    expect(two.get('b')?.toFixed()).toBe('0.0625');
    const three = allocationsFor(new Map([['a', b('1')], ['b', b('1')], ['c', b('0.1')]]));
    expect(three.get('a')?.toFixed()).toBe('0.4762'); // 1/2.1, 4 places
    expect(three.get('c')?.toFixed()).toBe('0.05'); // 0.0476… clamped up
  });
});

describe('capital allocator', () => {
  it('starts with an equal split, clamped', () => {
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
    a.recordSettlement('s', b('14.766542'));
    a.recordSettlement('s', b('-25.475554'));
    a.recordSettlement('s', b('9.5'));
    a.recordSettlement('s', b('-51.56'));
    expect(a.snapshot()).toEqual({
      total_capital: '447.230988',
      strategies: { s: { total_pnl: '-52.769012', trades: 4, wins: 2, losses: 2, allocation_pct: '0.5', largest_win: '14.766542', largest_loss: '-51.56' } },
    });
  });

  it('rebalances on the 10th settled trade, not before, and reports the allocations that moved', () => {
    const a = new CapitalAllocator(b('500'), ['good', 'bad'], 10);
    for (let i = 0; i < 5; i += 1) expect(a.recordSettlement('good', b('10')).size).toBe(0);
    for (let i = 0; i < 4; i += 1) expect(a.recordSettlement('bad', b('-30')).size).toBe(0);
    const moved = a.recordSettlement('bad', b('-30'));
    // good: 1.5 + 0.5 = 2 ; bad: max(0, −0.5) + 0 → 0.1 floor ; 2/2.1 → 0.5 (clamped), 0.1/2.1 → 0.0476 → 0.05
    expect(Object.fromEntries([...moved].map(([k, v]) => [k, v.toFixed()]))).toEqual({ bad: '0.05' });
    expect(a.allocation('good').toFixed()).toBe('0.5');
    expect(a.allocation('bad').toFixed()).toBe('0.05');
    // The counter restarts: the next rebalance is 10 settlements later.
    for (let i = 0; i < 9; i += 1) expect(a.recordSettlement('bad', b('40')).size).toBe(0);
    const next = a.recordSettlement('bad', b('40'));
    // bad: pnl 250 → 3.5 + 0.5 × 10/15 = 3.8333… ; good 2 → 2/5.8333 = 0.3429, bad clamped to 0.5
    expect(Object.fromEntries([...next].map(([k, v]) => [k, v.toFixed()]))).toEqual({ good: '0.3429', bad: '0.5' });
  });

  it('does not rebalance with a single strategy', () => {
    const a = new CapitalAllocator(b('500'), ['only'], 10);
    for (let i = 0; i < 30; i += 1) expect(a.recordSettlement('only', b('-10')).size).toBe(0);
    expect(a.allocation('only').toFixed()).toBe('0.5');
  });
});
