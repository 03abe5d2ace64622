import Big from 'big.js';
import type { ExecutorSnapshot, Outcome, Side, TradeExecuted, TradeStatus, Venue } from '../events';
import { type Book, askOf, askSizeOf, bidOf, bidSizeOf, takeAsk, takeBid } from './book';
import { takerFee } from './fees';
import { ZERO, dec, frac } from './money';

/** The executor snapshot carries this many most recent trades. */
export const RECENT_TRADES = 10;

/** Realised P&L of a bought position at settlement: a winner's contracts pay $1 each, a loser's $0; cost and fees are spent. */
export function settlementPnl(won: boolean, contracts: Big, cost: Big, fees: Big): Big {
  return (won ? contracts : ZERO).minus(cost).minus(fees);
}

/** Whether a position on `outcome` wins when the market resolves YES (`yesWon`) or NO. */
export function outcomeWins(outcome: Outcome, yesWon: boolean): boolean {
  return outcome === 'YES' ? yesWon : !yesWon;
}

/** An approved request, ready to fill: a limit order for whole contracts. */
export interface FillOrder {
  readonly requestId: string;
  readonly strategy: string;
  readonly marketId: string;
  readonly venue: Venue;
  readonly outcome: Outcome;
  readonly contracts: number;
  readonly limitPrice: Big;
  /** The market's Polymarket taker rate. */
  readonly takerRate: Big;
}

/** A paper trade: a fill (possibly partial or nothing at all) and, once closed, its realised P&L. */
export interface PaperTrade {
  readonly id: string;
  readonly requestId: string;
  readonly strategy: string;
  readonly marketId: string;
  readonly venue: Venue;
  readonly side: Side;
  readonly outcome: Outcome;
  readonly status: TradeStatus;
  readonly limitPrice: Big;
  /** The fill price, on the tick, never above the limit (a sale: never below the bid it hit). */
  readonly price: Big;
  /** Contracts filled; shrinks when an unwind sells some of them before settlement. */
  contracts: Big;
  /** contracts × price: paid for a buy, received for a sale. */
  amount: Big;
  readonly fees: Big;
  /** Dollars of the order that did not fill (cancelled), at the limit price. */
  readonly unfilled: Big;
  /** For a sale: the buy it closes and the cost basis of the contracts sold. */
  readonly closes?: { readonly tradeId: string; readonly basis: Big };
  readonly executedAt: number;
  settlement?: { readonly won: boolean; readonly pnl: Big; readonly settledAt: number; readonly released: Big };
}

/**
 * The paper executor: fills limit orders against the venue's touch (at the ask, never above the limit,
 * partially when the touch runs out: the rest is cancelled), sells at the bid to unwind, and realises
 * P&L when a market settles.
 */
export class PaperExecutor {
  private readonly trades: PaperTrade[] = [];
  private readonly openByMarket = new Map<string, PaperTrade[]>();
  /** Orders handled so far. */
  processed = 0;

  constructor(private readonly run: string) {}

  private nextId(): string {
    this.processed += 1;
    return `paper-${this.run}-${this.processed.toString(16).padStart(8, '0')}`;
  }

  /** Fills a buy against `book` at simulated time `at`: at the ask if it is at or below the limit, up to the touch's size. */
  fill(order: FillOrder, book: Book, at: number): PaperTrade {
    const ask = askOf(book, order.outcome);
    const reachable = ask.lte(order.limitPrice) ? askSizeOf(book, order.outcome) : 0;
    const filled = Math.max(0, Math.min(order.contracts, reachable));
    takeAsk(book, order.outcome, filled);
    const contracts = new Big(filled);
    const price = filled > 0 ? ask : order.limitPrice;
    const trade: PaperTrade = {
      id: this.nextId(),
      requestId: order.requestId,
      strategy: order.strategy,
      marketId: order.marketId,
      venue: order.venue,
      side: 'buy',
      outcome: order.outcome,
      status: filled === order.contracts ? 'filled' : filled > 0 ? 'partial' : 'cancelled',
      limitPrice: order.limitPrice,
      price,
      contracts,
      amount: contracts.times(price),
      fees: takerFee(order.venue, contracts, price, order.takerRate),
      unfilled: new Big(order.contracts - filled).times(order.limitPrice),
      executedAt: at,
    };
    this.trades.push(trade);
    if (filled > 0) this.openByMarket.set(order.marketId, [...(this.openByMarket.get(order.marketId) ?? []), trade]);
    return trade;
  }

  /**
   * Sells `contracts` of an open buy at the market (the bid of its outcome, every contract at the bid:
   * the unwind pays the spread and the fee). The sale is closed at once: its P&L is
   * proceeds − cost basis − fee, and the buy keeps the rest of its contracts and cost.
   */
  unwind(trade: PaperTrade, contracts: number, book: Book, takerRate: Big, at: number): PaperTrade {
    const sold = new Big(Math.min(contracts, Number(trade.contracts)));
    const bid = bidOf(book, trade.outcome);
    takeBid(book, trade.outcome, Math.min(Number(sold), bidSizeOf(book, trade.outcome)));
    const basis = sold.times(trade.price);
    const proceeds = sold.times(bid);
    const fees = takerFee(trade.venue, sold, bid, takerRate);
    trade.contracts = trade.contracts.minus(sold);
    trade.amount = trade.amount.minus(basis);
    const pnl = proceeds.minus(basis).minus(fees);
    const sale: PaperTrade = {
      id: this.nextId(),
      requestId: trade.requestId,
      strategy: trade.strategy,
      marketId: trade.marketId,
      venue: trade.venue,
      side: 'sell',
      outcome: trade.outcome,
      status: 'filled',
      limitPrice: bid,
      price: bid,
      contracts: sold,
      amount: proceeds,
      fees,
      unfilled: ZERO,
      closes: { tradeId: trade.id, basis },
      executedAt: at,
      settlement: { won: pnl.gt(0), pnl, settledAt: at, released: basis },
    };
    this.trades.push(sale);
    return sale;
  }

  /** Settles every open buy on a market; returns them with their settlement. */
  settle(marketId: string, yesWon: boolean, at: number): PaperTrade[] {
    const open = this.openByMarket.get(marketId) ?? [];
    this.openByMarket.delete(marketId);
    for (const trade of open) {
      const won = outcomeWins(trade.outcome, yesWon);
      trade.settlement = { won, pnl: settlementPnl(won, trade.contracts, trade.amount, trade.fees), settledAt: at, released: trade.amount };
    }
    return open;
  }

  /** Buys not yet settled, by market. */
  openTrades(): ReadonlyMap<string, readonly PaperTrade[]> {
    return this.openByMarket;
  }

  /**
   * The outcomes a strategy holds, from its own open buys: the guardian's snapshot says how much is
   * held per market, not on which side, so one strategy can ask for the side another holds.
   */
  outcomesHeldBy(strategy: string): (marketId: string) => Outcome | undefined {
    const own = new Map<string, Outcome>();
    for (const [id, trades] of this.openByMarket) {
      for (const t of trades) if (t.strategy === strategy && t.contracts.gt(0)) own.set(id, t.outcome);
    }
    return (marketId) => own.get(marketId);
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
    side: trade.side,
    outcome: trade.outcome,
    amount: dec(trade.amount),
    price: frac(trade.price),
    fees: dec(trade.fees),
    status: trade.status,
    executed_at: new Date(trade.executedAt).toISOString(),
    paper_trade: true,
    shares: dec(trade.contracts),
    limit_price: frac(trade.limitPrice),
    ...(trade.unfilled.gt(0) ? { unfilled_amount: dec(trade.unfilled) } : {}),
    ...(trade.closes === undefined ? {} : { closes_trade_id: trade.closes.tradeId }),
  } as TradeExecuted;
}
