import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/agents/config';
import { type RiskRequest, RiskGuardian } from '../../src/agents/guardian';

const b = (s: string): Big => new Big(s);
const ZERO = b('0');
const guardian = (): RiskGuardian => new RiskGuardian(b('500'), DEFAULT_LIMITS, '2026-01-01');
/** $amount of YES at 0.5 (2 contracts a dollar), edge 0.1, no fee. */
const request = (amount: string, over: Partial<RiskRequest> = {}): RiskRequest => ({
  marketId: 'polymarket:btc-100k', venue: 'polymarket', outcome: 'YES', amount: b(amount), contracts: b(amount).times(2),
  expectedEdge: b('0.1'), fees: ZERO, ...over,
});
/** Records the fill of a request as if it filled in full at 0.5. */
const fill = (g: RiskGuardian, r: RiskRequest): void => g.recordFill(r.marketId, r.venue, r.outcome, r.contracts, r.amount, r.fees);

describe('risk guardian rules', () => {
  it('approves a request within every limit; the fill opens the position', () => {
    const g = guardian();
    const r = request('50');
    expect(g.decide(r)).toEqual({ approved: true, rule: null, reason: 'Approved', halted: false });
    fill(g, r);
    expect(g.snapshot()).toMatchObject({ positions: { 'polymarket:btc-100k': '50' }, platform_exposure: { polymarket: '50', kalshi: '0' }, initial_bankroll: '500' });
  });

  it('position_limit: market exposure + amount over 10% of bankroll', () => {
    const g = guardian();
    fill(g, request('30'));
    expect(g.decide(request('20')).approved).toBe(true); // exactly 50 is allowed
    expect(g.decide(request('20.01'))).toMatchObject({ approved: false, rule: 'position_limit' });
  });

  it('platform_limit: venue exposure + amount over 50% of bankroll', () => {
    const g = guardian();
    for (let i = 0; i < 5; i += 1) fill(g, request('50', { marketId: `polymarket:m${i}` }));
    expect(g.decide(request('1', { marketId: 'polymarket:m9' }))).toMatchObject({ approved: false, rule: 'platform_limit' });
    expect(g.decide(request('1', { marketId: 'kalshi:m9', venue: 'kalshi' })).approved).toBe(true);
  });

  it('opposite_side: the other outcome of a market already held is refused, more of the same is not', () => {
    const g = guardian();
    fill(g, request('10'));
    expect(g.decide(request('10', { outcome: 'NO' }))).toMatchObject({ approved: false, rule: 'opposite_side' });
    expect(g.decide(request('10')).approved).toBe(true);
    // The same listing on the other venue is another market: a cross-venue pair is allowed.
    expect(g.decide(request('10', { outcome: 'NO', marketId: 'kalshi:btc-100k', venue: 'kalshi' })).approved).toBe(true);
  });

  it('minimum_profit: contracts × edge − fees under $0.05', () => {
    const g = guardian();
    // 1 contract × 0.1 − 0.04 = 0.06 passes; − 0.06 = 0.04 does not.
    expect(g.decide(request('0.5', { fees: b('0.04') })).approved).toBe(true);
    expect(g.decide(request('0.5', { fees: b('0.06') }))).toMatchObject({ approved: false, rule: 'minimum_profit' });
  });
});

describe('halts on marked equity, when a limit is crossed', () => {
  it('drawdown_halt fires from evaluate() when marked equity falls 20% below its high-water mark, with no request', () => {
    const g = guardian();
    fill(g, request('50')); // 100 contracts at 0.5
    g.mark(() => b('0.9')); // marked 500 + 90 − 50 = 540
    expect(g.figures().markedHighWater.toFixed()).toBe('540');
    expect(g.evaluate()).toBeUndefined();
    // Realised value is untouched; marked falls to 500 + 100 × 0.06 − 50 = 456 > 432: not yet.
    g.mark(() => b('0.06'));
    expect(g.evaluate()).toBeUndefined();
    g.mark(() => b('0.01')); // 451 ≥ 432 still
    expect(g.evaluate()).toBeUndefined();
    g.release('polymarket:btc-100k', b('100'), b('50'), ZERO, b('-50')); // settles worthless: value 450, marked 450
    fill(g, request('40', { marketId: 'kalshi:x', venue: 'kalshi' }));
    g.mark(() => b('0.08')); // 80 contracts: 450 + 6.4 − 40 = 416.4 < 432
    const halt = g.evaluate();
    expect(halt?.rule).toBe('drawdown_halt');
    expect(g.isHalted()).toBe(true);
    expect(g.snapshot()).toMatchObject({ halted: true, current_value: '450', marked_value: '416.4', unrealised_pnl: '-33.6', marked_high_water_mark: '540' });
    // Once halted, every request is system_halt, and a new day does not lift it.
    g.rollDay('2026-01-02');
    expect(g.decide(request('1', { marketId: 'kalshi:z', venue: 'kalshi' }))).toMatchObject({ approved: false, rule: 'system_halt', halted: false });
    expect(g.evaluate()).toBeUndefined();
  });

  it('daily_loss_limit halts for the rest of the simulated day and lifts at the next UTC day', () => {
    const g = guardian();
    fill(g, request('50'));
    g.release('polymarket:btc-100k', b('100'), b('50'), ZERO, b('-50.01'));
    expect(g.evaluate()).toMatchObject({ rule: 'daily_loss_limit' });
    expect(g.decide(request('10', { marketId: 'kalshi:x', venue: 'kalshi' }))).toMatchObject({ approved: false, rule: 'system_halt' });
    expect(g.rollDay('2026-01-01')).toBe(false);
    expect(g.rollDay('2026-01-02')).toBe(true);
    expect(g.snapshot()).toMatchObject({ daily_pnl: '0', current_value: '449.99', halted: false });
    expect(g.decide(request('10', { marketId: 'kalshi:x', venue: 'kalshi' })).approved).toBe(true);
  });

  it('a request that finds a limit crossed halts there and reports that rule', () => {
    const g = guardian();
    g.release('kalshi:a', ZERO, ZERO, ZERO, b('-60')); // daily −60
    expect(g.decide(request('60', { expectedEdge: ZERO }))).toMatchObject({ rule: 'daily_loss_limit', halted: true });
    expect(g.decide(request('60')).rule).toBe('system_halt');
  });
});

describe('positions and marks', () => {
  it('marks each position to its bid: unrealised = contracts × bid − cost − fees; marked = value + unrealised', () => {
    const g = guardian();
    fill(g, request('50', { fees: b('0.5') }));
    fill(g, request('20', { marketId: 'kalshi:eth', venue: 'kalshi', outcome: 'NO', contracts: b('25'), fees: b('0.3') }));
    g.mark((id) => (id === 'kalshi:eth' ? b('0.9') : b('0.45')));
    // 100 × 0.45 − 50 − 0.5 = −5.5 ; 25 × 0.9 − 20 − 0.3 = 2.2
    expect(g.snapshot()).toMatchObject({ current_value: '500', unrealised_pnl: '-3.3', marked_value: '496.7', marked_high_water_mark: '500' });
  });

  it('releases exposure and fees at settlement and moves value, daily P&L and the high-water mark', () => {
    const g = guardian();
    fill(g, request('50', { fees: b('0.5') }));
    fill(g, request('40', { marketId: 'polymarket:eth-3k' }));
    g.release('polymarket:btc-100k', b('100'), b('50'), b('0.5'), b('49.5'));
    g.mark(() => b('0.5'));
    expect(g.snapshot()).toEqual({
      current_value: '549.5', high_water_mark: '549.5', daily_pnl: '49.5', halted: false, initial_bankroll: '500',
      positions: { 'polymarket:eth-3k': '40' }, platform_exposure: { polymarket: '40', kalshi: '0' },
      marked_value: '549.5', unrealised_pnl: '0', marked_high_water_mark: '549.5',
    });
    // An unwind releases part of a position: its basis, not its fees.
    g.release('polymarket:eth-3k', b('30'), b('15'), ZERO, b('-1'));
    expect(g.snapshot()).toMatchObject({ positions: { 'polymarket:eth-3k': '25' }, current_value: '548.5' });
    expect(g.openPositions().get('polymarket:eth-3k')?.contracts.toFixed()).toBe('50');
  });
});
