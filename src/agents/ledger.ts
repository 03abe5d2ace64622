import type { Venue } from '../events';
import type { PaperTrade } from './executor';

/** A trade as the ledger reports it: what it cost and, once closed, what it made. */
export interface LedgerTrade {
  readonly id: string;
  readonly request_id: string;
  readonly strategy: string;
  readonly market_id: string;
  readonly venue: Venue;
  readonly side: 'buy' | 'sell';
  readonly outcome: 'YES' | 'NO';
  readonly status: string;
  readonly limit_price: string;
  readonly price: string;
  /** Contracts held (a buy) or sold (a sale). */
  readonly shares: string;
  /** Paid for a buy (of the contracts still held), received for a sale. */
  readonly amount: string;
  readonly fees: string;
  readonly executed_at: string;
  /** For a sale: the buy it unwinds and the cost basis sold. */
  readonly closes_trade_id?: string;
  readonly basis?: string;
  readonly settled: boolean;
  readonly won?: boolean;
  readonly pnl?: string;
  readonly settled_at?: string;
}

/** The run's books: every trade and the totals the projections should agree with. */
export interface Ledger {
  readonly trades: readonly LedgerTrade[];
  /** Realised P&L of all closed trades. */
  readonly pnl: string;
  readonly fees: string;
  readonly settled: number;
  readonly open: number;
  readonly current_value: string;
  readonly high_water_mark: string;
  readonly daily_pnl: string;
  readonly unrealised_pnl: string;
  readonly marked_value: string;
  readonly marked_high_water_mark: string;
  /** The deepest fall of marked equity below its high-water mark so far, as a fraction. */
  readonly max_drawdown_pct: string;
  readonly halted: boolean;
  /** Rejections by rule. */
  readonly rejections: Readonly<Record<string, number>>;
  /** Halts declared, by rule. */
  readonly halts: Readonly<Record<string, number>>;
  readonly approvals: number;
  /** Simulated time of the last tick. */
  readonly simulated_time: string;
  readonly ticks: number;
}

/** One paper trade as a ledger row. */
export function ledgerTrade(t: PaperTrade): LedgerTrade {
  const s = t.settlement;
  return {
    id: t.id, request_id: t.requestId, strategy: t.strategy, market_id: t.marketId, venue: t.venue, side: t.side,
    outcome: t.outcome, status: t.status, limit_price: t.limitPrice.toFixed(), price: t.price.toFixed(),
    shares: t.contracts.toFixed(), amount: t.amount.toFixed(), fees: t.fees.toFixed(), executed_at: iso(t.executedAt),
    ...(t.closes === undefined ? {} : { closes_trade_id: t.closes.tradeId, basis: t.closes.basis.toFixed() }),
    settled: s !== undefined,
    ...(s === undefined ? {} : { won: s.won, pnl: s.pnl.toFixed(), settled_at: iso(s.settledAt) }),
  };
}

/** ISO-8601 UTC of a simulated time. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
