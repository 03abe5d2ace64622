import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { type Book, quoteAround } from '../../src/agents/book';
import { type FillOrder, PaperExecutor, outcomeWins, settlementPnl } from '../../src/agents/executor';

const b = (s: string): Big => new Big(s);
const ZERO = b('0');

function order(over: Partial<FillOrder> = {}): FillOrder {
  return {
    requestId: 'req-1', strategy: 'oracle-sniper', marketId: 'kalshi:btc-100k', venue: 'kalshi', outcome: 'YES',
    contracts: 50, limitPrice: b('0.62'), takerRate: ZERO, ...over,
  };
}
/** A book with bid 0.60 × 80 and ask 0.62 × 100. */
const book = (): Book => ({ bid: b('0.6'), ask: b('0.62'), bidSize: 80, askSize: 100 });

describe('fills against the touch', () => {
  it('fills at the ask, on the tick, never above the limit, with Kalshi’s fee to the cent', () => {
    const executor = new PaperExecutor('ab12');
    const trade = executor.fill(order(), book(), Date.parse('2026-01-31T12:00:00Z'));
    expect(trade).toMatchObject({ id: 'paper-ab12-00000001', status: 'filled', side: 'buy' });
    expect([trade.price.toFixed(), trade.contracts.toFixed(), trade.amount.toFixed()]).toEqual(['0.62', '50', '31']);
    // ceil(0.07 × 50 × 0.62 × 0.38) = ceil(0.8246) = 0.83
    expect(trade.fees.toFixed()).toBe('0.83');
    expect(executor.snapshot().recent_trades[0]).toMatchObject({ price: '0.62', shares: '50', limit_price: '0.62', amount: '31', status: 'filled', executed_at: '2026-01-31T12:00:00.000Z' });
  });

  it('fills nothing when the ask is above the limit: the order is cancelled and reported', () => {
    const trade = new PaperExecutor('r').fill(order({ limitPrice: b('0.61') }), book(), 0);
    expect(trade.status).toBe('cancelled');
    expect([trade.contracts.toFixed(), trade.amount.toFixed(), trade.fees.toFixed(), trade.unfilled.toFixed()]).toEqual(['0', '0', '0', '30.5']);
  });

  it('fills partially when the touch runs out, and the touch is used up for the next order', () => {
    const executor = new PaperExecutor('r');
    const touch = book();
    const first = executor.fill(order({ contracts: 70 }), touch, 0);
    const second = executor.fill(order({ contracts: 50 }), touch, 0);
    expect([first.status, first.contracts.toFixed()]).toEqual(['filled', '70']);
    expect([second.status, second.contracts.toFixed(), second.unfilled.toFixed()]).toEqual(['partial', '30', '12.4']);
    expect(touch.askSize).toBe(0);
  });

  it('buys NO at 1 − the YES bid, from the YES bid’s size', () => {
    const touch = book();
    const trade = new PaperExecutor('r').fill(order({ outcome: 'NO', limitPrice: b('0.4'), contracts: 100, venue: 'polymarket', marketId: 'polymarket:x' }), touch, 0);
    expect([trade.status, trade.price.toFixed(), trade.contracts.toFixed(), trade.fees.toFixed()]).toEqual(['partial', '0.4', '80', '0']);
    expect(touch.bidSize).toBe(0);
  });

  it('an unwind sells at the bid, realises proceeds − basis − fee at once, and leaves the rest of the buy open', () => {
    const executor = new PaperExecutor('r');
    const buy = executor.fill(order(), quoteAround(0.61, 0.01, 100, 100), 0); // 50 at 0.62, fee 0.83
    const sale = executor.unwind(buy, 20, { bid: b('0.58'), ask: b('0.6'), bidSize: 100, askSize: 100 }, ZERO, 5000);
    // 20 × 0.58 = 11.6; basis 20 × 0.62 = 12.4; fee ceil(0.07 × 20 × 0.58 × 0.42) = ceil(0.34104) = 0.35
    expect([sale.side, sale.amount.toFixed(), sale.fees.toFixed(), sale.settlement?.pnl.toFixed()]).toEqual(['sell', '11.6', '0.35', '-1.15']);
    expect(sale.closes).toEqual({ tradeId: buy.id, basis: b('12.4') });
    expect([buy.contracts.toFixed(), buy.amount.toFixed()]).toEqual(['30', '18.6']);
    const [settled] = executor.settle('kalshi:btc-100k', true, 10_000);
    expect(settled?.settlement?.pnl.toFixed()).toBe('10.57'); // 30 − 18.6 − 0.83
  });

  it('keeps the 10 most recent trades in its snapshot, newest first', () => {
    const executor = new PaperExecutor('r');
    for (let i = 0; i < 12; i += 1) executor.fill(order({ contracts: 1 }), book(), 0);
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

  it('is payout − cost − fees: $1 a winning contract, $0 a losing one', () => {
    expect(settlementPnl(true, b('50'), b('31'), b('0.83')).toFixed()).toBe('18.17');
    expect(settlementPnl(false, b('50'), b('31'), b('0.83')).toFixed()).toBe('-31.83');
  });

  it('settles only the trades on the settled market, once, and never a cancelled order', () => {
    const executor = new PaperExecutor('r');
    executor.fill(order({ marketId: 'polymarket:a', venue: 'polymarket' }), book(), 0);
    executor.fill(order({ marketId: 'kalshi:b', outcome: 'NO', limitPrice: b('0.4') }), book(), 0);
    executor.fill(order({ marketId: 'kalshi:c', limitPrice: b('0.5') }), book(), 0); // cancelled
    expect(executor.settle('polymarket:a', true, 1)).toHaveLength(1);
    expect(executor.settle('polymarket:a', true, 2)).toHaveLength(0);
    expect(executor.settle('kalshi:c', true, 2)).toHaveLength(0);
    expect([...executor.openTrades().keys()]).toEqual(['kalshi:b']);
  });
});
