import type Big from 'big.js';
import type { Venue } from '../events';
import type { PaperTrade } from './executor';
import type { RiskFigures } from './guardian';
import { ZERO } from './money';

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

/** What the loop counted besides the trades and the guardian's figures. */
export interface LoopCounters {
  readonly maxDrawdown: Big;
  readonly halted: boolean;
  readonly rejections: Readonly<Record<string, number>>;
  readonly halts: Readonly<Record<string, number>>;
  readonly approvals: number;
  /** Simulated epoch ms of the last tick. */
  readonly time: number;
  readonly ticks: number;
}

/** The books from the trades, the guardian's figures and the loop's counters. */
export function ledgerOf(trades: readonly PaperTrade[], g: RiskFigures, c: LoopCounters): Ledger {
  let pnl = ZERO;
  let fees = ZERO;
  let settled = 0;
  for (const t of trades) {
    fees = fees.plus(t.fees);
    if (t.settlement !== undefined) {
      pnl = pnl.plus(t.settlement.pnl);
      settled += 1;
    }
  }
  return {
    trades: trades.map(ledgerTrade),
    pnl: pnl.toFixed(),
    fees: fees.toFixed(),
    settled,
    open: trades.filter((t) => t.settlement === undefined && t.contracts.gt(0)).length,
    current_value: g.value.toFixed(),
    high_water_mark: g.highWater.toFixed(),
    daily_pnl: g.daily.toFixed(),
    unrealised_pnl: g.unrealised.toFixed(),
    marked_value: g.marked.toFixed(),
    marked_high_water_mark: g.markedHighWater.toFixed(),
    max_drawdown_pct: c.maxDrawdown.round(6).toFixed(),
    halted: c.halted,
    rejections: { ...c.rejections },
    halts: { ...c.halts },
    approvals: c.approvals,
    simulated_time: iso(c.time),
    ticks: c.ticks,
  };
}

/** ISO-8601 UTC of a simulated time. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
