import Big from 'big.js';
import type { ExecutorSnapshot, Outcome, TradeExecuted, Venue } from '../events';
import { ONE, ZERO, dec, frac, roundDown, roundUp } from './money';

const HALF = new Big('0.5');
/** Shares are counted to this many decimal places (rounded down). */
export const SHARE_DP = 6;
/** Fees are charged to this many decimal places (rounded up). */
export const FEE_DP = 6;
/** The executor snapshot carries this many most recent trades. */
export const RECENT_TRADES = 10;

/** Fill price: max_price plus slippage, `max_price × (1 + slippage)`, exact. */
export function fillPrice(maxPrice: Big, slippage: Big): Big {
  return maxPrice.times(ONE.plus(slippage));
}

/** Taker fee per share at price p: `rate × (0.5 − |p − 0.5|)`. */
export function feePerShare(price: Big, rate: Big): Big {
  return rate.times(HALF.minus(price.minus(HALF).abs()));
}

/** Shares bought: amount ÷ price, rounded down to `SHARE_DP` places. */
export function sharesFor(amount: Big, price: Big): Big {
  return roundDown(amount.div(price), SHARE_DP);
}

/** Fees for a fill: shares × fee per share, rounded up to `FEE_DP` places. */
export function feesFor(shares: Big, price: Big, rate: Big): Big {
  return roundUp(shares.times(feePerShare(price, rate)), FEE_DP);
}

/** Realised P&L at settlement: a winning position's shares pay $1 each, a losing one's $0; the stake and fees are spent. */
export function settlementPnl(won: boolean, shares: Big, amount: Big, fees: Big): Big {
  return (won ? shares : ZERO).minus(amount).minus(fees);
}

/** Whether a position on `outcome` wins when the market resolves YES (`yesWon`) or NO. */
export function outcomeWins(outcome: Outcome, yesWon: boolean): boolean {
  return outcome === 'YES' ? yesWon : !yesWon;
}

/** An approved request, ready to fill. */
export interface FillOrder {
  readonly requestId: string;
  readonly strategy: string;
  readonly marketId: string;
  readonly venue: Venue;
  readonly outcome: Outcome;
  readonly amount: Big;
  readonly maxPrice: Big;
}

/** A filled paper trade and, once its market settles, its outcome. */
export interface PaperTrade extends Omit<FillOrder, 'maxPrice'> {
  readonly id: string;
  readonly price: Big;
  readonly shares: Big;
  readonly fees: Big;
  readonly executedAt: number;
  settlement?: { readonly won: boolean; readonly pnl: Big; readonly settledAt: number };
}

/** The paper executor: fills with slippage and fees, realises P&L when a market settles. */
export class PaperExecutor {
  private readonly trades: PaperTrade[] = [];
  private readonly openByMarket = new Map<string, PaperTrade[]>();
  /** Trades filled so far. */
  processed = 0;

  constructor(
    private readonly run: string,
    private readonly slippage: Big,
    private readonly feeRate: Big,
  ) {}

  /** Fills an approved order at simulated time `at`. */
  fill(order: FillOrder, at: number): PaperTrade {
    this.processed += 1;
    const price = fillPrice(order.maxPrice, this.slippage);
    const shares = sharesFor(order.amount, price);
    const trade: PaperTrade = {
      id: `paper-${this.run}-${this.processed.toString(16).padStart(8, '0')}`,
      requestId: order.requestId,
      strategy: order.strategy,
      marketId: order.marketId,
      venue: order.venue,
      outcome: order.outcome,
      amount: order.amount,
      price,
      shares,
      fees: feesFor(shares, price, this.feeRate),
      executedAt: at,
    };
    this.trades.push(trade);
    this.openByMarket.set(order.marketId, [...(this.openByMarket.get(order.marketId) ?? []), trade]);
    return trade;
  }

  /** Settles every open trade on a market; returns them with their settlement. */
  settle(marketId: string, yesWon: boolean, at: number): PaperTrade[] {
    const open = this.openByMarket.get(marketId) ?? [];
    this.openByMarket.delete(marketId);
    for (const trade of open) {
      const won = outcomeWins(trade.outcome, yesWon);
      trade.settlement = { won, pnl: settlementPnl(won, trade.shares, trade.amount, trade.fees), settledAt: at };
    }
    return open;
  }

  /** Every trade, oldest first. */
  all(): readonly PaperTrade[] {
    return this.trades;
  }

  /** The `state_update` snapshot on trade.results: trade count and the most recent trades, newest first. */
  snapshot(): ExecutorSnapshot {
    return {
      trade_count: this.trades.length,
      recent_trades: this.trades.slice(-RECENT_TRADES).reverse().map(tradeRecord),
    } as ExecutorSnapshot;
  }
}

/** A trade as `trade.executed` data (and as a snapshot item). */
export function tradeRecord(trade: PaperTrade): TradeExecuted {
  return {
    id: trade.id,
    request_id: trade.requestId,
    strategy: trade.strategy,
    market_id: trade.marketId,
    venue: trade.venue,
    side: 'buy',
    outcome: trade.outcome,
    amount: dec(trade.amount),
    price: frac(trade.price),
    fees: dec(trade.fees),
    status: 'filled',
    executed_at: new Date(trade.executedAt).toISOString(),
    paper_trade: true,
  } as TradeExecuted;
}
