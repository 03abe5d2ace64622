import { describe, expect, it } from 'vitest';
import { MAX_STRATEGIES, strategyPerformance, type StrategyEntry } from '../../src/projections';
import { decided, given, legacy, requested, v1 } from './support';

const settled = (strategy: string, won: boolean, pnl: string) =>
  v1('trade.settled', { trade_id: 'paper-1', strategy, market_id: 'polymarket:btc-100k', won, pnl, settled_at: '2026-01-31T13:00:00Z' });

/** A strategy's entry before anything happened to it, with `fields` set. */
const entry = (fields: Partial<StrategyEntry>): StrategyEntry => ({
  pnl: '0',
  trades: 0,
  wins: 0,
  losses: 0,
  win_rate: null,
  largest_win: null,
  largest_loss: null,
  allocation_pct: null,
  requests: 0,
  approvals: 0,
  rejections: 0,
  ...fields,
});

const opportunity = (type: string) =>
  v1('opportunity.detected', {
    id: 'opp-1',
    opportunity_type: type,
    market_id: 'polymarket:btc-100k',
    oracle_symbol: 'BTC',
    oracle_value: '101000',
    fair_price: '0.95',
    market_price: '0.6',
    expected_edge: '0.35',
    signal_strength: '1',
  });

describe('strategy.performance projection', () => {
  it('books settlements: P&L, trades, wins, losses, win rate, largest win and loss', () => {
    given(strategyPerformance, [settled('s', true, '10.50'), settled('s', false, '-4'), settled('s', true, '2'), settled('s', false, '-7.25')]).thenHas({
      strategies: {
        s: entry({ pnl: '1.25', trades: 4, wins: 2, losses: 2, win_rate: '0.5', largest_win: '10.5', largest_loss: '-7.25' }),
      },
    });
  });

  it('rounds the win rate to 6 places', () => {
    const { state } = given(strategyPerformance, [settled('s', true, '1'), settled('s', false, '-1'), settled('s', false, '-1')]);
    expect(state.strategies.s?.win_rate).toBe('0.333333');
  });

  it('counts requests, approvals and rejections per strategy', () => {
    given(strategyPerformance, [requested('a'), requested('a'), decided('a', true), decided('a', false), requested('b')]).thenHas({
      strategies: {
        a: entry({ requests: 2, approvals: 1, rejections: 1 }),
        b: entry({ requests: 1 }),
      },
    });
  });

  it('counts opportunities seen, by type', () => {
    given(strategyPerformance, [opportunity('oracle_lag'), opportunity('oracle_lag'), opportunity('temporal')]).thenHas({
      opportunities_seen: 3,
      opportunities_by_type: { oracle_lag: 2, cross_platform: 0, temporal: 1, mispricing: 0 },
    });
  });

  it('takes the allocation from allocation.updated', () => {
    given(strategyPerformance, [v1('allocation.updated', { strategy: 'a', allocation_pct: '0.250', total_capital: '500' })]).thenHas({
      strategies: { a: entry({ allocation_pct: '0.25' }) },
    });
  });

  describe('reconciliation with the allocator snapshot', () => {
    const snapshot = legacy('allocator.snapshot', {
      total_capital: '1000',
      strategies: { 'oracle-sniper': { total_pnl: '100', trades: 3, wins: 2, losses: 1, allocation_pct: '1.0' } },
    });

    it('is authoritative for the figures it carries, keeping the guardian counts', () => {
      const { state } = given(strategyPerformance, [requested('oracle-sniper'), settled('oracle-sniper', true, '5'), snapshot]);
      expect(state.strategies['oracle-sniper']).toEqual({
        pnl: '100',
        trades: 3,
        wins: 2,
        losses: 1,
        win_rate: '0.666667',
        largest_win: '5',
        largest_loss: null,
        allocation_pct: '1',
        requests: 1,
        approvals: 0,
        rejections: 0,
      });
    });

    it('a settlement after the snapshot builds on it', () => {
      given(strategyPerformance, [snapshot, settled('oracle-sniper', false, '-20')]).thenHas({
        strategies: { 'oracle-sniper': entry({ pnl: '80', trades: 4, wins: 2, losses: 2, win_rate: '0.5', largest_loss: '-20', allocation_pct: '1' }) },
      });
    });

    it('returns the same state when the snapshot repeats what is held', () => {
      const s = given(strategyPerformance, [snapshot]).state;
      expect(strategyPerformance.evolve(s, snapshot)).toBe(s);
    });
  });
});

describe('strategy.performance: identity and limits', () => {
  it('given allocation.updated repeating the held allocation, then the state is the same object', () => {
    const s1 = given(strategyPerformance, [v1('allocation.updated', { strategy: 'a', allocation_pct: '0.25', total_capital: '500' })]).state;
    expect(strategyPerformance.evolve(s1, v1('allocation.updated', { strategy: 'a', allocation_pct: '0.250', total_capital: '600' }))).toBe(s1);
  });

  it('given MAX_STRATEGIES strategies, when a new one is named, then it is ignored and the state is the same object', () => {
    const s1 = given(strategyPerformance, Array.from({ length: MAX_STRATEGIES }, (_, i) => requested(`s${i}`))).state;
    expect(Object.keys(s1.strategies)).toHaveLength(MAX_STRATEGIES);
    expect(strategyPerformance.evolve(s1, requested('late'))).toBe(s1);
    expect(strategyPerformance.evolve(s1, requested('s3')).strategies.s3?.requests).toBe(2);
  });

  it('given a strategy named like an Object.prototype member, then it is held under a safe key', () => {
    expect(Object.keys(given(strategyPerformance, [requested('__proto__')]).state.strategies)).toEqual(['___proto__']);
  });

  it('given a snapshot with largest win and loss, then they are taken, in plain notation', () => {
    const snapshot = legacy('allocator.snapshot', {
      total_capital: '1000',
      strategies: { a: { total_pnl: '1E+1', trades: 2, wins: 1, losses: 1, allocation_pct: '0.5', largest_win: '2.50', largest_loss: '-1.0' } },
    });
    given(strategyPerformance, [snapshot]).thenHas({
      strategies: { a: entry({ pnl: '10', trades: 2, wins: 1, losses: 1, win_rate: '0.5', largest_win: '2.5', largest_loss: '-1', allocation_pct: '0.5' }) },
    });
  });

  it.each([
    ['pnl', { total_pnl: '101' }],
    ['trades', { trades: 4 }],
    ['wins', { wins: 3 }],
    ['losses', { losses: 2 }],
    ['allocation', { allocation_pct: '0.9' }],
    ['largest win', { largest_win: '50' }],
    ['largest loss', { largest_loss: '-50' }],
  ])('given a held strategy, when a snapshot changes only its %s, then the entry changes', (_label, change) => {
    const figures = { total_pnl: '100', trades: 3, wins: 2, losses: 1, allocation_pct: '1.0' };
    const first = legacy('allocator.snapshot', { total_capital: '1000', strategies: { a: figures } });
    const second = legacy('allocator.snapshot', { total_capital: '1000', strategies: { a: { ...figures, ...change } } });
    const s1 = given(strategyPerformance, [first]).state;
    expect(strategyPerformance.evolve(s1, second)).not.toBe(s1);
  });

  it('given settlements, then a larger win or a deeper loss replaces the held one and a smaller one does not', () => {
    given(strategyPerformance, [settled('s', true, '5'), settled('s', true, '3'), settled('s', true, '8'), settled('s', false, '-2'), settled('s', false, '-6'), settled('s', false, '-1')]).thenHas({
      strategies: { s: entry({ pnl: '7', trades: 6, wins: 3, losses: 3, win_rate: '0.5', largest_win: '8', largest_loss: '-6' }) },
    });
  });
});

describe('strategy.performance: the text of an entry', () => {
  it('given every kind of change to a strategy, then its entry lists its fields in one order, the order of a new entry', () => {
    const order = JSON.stringify(Object.keys(entry({})));
    const { state } = given(strategyPerformance, [
      requested('a'),
      decided('a', true),
      decided('a', false),
      settled('a', true, '5'),
      settled('a', false, '-2'),
      v1('allocation.updated', { strategy: 'a', allocation_pct: '0.5', total_capital: '500' }),
    ]);
    expect(JSON.stringify(Object.keys(state.strategies['a'] ?? {}))).toBe(order);
    expect(state.strategies['a']).toStrictEqual(
      entry({ pnl: '3', trades: 2, wins: 1, losses: 1, win_rate: '0.5', largest_win: '5', largest_loss: '-2', allocation_pct: '0.5', requests: 1, approvals: 1, rejections: 1 }),
    );
  });
});
