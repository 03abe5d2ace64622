import Big from 'big.js';
import type { AgentHeartbeat, AgentStatus, AllocationUpdated, OpportunityDetected, RiskHalted, OutgoingEvent, RiskDecided, TradeRequested, TradeSettled, Venue } from '../events';
import { CapitalAllocator } from './allocator';
import { type SimulationConfig, type SimulationOptions, assertSimulationConfig } from './config';
import { PaperExecutor, type PaperTrade, tradeRecord } from './executor';
import { RiskGuardian, type RuleName } from './guardian';
import { MarketFeed } from './market';
import { dec, frac } from './money';
import { Outbox } from './outbox';
import { OpportunityScanner } from './scanner';
import { sizeOrder } from './sizing';
import { type Intent, type Strategy, crossVenue, oracleSniper } from './strategy';

/** Agent names as they appear in envelopes. */
export const AGENT = {
  feed: 'market-feed',
  scanner: 'opportunity-scanner',
  guardian: 'risk-guardian',
  executor: 'paper-executor',
  allocator: 'capital-allocator',
} as const;

/** The agent name of a strategy. */
export function strategyAgent(name: string): string {
  return `strategy-${name}`;
}

/** The strategies a simulation runs by default. */
export const DEFAULT_STRATEGIES: readonly Strategy[] = [oracleSniper, crossVenue];

/** A trade as the ledger reports it: what it cost and, once settled, what it made. */
export interface LedgerTrade {
  readonly id: string;
  readonly request_id: string;
  readonly strategy: string;
  readonly market_id: string;
  readonly venue: Venue;
  readonly outcome: 'YES' | 'NO';
  readonly amount: string;
  readonly price: string;
  readonly shares: string;
  readonly fees: string;
  readonly executed_at: string;
  readonly settled: boolean;
  readonly won?: boolean;
  readonly pnl?: string;
  readonly settled_at?: string;
}

/** The run's books: every trade and the totals the projections should agree with. */
export interface Ledger {
  readonly trades: readonly LedgerTrade[];
  /** Realised P&L of all settled trades. */
  readonly pnl: string;
  readonly fees: string;
  readonly settled: number;
  readonly open: number;
  readonly current_value: string;
  readonly high_water_mark: string;
  readonly daily_pnl: string;
  readonly halted: boolean;
  /** Rejections by rule. */
  readonly rejections: Readonly<Record<string, number>>;
  readonly approvals: number;
  /** Simulated time of the last tick. */
  readonly simulated_time: string;
  readonly ticks: number;
}

interface PendingRequest {
  readonly strategy: string;
  readonly requestId: string;
  readonly marketId: string;
  readonly venue: Venue;
  readonly amount: Big;
  readonly intent: Intent;
}

/** The whole trading loop, driven one simulated tick at a time; returns the events each agent publishes. No clock, no I/O. */
export class Simulation {
  readonly config: SimulationConfig;
  private readonly feed: MarketFeed;
  private readonly scanner: OpportunityScanner;
  private readonly guardian: RiskGuardian;
  private readonly executor: PaperExecutor;
  private readonly allocator: CapitalAllocator;
  private readonly outbox: Outbox;
  private readonly requestsBy = new Map<string, number>();
  private readonly rejections: Record<string, number> = {};
  private approvals = 0;
  private requestCount = 0;
  private time: number;

  constructor(
    options: SimulationOptions,
    private readonly strategies: readonly Strategy[] = DEFAULT_STRATEGIES,
  ) {
    this.config = assertSimulationConfig(options);
    const c = this.config;
    this.time = c.startAt;
    this.feed = new MarketFeed(c.seed, c.startAt, c.marketLifetimeMs);
    this.scanner = new OpportunityScanner(c.run);
    this.guardian = new RiskGuardian(c.bankroll, c.limits, dayOf(c.startAt));
    this.executor = new PaperExecutor(c.run, c.slippage, c.feeRate);
    this.allocator = new CapitalAllocator(c.bankroll, strategies.map((s) => s.name), c.rebalanceEvery);
    this.outbox = new Outbox(c.run);
  }

  /** Simulated epoch ms of the last tick. */
  get now(): number {
    return this.time;
  }

  /** Ticks run so far. */
  get ticks(): number {
    return this.feed.ticks;
  }

  /** Every agent's name, in publish order. */
  agents(): string[] {
    return [AGENT.feed, AGENT.scanner, ...this.strategies.map((s) => strategyAgent(s.name)), AGENT.guardian, AGENT.executor, AGENT.allocator];
  }

  /** One simulated tick: markets move and settle, opportunities, requests, decisions, fills; `ts` is the wall-clock publish time. */
  tick(ts: string): OutgoingEvent[] {
    const c = this.config;
    const now = this.time + c.tickMs;
    this.time = now;
    const resolutions = this.feed.step(now);
    let guardianChanged = this.guardian.rollDay(dayOf(now));
    let executorChanged = false;
    let allocatorChanged = false;

    for (const resolution of resolutions) {
      for (const trade of this.executor.settle(resolution.market.id, resolution.yesWon, now)) {
        const s = trade.settlement;
        if (s === undefined) continue;
        this.outbox.emit(AGENT.executor, 'trade.settled', {
          trade_id: trade.id, strategy: trade.strategy, market_id: trade.marketId,
          won: s.won, pnl: dec(s.pnl), settled_at: iso(s.settledAt),
        } as TradeSettled, ts);
        this.guardian.settle(trade.marketId, trade.venue, trade.amount, s.pnl);
        guardianChanged = true;
        allocatorChanged = true;
        const moved = this.allocator.recordSettlement(trade.strategy, s.pnl);
        for (const [strategy, allocation] of moved) {
          this.outbox.emit(AGENT.allocator, 'allocation.updated', {
            strategy, allocation_pct: frac(allocation), total_capital: dec(this.allocator.totalCapital()),
          } as AllocationUpdated, ts);
        }
      }
    }

    const opportunities = this.scanner.scan(this.feed.markets(), (s) => this.feed.spot(s));
    for (const o of opportunities) {
      this.outbox.emit(AGENT.scanner, 'opportunity.detected', {
        id: o.id, opportunity_type: o.type, market_id: o.marketId, oracle_symbol: o.symbol,
        oracle_value: dec(o.spot), fair_price: frac(o.fair), market_price: frac(o.yes),
        expected_edge: dec(o.edge), signal_strength: frac(o.signal),
      } as OpportunityDetected, ts);
    }

    // Strategies size from the guardian's state as published before this tick's requests: requests race, as on a bus.
    const requests: PendingRequest[] = [];
    for (const o of opportunities) {
      for (const strategy of this.strategies) {
        const intent = strategy.decide(o);
        if (intent === undefined) continue;
        const amount = sizeOrder({
          capital: this.allocator.totalCapital(),
          allocationPct: this.allocator.allocation(strategy.name),
          signal: o.signal,
          bankroll: c.bankroll,
          maxPositionPct: c.limits.maxPositionPct,
          maxPlatformPct: c.limits.maxPlatformPct,
          marketExposure: this.guardian.marketExposure(o.marketId),
          venueExposure: this.guardian.venueExposure(o.venue),
        });
        if (amount.lte(0)) continue;
        this.requestCount += 1;
        const request: PendingRequest = {
          strategy: strategy.name, requestId: `req-${c.run}-${this.requestCount}`,
          marketId: o.marketId, venue: o.venue, amount, intent,
        };
        requests.push(request);
        this.requestsBy.set(strategy.name, (this.requestsBy.get(strategy.name) ?? 0) + 1);
        this.outbox.emit(strategyAgent(strategy.name), 'trade.requested', {
          request_id: request.requestId, opportunity_id: o.id, strategy: strategy.name, market_id: o.marketId,
          side: 'buy', outcome: intent.outcome, amount: dec(amount), max_price: frac(intent.maxPrice),
          expected_edge: dec(intent.expectedEdge),
        } as TradeRequested, ts);
      }
    }

    for (const r of requests) {
      const decision = this.guardian.decide({ marketId: r.marketId, venue: r.venue, amount: r.amount, expectedEdge: r.intent.expectedEdge });
      this.outbox.emit(AGENT.guardian, 'risk.decided', {
        request_id: r.requestId, strategy: r.strategy, approved: decision.approved,
        reason: decision.reason, rule_triggered: decision.rule,
      } as RiskDecided, ts);
      if (decision.halted) {
        this.outbox.emit(AGENT.guardian, 'risk.halted', { rule: decision.rule ?? 'drawdown_halt', reason: decision.reason } as RiskHalted, ts);
        guardianChanged = true;
      }
      if (!decision.approved) {
        this.countRejection(decision.rule);
        continue;
      }
      this.approvals += 1;
      guardianChanged = true;
      executorChanged = true;
      const trade = this.executor.fill(
        { requestId: r.requestId, strategy: r.strategy, marketId: r.marketId, venue: r.venue, outcome: r.intent.outcome, amount: r.amount, maxPrice: r.intent.maxPrice },
        now,
      );
      this.outbox.emit(AGENT.executor, 'trade.executed', tradeRecord(trade), ts);
    }

    if (guardianChanged) this.outbox.emit(AGENT.guardian, 'guardian.snapshot', this.guardian.snapshot(), ts);
    if (executorChanged) this.outbox.emit(AGENT.executor, 'executor.snapshot', this.executor.snapshot(), ts);
    if (allocatorChanged) this.outbox.emit(AGENT.allocator, 'allocator.snapshot', this.allocator.snapshot(), ts);
    return this.outbox.drain();
  }

  /** Every snapshot-keeping agent's `state_update`, whether or not anything changed (the periodic republish). */
  snapshots(ts: string): OutgoingEvent[] {
    this.outbox.emit(AGENT.allocator, 'allocator.snapshot', this.allocator.snapshot(), ts);
    this.outbox.emit(AGENT.guardian, 'guardian.snapshot', this.guardian.snapshot(), ts);
    this.outbox.emit(AGENT.executor, 'executor.snapshot', this.executor.snapshot(), ts);
    return this.outbox.drain();
  }

  /** One `agent.heartbeat` per agent; `status` overrides the agents' own (e.g. `stopped` at shutdown). */
  heartbeats(ts: string, intervalMs: number, status?: AgentStatus): OutgoingEvent[] {
    const sim = `simulated time ${iso(this.time)}`;
    const rows: [string, string, number, string][] = [
      [AGENT.feed, 'market-feed', this.feed.ticks, `${sim}; ${this.feed.markets().length} open markets`],
      [AGENT.scanner, 'opportunity-scanner', this.scanner.processed, sim],
      ...this.strategies.map((s): [string, string, number, string] => [strategyAgent(s.name), 'strategy', this.requestsBy.get(s.name) ?? 0, sim]),
      [AGENT.guardian, 'risk-guardian', this.guardian.processed, sim],
      [AGENT.executor, 'paper-executor', this.executor.processed, sim],
      [AGENT.allocator, 'capital-allocator', this.allocator.processed, sim],
    ];
    for (const [agent, role, processed, detail] of rows) {
      const own: AgentStatus = agent === AGENT.guardian && this.guardian.isHalted() ? 'halted' : 'running';
      this.outbox.emit(agent, 'agent.heartbeat', { role, status: status ?? own, processed, interval_ms: intervalMs, detail } as AgentHeartbeat, ts);
    }
    return this.outbox.drain();
  }

  /** The books: every trade and the totals. */
  ledger(): Ledger {
    const trades = this.executor.all();
    let pnl = new Big(0);
    let fees = new Big(0);
    let settled = 0;
    for (const t of trades) {
      fees = fees.plus(t.fees);
      if (t.settlement !== undefined) {
        pnl = pnl.plus(t.settlement.pnl);
        settled += 1;
      }
    }
    const g = this.guardian.figures();
    return {
      trades: trades.map(ledgerTrade),
      pnl: pnl.toFixed(),
      fees: fees.toFixed(),
      settled,
      open: trades.length - settled,
      current_value: g.value.toFixed(),
      high_water_mark: g.highWater.toFixed(),
      daily_pnl: g.daily.toFixed(),
      halted: this.guardian.isHalted(),
      rejections: { ...this.rejections },
      approvals: this.approvals,
      simulated_time: iso(this.time),
      ticks: this.feed.ticks,
    };
  }

  private countRejection(rule: RuleName | null): void {
    const key = rule ?? 'unknown';
    this.rejections[key] = (this.rejections[key] ?? 0) + 1;
  }
}

function ledgerTrade(t: PaperTrade): LedgerTrade {
  const s = t.settlement;
  return {
    id: t.id, request_id: t.requestId, strategy: t.strategy, market_id: t.marketId, venue: t.venue,
    outcome: t.outcome, amount: t.amount.toFixed(), price: t.price.toFixed(), shares: t.shares.toFixed(),
    fees: t.fees.toFixed(), executed_at: iso(t.executedAt), settled: s !== undefined,
    ...(s === undefined ? {} : { won: s.won, pnl: s.pnl.toFixed(), settled_at: iso(s.settledAt) }),
  };
}

/** ISO-8601 UTC of a simulated time. */
function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The simulated UTC day of a time, `YYYY-MM-DD`. */
export function dayOf(ms: number): string {
  return iso(ms).slice(0, 10);
}
