import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { PaperExecutor, feePerShare, feesFor, fillPrice, outcomeWins, settlementPnl, sharesFor } from '../../src/agents/executor';

const SLIPPAGE = new Big('0.002');
const RATE = new Big('0.0312');

function order(outcome: 'YES' | 'NO', amount: string, maxPrice: string, marketId = 'polymarket:btc-100k') {
  return { requestId: 'req-1', strategy: 'oracle-sniper', marketId, venue: 'polymarket' as const, outcome, amount: new Big(amount), maxPrice: new Big(maxPrice) };
}

describe('fills', () => {
  it('fills at max_price plus 0.2% slippage, exactly', () => {
    expect(fillPrice(new Big('0.62'), SLIPPAGE).toFixed()).toBe('0.62124');
    expect(fillPrice(new Big('0.3'), SLIPPAGE).toFixed()).toBe('0.3006');
  });

  it('charges 0.0312 × (0.5 − |p − 0.5|) per share, highest at 0.5 and symmetric', () => {
    expect(feePerShare(new Big('0.5'), RATE).toFixed()).toBe('0.0156');
    expect(feePerShare(new Big('0.2'), RATE).toFixed()).toBe(feePerShare(new Big('0.8'), RATE).toFixed());
    expect(feePerShare(new Big('0.62124'), RATE).toFixed()).toBe('0.011817312');
  });

  it('counts shares as amount ÷ price rounded down to 6 places and fees rounded up to 6 places', () => {
    const price = new Big('0.62124');
    const shares = sharesFor(new Big('25'), price);
    expect(shares.toFixed()).toBe('40.242096');
    // 40.242096 × 0.011817312 = 0.475553403965952 → 0.475554
    expect(feesFor(shares, price, RATE).toFixed()).toBe('0.475554');
  });

  it('records the trade with executed_at in simulated time and a run-scoped id', () => {
    const executor = new PaperExecutor('ab12', SLIPPAGE, RATE);
    const trade = executor.fill(order('YES', '25', '0.62'), Date.parse('2026-01-31T12:00:00Z'));
    expect(trade.id).toBe('paper-ab12-00000001');
    expect(executor.snapshot()).toMatchObject({
      trade_count: 1,
      recent_trades: [{ id: 'paper-ab12-00000001', price: '0.62124', fees: '0.475554', amount: '25', outcome: 'YES', status: 'filled', executed_at: '2026-01-31T12:00:00.000Z' }],
    });
  });

  it('keeps the 10 most recent trades in its snapshot, newest first', () => {
    const executor = new PaperExecutor('r', SLIPPAGE, RATE);
    for (let i = 0; i < 12; i += 1) executor.fill(order('YES', '1', '0.5'), 0);
    const snap = executor.snapshot();
    expect(snap.trade_count).toBe(12);
    expect(snap.recent_trades.map((t) => t.id)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3].map((n) => `paper-r-${n.toString(16).padStart(8, '0')}`));
  });
});

describe('settlement P&L', () => {
  it('a NO position wins when the market resolves NO, a YES position when it resolves YES', () => {
    expect(outcomeWins('YES', true)).toBe(true);
    expect(outcomeWins('YES', false)).toBe(false);
    expect(outcomeWins('NO', false)).toBe(true);
    expect(outcomeWins('NO', true)).toBe(false);
  });

  it('winning pays $1 a share less stake and fees; losing loses stake and fees (exact decimals)', () => {
    const shares = new Big('40.242096');
    expect(settlementPnl(true, shares, new Big('25'), new Big('0.475554')).toFixed()).toBe('14.766542');
    expect(settlementPnl(false, shares, new Big('25'), new Big('0.475554')).toFixed()).toBe('-25.475554');
  });

  it.each([
    ['YES', true, '114.773998'],
    ['YES', false, '-51.56'],
    ['NO', false, '114.773998'],
    ['NO', true, '-51.56'],
  ] as const)('%s position, market resolves YES=%s → %s', (outcome, yesWon, pnl) => {
    const executor = new PaperExecutor('r', SLIPPAGE, RATE);
    // $50 at 0.30 → price 0.3006, 166.333998 shares, fees 1.56 (1.55999999372256 rounded up).
    executor.fill(order(outcome, '50', '0.30'), 0);
    const [trade] = executor.settle('polymarket:btc-100k', yesWon, 1000);
    expect(trade?.fees.toFixed()).toBe('1.56');
    expect(trade?.settlement?.pnl.toFixed()).toBe(pnl);
    expect(trade?.settlement?.won).toBe(outcome === 'YES' ? yesWon : !yesWon);
  });

  it('settles only the trades on the settled market, once', () => {
    const executor = new PaperExecutor('r', SLIPPAGE, RATE);
    executor.fill(order('YES', '10', '0.5', 'polymarket:a'), 0);
    executor.fill(order('NO', '10', '0.5', 'kalshi:b'), 0);
    expect(executor.settle('polymarket:a', true, 1)).toHaveLength(1);
    expect(executor.settle('polymarket:a', true, 2)).toHaveLength(0);
    expect(executor.all().filter((t) => t.settlement === undefined).map((t) => t.marketId)).toEqual(['kalshi:b']);
  });
});
