import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/agents/config';
import { type RiskRequest, RiskGuardian } from '../../src/agents/guardian';

const b = (s: string): Big => new Big(s);
const guardian = (): RiskGuardian => new RiskGuardian(b('500'), DEFAULT_LIMITS, '2026-01-01');
const request = (amount: string, over: Partial<RiskRequest> = {}): RiskRequest => ({
  marketId: 'polymarket:btc-100k', venue: 'polymarket', amount: b(amount), expectedEdge: b('0.1'), ...over,
});

describe('risk guardian rules', () => {
  it('approves a request within every limit and reserves its exposure', () => {
    const g = guardian();
    expect(g.decide(request('50'))).toEqual({ approved: true, rule: null, reason: 'Approved', halted: false });
    expect(g.snapshot()).toMatchObject({ positions: { 'polymarket:btc-100k': '50' }, platform_exposure: { polymarket: '50', kalshi: '0' }, initial_bankroll: '500' });
  });

  it('position_limit: market exposure + amount over 10% of bankroll', () => {
    const g = guardian();
    g.decide(request('30'));
    expect(g.decide(request('20')).approved).toBe(true); // exactly 50 is allowed
    expect(g.decide(request('0.01'))).toMatchObject({ approved: false, rule: 'position_limit' });
  });

  it('platform_limit: venue exposure + amount over 50% of bankroll', () => {
    const g = guardian();
    for (let i = 0; i < 5; i += 1) expect(g.decide(request('50', { marketId: `polymarket:m${i}` })).approved).toBe(true);
    expect(g.decide(request('1', { marketId: 'polymarket:m9' }))).toMatchObject({ approved: false, rule: 'platform_limit' });
    expect(g.decide(request('1', { marketId: 'kalshi:m9', venue: 'kalshi' })).approved).toBe(true);
  });

  it('minimum_profit: amount × edge under $0.05', () => {
    const g = guardian();
    expect(g.decide(request('0.49', { expectedEdge: b('0.1') }))).toMatchObject({ approved: false, rule: 'minimum_profit' });
    expect(g.decide(request('0.5', { expectedEdge: b('0.1') })).approved).toBe(true);
  });

  it('daily_loss_limit: daily P&L below −10% of bankroll, and it resets at the next UTC day', () => {
    const g = guardian();
    g.decide(request('50'));
    g.settle('polymarket:btc-100k', 'polymarket', b('50'), b('-50.01'));
    expect(g.decide(request('10', { marketId: 'kalshi:x', venue: 'kalshi' }))).toMatchObject({ approved: false, rule: 'daily_loss_limit' });
    expect(g.rollDay('2026-01-01')).toBe(false);
    expect(g.rollDay('2026-01-02')).toBe(true);
    expect(g.snapshot().daily_pnl).toBe('0');
    expect(g.snapshot().current_value).toBe('449.99');
    expect(g.decide(request('10', { marketId: 'kalshi:x', venue: 'kalshi' })).approved).toBe(true);
  });

  it('drawdown_halt: value below 80% of the high-water mark halts, and the halt really halts', () => {
    const g = guardian();
    g.settle('kalshi:a', 'kalshi', b('0'), b('100')); // value 600, HWM 600
    g.rollDay('2026-01-02');
    g.settle('kalshi:b', 'kalshi', b('0'), b('-120.01')); // value 479.99 < 480
    g.rollDay('2026-01-03'); // a new day does not lift a halt
    const first = g.decide(request('10'));
    expect(first).toMatchObject({ approved: false, rule: 'drawdown_halt', halted: true });
    expect(g.isHalted()).toBe(true);
    expect(g.snapshot()).toMatchObject({ halted: true, high_water_mark: '600', current_value: '479.99' });
    // Everything afterwards is system_halt, even a request every other rule would approve and even after profits.
    g.settle('kalshi:c', 'kalshi', b('0'), b('500'));
    g.rollDay('2026-01-04');
    for (const amount of ['1', '10', '50']) {
      expect(g.decide(request(amount, { marketId: 'kalshi:z', venue: 'kalshi' }))).toMatchObject({ approved: false, rule: 'system_halt', halted: false });
    }
    expect(g.snapshot().positions).toEqual({});
  });

  it('checks the rules in order: the first failure is the one reported', () => {
    const g = guardian();
    g.settle('kalshi:a', 'kalshi', b('0'), b('-60')); // daily −60, value 440 (no drawdown: floor 400)
    // This request would also break position_limit and minimum_profit: daily_loss_limit comes first.
    expect(g.decide(request('60', { expectedEdge: b('0') })).rule).toBe('daily_loss_limit');
    g.settle('kalshi:a', 'kalshi', b('0'), b('-50')); // value 390 < 400
    expect(g.decide(request('60')).rule).toBe('drawdown_halt');
    expect(g.decide(request('60')).rule).toBe('system_halt');
  });
});

describe('settlement in the guardian', () => {
  it('releases exposure at settlement and moves value, daily P&L and the high-water mark', () => {
    const g = guardian();
    g.decide(request('50'));
    g.decide(request('40', { marketId: 'polymarket:eth-3k' }));
    g.settle('polymarket:btc-100k', 'polymarket', b('50'), b('14.766542'));
    expect(g.snapshot()).toEqual({
      current_value: '514.766542', high_water_mark: '514.766542', daily_pnl: '14.766542', halted: false, initial_bankroll: '500',
      positions: { 'polymarket:eth-3k': '40' }, platform_exposure: { polymarket: '40', kalshi: '0' },
    });
    g.settle('polymarket:eth-3k', 'polymarket', b('40'), b('-40.5'));
    expect(g.snapshot()).toMatchObject({ current_value: '474.266542', high_water_mark: '514.766542', daily_pnl: '-25.733458', positions: {}, platform_exposure: { polymarket: '0' } });
    // The released room is usable again.
    expect(g.decide(request('50')).approved).toBe(true);
  });
});
