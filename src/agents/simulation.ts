import Big from 'big.js';
import type { AgentHeartbeat, AgentStatus, EventOf, EventTag, Outcome, AllocationUpdated, OutgoingEvent, RiskDecided, RiskHalted, TradeRequested, TradeSettled, Venue } from '../events';
import { CapitalAllocator } from './allocator';
import { bidOf } from './book';
import { type SimulationConfig, type SimulationOptions, assertSimulationConfig } from './config';
import { PaperExecutor, type PaperTrade, tradeRecord } from './executor';
import { type Halt, RiskGuardian, type RuleName } from './guardian';
import { type Ledger, iso, ledgerOf } from './ledger';
import { takerFee } from './fees';
import { MarketFeed } from './market';
import { ZERO, dec, frac } from './money';
import { Outbox } from './outbox';
import { type Rng, createRng, mixSeed } from './prng';
import { OpportunityScanner, opportunityRecord } from './scanner';
import type { SizingContext } from './sizing';
import { type Order, type Strategy, crossVenue, oracleSniper } from './strategy';

export type { Ledger, LedgerTrade } from './ledger';

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

/** Between a pair's two legs the second venue's touch may be taken by someone else: how often, in this share of pairs. */
const SECOND_LEG_RACE = 0.1;
const MINUTE_MS = 60_000;

/** The whole trading loop, driven one simulated tick at a time; returns the events each agent publishes. No clock, no I/O. */
export class Simulation {
  readonly config: SimulationConfig;
  private readonly feed: MarketFeed;
  private readonly scanner: OpportunityScanner;
  private readonly guardian: RiskGuardian;
  private readonly executor: PaperExecutor;
  private readonly allocator: CapitalAllocator;
  private readonly outbox: Outbox;
  private readonly raceRng: Rng;
  private readonly requestsBy = new Map<string, number>();
  private readonly rejections: Record<string, number> = {};
  private readonly halts: Record<string, number> = {};
  private approvals = 0;
  private requestCount = 0;
  private maxDrawdown = ZERO;
  private lastGuardianMinute = -1;
  private time: number;
  /** Per-tick state: the wall-clock and simulated stamps, and which snapshots are due. */
  private ts = '';
  private asOf = '';
  private changed = { guardian: false, executor: false, allocator: false };

  constructor(
    options: SimulationOptions,
    private readonly strategies: readonly Strategy[] = DEFAULT_STRATEGIES,
  ) {
    this.config = assertSimulationConfig(options);
    const c = this.config;
    this.time = c.startAt;
    this.feed = new MarketFeed(c.seed, { startAt: c.startAt, tickMs: c.tickMs, lifetimeMs: c.marketLifetimeMs, polymarketTakerRate: c.polymarketTakerRate });
    this.scanner = new OpportunityScanner(c.run);
    this.guardian = new RiskGuardian(c.bankroll, c.limits, dayOf(c.startAt));
    this.executor = new PaperExecutor(c.run);
    this.allocator = new CapitalAllocator(c.bankroll, strategies.map((s) => s.name), c.rebalanceEvery);
    this.outbox = new Outbox(c.run);
    this.raceRng = createRng(mixSeed(c.seed, 4));
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

  /** The outcome's bid on an open market now (what a position is marked to), `undefined` once it settled. */
  bidOf(marketId: string, outcome: Outcome): Big | undefined {
    const market = this.feed.market(marketId);
    return market === undefined ? undefined : bidOf(market.book, outcome);
  }

  /** The guardian's open positions and figures (for tests and the report). */
  risk(): RiskGuardian {
    return this.guardian;
  }

  /**
   * One simulated tick: markets move and settle, positions are marked and the limits checked,
   * opportunities, requests, decisions, fills; `ts` is the wall-clock publish time.
   */
  tick(ts: string): OutgoingEvent[] {
    const c = this.config;
    const now = this.time + c.tickMs;
    this.time = now;
    this.ts = ts;
    this.asOf = iso(now);
    this.changed = { guardian: false, executor: false, allocator: false };
    // What the strategies know of a halt comes from the guardian's last tick: one declared now reaches them next tick.
    const haltSeen = this.guardian.isHalted();
    const resolutions = this.feed.step(now);
    if (this.guardian.rollDay(dayOf(now))) this.changed.guardian = true;

    for (const resolution of resolutions) {
      for (const trade of this.executor.settle(resolution.market.id, resolution.yesWon, now)) this.closed(trade, trade.fees);
    }
    this.markAndCheck();

    const opportunities = this.scanner.scan(this.feed.markets(), (s) => this.feed.spot(s), (s) => this.feed.volatility(s), now);
    for (const o of opportunities) this.emit(AGENT.scanner, 'opportunity.detected', opportunityRecord(o));

    // Strategies stop while the guardian's last word is a halt; they size from its state as of the start of the tick.
    if (!haltSeen) {
      const { room, held } = this.roomAsOfNow();
      for (const o of opportunities) {
        for (const strategy of this.strategies) {
          const ctx: SizingContext = {
            capital: this.allocator.totalCapital(),
            allocation: this.allocator.allocation(strategy.name),
            kellyFraction: c.kellyFraction,
            room,
            held,
            heldOutcome: this.executor.outcomesHeldBy(strategy.name),
          };
          const plan = strategy.plan(o, ctx);
          if (plan === undefined) continue;
          const [first, hedge] = plan.orders;
          const bought = this.place(strategy.name, o.id, first, first.size.contracts);
          if (hedge !== undefined && bought !== undefined) this.hedge(strategy.name, o.id, bought, hedge);
        }
      }
      this.markAndCheck();
    }

    const minute = Math.floor(now / MINUTE_MS);
    if (this.changed.guardian || (minute !== this.lastGuardianMinute && this.guardian.openPositions().size > 0)) {
      this.lastGuardianMinute = minute;
      this.emit(AGENT.guardian, 'guardian.snapshot', this.guardian.snapshot());
    }
    if (this.changed.executor) this.emit(AGENT.executor, 'executor.snapshot', this.executor.snapshot());
    if (this.changed.allocator) this.emit(AGENT.allocator, 'allocator.snapshot', this.allocator.snapshot());
    return this.outbox.drain();
  }

  private emit<K extends EventTag>(agent: string, type: K, data: EventOf<K>['data']): void {
    this.outbox.emit(agent, type, data, this.ts, this.asOf);
  }

  /** Room under the position and platform limits, from the exposure held at the start of the tick: requests race, as on a bus. */
  private roomAsOfNow(): Pick<SizingContext, 'room' | 'held'> {
    const { bankroll, limits } = this.config;
    const markets = new Map([...this.guardian.openPositions()].map(([id, p]) => [id, p.cost]));
    const venues = new Map<Venue, Big>([
      ['polymarket', this.guardian.venueExposure('polymarket')],
      ['kalshi', this.guardian.venueExposure('kalshi')],
    ]);
    return {
      room: (marketId, venue) => {
        const market = bankroll.times(limits.maxPositionPct).minus(markets.get(marketId) ?? ZERO);
        const platform = bankroll.times(limits.maxPlatformPct).minus(venues.get(venue) ?? ZERO);
        return market.lt(platform) ? market : platform;
      },
      held: (marketId) => markets.get(marketId) ?? ZERO,
    };
  }

  /** Marks open positions to the venues' bids and checks drawdown and daily loss; a crossing halts at once. */
  private markAndCheck(): void {
    this.guardian.mark((id, outcome) => this.bidOf(id, outcome));
    const f = this.guardian.figures();
    const drawdown = f.markedHighWater.minus(f.marked).div(f.markedHighWater);
    if (drawdown.gt(this.maxDrawdown)) this.maxDrawdown = drawdown;
    const halt = this.guardian.evaluate();
    if (halt !== undefined) this.halted(halt);
  }

  private halted(halt: Halt): void {
    this.halts[halt.rule] = (this.halts[halt.rule] ?? 0) + 1;
    this.emit(AGENT.guardian, 'risk.halted', { rule: halt.rule, reason: halt.reason } as RiskHalted);
    this.changed.guardian = true;
  }

  /** Requests, decides and fills one order of `contracts`; returns the trade when anything filled. */
  private place(strategy: string, opportunityId: string, order: Order, contracts: number): PaperTrade | undefined {
    const { leg, expectedEdge } = order;
    const market = this.feed.market(leg.marketId);
    if (market === undefined || contracts <= 0) return undefined;
    this.requestCount += 1;
    const requestId = `req-${this.config.run}-${this.requestCount}`;
    const n = new Big(contracts);
    const amount = n.times(leg.price);
    this.requestsBy.set(strategy, (this.requestsBy.get(strategy) ?? 0) + 1);
    this.emit(strategyAgent(strategy), 'trade.requested', {
      request_id: requestId, opportunity_id: opportunityId, strategy, market_id: leg.marketId,
      side: 'buy', outcome: leg.outcome, amount: dec(amount), max_price: frac(leg.price), expected_edge: dec(expectedEdge),
    } as TradeRequested);
    const fees = order.size.contracts === contracts ? order.size.fees : takerFee(leg.venue, n, leg.price, market.takerRate);
    const decision = this.guardian.decide({ marketId: leg.marketId, venue: leg.venue, outcome: leg.outcome, amount, contracts: n, expectedEdge, fees });
    this.emit(AGENT.guardian, 'risk.decided', {
      request_id: requestId, strategy, approved: decision.approved, reason: decision.reason, rule_triggered: decision.rule,
    } as RiskDecided);
    if (decision.halted && decision.rule !== null && decision.rule !== 'system_halt') {
      this.halted({ rule: decision.rule as Halt['rule'], reason: decision.reason });
    }
    if (!decision.approved) {
      this.countRejection(decision.rule);
      return undefined;
    }
    this.approvals += 1;
    const trade = this.executor.fill(
      { requestId, strategy, marketId: leg.marketId, venue: leg.venue, outcome: leg.outcome, contracts, limitPrice: leg.price, takerRate: market.takerRate },
      market.book,
      this.time,
    );
    this.emit(AGENT.executor, 'trade.executed', tradeRecord(trade));
    this.changed.executor = true;
    if (trade.contracts.lte(0)) return undefined;
    this.guardian.recordFill(trade.marketId, trade.venue, trade.outcome, trade.contracts, trade.amount, trade.fees);
    this.changed.guardian = true;
    return trade;
  }

  /**
   * The second leg of a pair, for as many contracts as the first leg filled. Whatever it does not fill
   * (refused, or its touch taken in between) leaves the first leg unhedged: those contracts are sold
   * at the first venue's bid at once, and the round trip's cost is realised.
   */
  private hedge(strategy: string, opportunityId: string, first: PaperTrade, hedge: Order): void {
    const market = this.feed.market(hedge.leg.marketId);
    if (market !== undefined && this.raceRng.next() < SECOND_LEG_RACE) {
      // Someone else lifted part of the touch between the legs.
      const left = (size: number): number => Math.floor(size * this.raceRng.next());
      if (hedge.leg.outcome === 'YES') market.book.askSize = left(market.book.askSize);
      else market.book.bidSize = left(market.book.bidSize);
    }
    const wanted = Number(first.contracts);
    const second = this.place(strategy, opportunityId, hedge, wanted);
    const hedged = second === undefined ? 0 : Number(second.contracts);
    const firstMarket = this.feed.market(first.marketId);
    if (hedged >= wanted || firstMarket === undefined) return;
    const sale = this.executor.unwind(first, wanted - hedged, firstMarket.book, firstMarket.takerRate, this.time);
    this.emit(AGENT.executor, 'trade.executed', tradeRecord(sale));
    this.closed(sale, ZERO);
  }

  /** A trade closed (its market settled, or an unwind sold it): P&L realised, exposure released, the allocator told. */
  private closed(trade: PaperTrade, feesReleased: Big): void {
    const s = trade.settlement;
    if (s === undefined) return;
    this.emit(AGENT.executor, 'trade.settled', {
      trade_id: trade.id, strategy: trade.strategy, market_id: trade.marketId,
      won: s.won, pnl: dec(s.pnl), settled_at: iso(s.settledAt), released_exposure: dec(s.released),
    } as TradeSettled);
    this.guardian.release(trade.marketId, trade.contracts, s.released, feesReleased, s.pnl);
    this.changed.guardian = true;
    this.changed.executor = true;
    this.changed.allocator = true;
    const moved = this.allocator.recordSettlement(trade.strategy, s.pnl);
    for (const [strategy, allocation] of moved) {
      this.emit(AGENT.allocator, 'allocation.updated', {
        strategy, allocation_pct: frac(allocation), total_capital: dec(this.allocator.totalCapital()),
      } as AllocationUpdated);
    }
  }

  /** Every snapshot-keeping agent's `state_update`, whether or not anything changed (the periodic republish). */
  snapshots(ts: string): OutgoingEvent[] {
    const asOf = iso(this.time);
    this.outbox.emit(AGENT.allocator, 'allocator.snapshot', this.allocator.snapshot(), ts, asOf);
    this.outbox.emit(AGENT.guardian, 'guardian.snapshot', this.guardian.snapshot(), ts, asOf);
    this.outbox.emit(AGENT.executor, 'executor.snapshot', this.executor.snapshot(), ts, asOf);
    return this.outbox.drain();
  }

  /** One `agent.heartbeat` per agent; `status` overrides the agents' own (e.g. `stopped` at shutdown). */
  heartbeats(ts: string, intervalMs: number, status?: AgentStatus): OutgoingEvent[] {
    const asOf = iso(this.time);
    const sim = `simulated time ${asOf}`;
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
      this.outbox.emit(agent, 'agent.heartbeat', { role, status: status ?? own, processed, interval_ms: intervalMs, detail } as AgentHeartbeat, ts, asOf);
    }
    return this.outbox.drain();
  }

  /** The books: every trade and the totals. */
  ledger(): Ledger {
    return ledgerOf(this.executor.all(), this.guardian.figures(), {
      maxDrawdown: this.maxDrawdown, halted: this.guardian.isHalted(), rejections: this.rejections, halts: this.halts,
      approvals: this.approvals, time: this.time, ticks: this.feed.ticks,
    });
  }

  private countRejection(rule: RuleName | null): void {
    const key = rule ?? 'unknown';
    this.rejections[key] = (this.rejections[key] ?? 0) + 1;
  }
}


/** The simulated UTC day of a time, `YYYY-MM-DD`. */
export function dayOf(ms: number): string {
  return iso(ms).slice(0, 10);
}
