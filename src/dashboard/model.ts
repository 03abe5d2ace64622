/** View models: what each page shows, read from the projections' JSON states (docs/PROJECTIONS.md). */

/** Money and fractions stay decimal strings until they are formatted; `null` when unknown. */
export type Dec = string | null;

/** One point of the equity curve: seconds since the epoch and the value as a float (charts only). */
export interface EquityPoint {
  readonly t: number;
  readonly v: number;
}

/** The Overview's headline figures (`portfolio.summary`). */
export interface OverviewView {
  readonly totalCapital: Dec;
  readonly currentValue: Dec;
  readonly pnl: Dec;
  readonly pnlPct: Dec;
  readonly tradeCount: number;
  readonly wins: number;
  readonly losses: number;
  readonly winRate: Dec;
  readonly openExposure: Dec;
  readonly halted: boolean;
  readonly equity: readonly EquityPoint[];
}

/** One strategy (`strategy.performance`, with the allocator's view from `agent.updates` filling gaps). */
export interface StrategyRow {
  readonly name: string;
  readonly pnl: Dec;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly winRate: Dec;
  readonly largestWin: Dec;
  readonly largestLoss: Dec;
  readonly allocationPct: Dec;
  readonly requests: number;
  readonly approvals: number;
  readonly rejections: number;
}

/** One trade (`trade.results`), newest first. */
export interface TradeRow {
  readonly id: string;
  readonly strategy: string | null;
  readonly executedAt: string | null;
  readonly market: string;
  readonly side: string;
  readonly outcome: string;
  readonly amount: Dec;
  readonly price: Dec;
  readonly fees: Dec;
  readonly status: string;
  /** `null` until the market settles. */
  readonly pnl: Dec;
  readonly won: boolean | null;
}

/** A named amount: exposure per market or per venue. */
export interface AmountRow {
  readonly key: string;
  readonly amount: Dec;
}

/** A named count: rejections per rule, rejected events per reason. */
export interface CountRow {
  readonly key: string;
  readonly count: number;
}

/** The Risk page (`risk.state`). */
export interface RiskView {
  readonly currentValue: Dec;
  readonly highWaterMark: Dec;
  readonly drawdown: Dec;
  readonly drawdownPct: Dec;
  readonly dailyPnl: Dec;
  readonly bankroll: Dec;
  /** Equity with open positions marked to the venues' bids, and its parts and drawdown (newer guardians only). */
  readonly markedValue: Dec;
  readonly unrealisedPnl: Dec;
  readonly markedDrawdownPct: Dec;
  readonly halted: boolean;
  readonly haltRule: string | null;
  readonly haltReason: string | null;
  readonly exposureByMarket: readonly AmountRow[];
  readonly exposureByVenue: readonly AmountRow[];
  readonly approved: number;
  readonly rejected: number;
  readonly rejectionsByRule: readonly CountRow[];
}

/** One agent as its last heartbeat described it (`agent.updates`). */
export interface AgentRow {
  readonly name: string;
  readonly role: string;
  readonly status: string;
  /** Epoch ms of the last heartbeat, `null` when unknown. */
  readonly lastHeartbeat: number | null;
  readonly intervalMs: number;
  readonly processed: number;
  readonly detail: string | null;
}

/** One server figure on the System page. */
export interface FigureRow {
  readonly key: string;
  readonly label: string;
  readonly value: string;
}

/** The System page's server figures (`system`). */
export interface SystemView {
  readonly connections: number | null;
  readonly eventsPerSecond: number | null;
  readonly rejectedTotal: number | null;
  readonly lostEvents: number | null;
  readonly duplicateEvents: number | null;
  readonly rejectedByReason: readonly CountRow[];
  readonly versions: readonly CountRow[];
  /** Every other scalar figure the server reports, so new ones show without a page change. */
  readonly other: readonly FigureRow[];
}
