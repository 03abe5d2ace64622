import Big from 'big.js';
import type { GuardianSnapshot, Outcome, Venue } from '../events';
import type { RiskLimits } from './config';
import { ONE, ZERO, dec } from './money';

/** The guardian's rules, in the order they are checked. */
export const RULES = [
  'system_halt',
  'drawdown_halt',
  'daily_loss_limit',
  'opposite_side',
  'position_limit',
  'platform_limit',
  'minimum_profit',
] as const;
/** One rule's name, as `rule_triggered` carries it. */
export type RuleName = (typeof RULES)[number];

/** What the guardian needs from a trade request. */
export interface RiskRequest {
  readonly marketId: string;
  readonly venue: Venue;
  readonly outcome: Outcome;
  /** Dollars asked for: contracts × limit price. */
  readonly amount: Big;
  readonly contracts: Big;
  /** Expected edge per contract before fees (win probability − price). */
  readonly expectedEdge: Big;
  /** The venue's taker fee on the whole order. */
  readonly fees: Big;
}

/** The guardian's answer. */
export interface RiskDecision {
  readonly approved: boolean;
  readonly rule: RuleName | null;
  readonly reason: string;
  /** True when this decision halted trading. */
  readonly halted: boolean;
}

/** A halt the guardian just declared. */
export interface Halt {
  readonly rule: 'drawdown_halt' | 'daily_loss_limit';
  readonly reason: string;
}

/** What the guardian holds on one market: one outcome (opposite sides are refused), its contracts, cost and fees paid. */
export interface Position {
  readonly venue: Venue;
  readonly outcome: Outcome;
  readonly contracts: Big;
  readonly cost: Big;
  readonly fees: Big;
}

/** The guardian's money figures. */
export interface RiskFigures {
  /** Bankroll + realised P&L (`current_value`). */
  readonly value: Big;
  /** The high-water mark of `value`. */
  readonly highWater: Big;
  /** Today's realised P&L. */
  readonly daily: Big;
  /** Σ over open positions of contracts × bid − cost − fees. */
  readonly unrealised: Big;
  /** value + unrealised: equity with open positions marked to the venue's bid. */
  readonly marked: Big;
  /** The high-water mark of marked equity: the drawdown rule's reference. */
  readonly markedHighWater: Big;
}

/**
 * The risk guardian: seven rules, positions per market, exposure per venue, realised and marked equity.
 * Drawdown (on marked equity) and daily loss are checked on every request and by `evaluate`, which the
 * loop calls after every settlement and every tick: a halt fires when a limit is crossed, not when the
 * next request happens to arrive. A drawdown halt lasts for the run; a daily-loss halt until the next
 * simulated UTC day.
 */
export class RiskGuardian {
  private value: Big;
  private highWater: Big;
  private daily = ZERO;
  private unrealised = ZERO;
  private markedHighWater: Big;
  private haltRule: Halt['rule'] | null = null;
  private readonly positions = new Map<string, Position>();
  private readonly platforms = new Map<Venue, Big>([
    ['polymarket', ZERO],
    ['kalshi', ZERO],
  ]);
  /** Requests decided so far. */
  processed = 0;

  constructor(
    readonly bankroll: Big,
    private readonly limits: RiskLimits,
    /** The simulated UTC day (`YYYY-MM-DD`) that daily P&L belongs to. */
    private day: string,
  ) {
    this.value = bankroll;
    this.highWater = bankroll;
    this.markedHighWater = bankroll;
  }

  /** Exposure (cost of open contracts) held on a market. */
  marketExposure(marketId: string): Big {
    return this.positions.get(marketId)?.cost ?? ZERO;
  }

  /** Exposure held on a venue. */
  venueExposure(venue: Venue): Big {
    return this.platforms.get(venue) ?? ZERO;
  }

  /** The open positions by market id. */
  openPositions(): ReadonlyMap<string, Position> {
    return this.positions;
  }

  /** Whether trading is halted. */
  isHalted(): boolean {
    return this.haltRule !== null;
  }

  /** The rule that halted trading, if any. */
  haltedBy(): Halt['rule'] | null {
    return this.haltRule;
  }

  /** Realised and marked figures. */
  figures(): RiskFigures {
    return {
      value: this.value,
      highWater: this.highWater,
      daily: this.daily,
      unrealised: this.unrealised,
      marked: this.value.plus(this.unrealised),
      markedHighWater: this.markedHighWater,
    };
  }

  /** Checks the rules in order; the first failure rejects. Approval reserves nothing: the fill is recorded by `recordFill`. */
  decide(request: RiskRequest): RiskDecision {
    this.processed += 1;
    const { amount, marketId, venue } = request;
    const reject = (rule: RuleName, reason: string, halted = false): RiskDecision => ({ approved: false, rule, reason, halted });
    if (this.haltRule !== null) return reject('system_halt', 'Trading is halted');
    const halt = this.evaluate();
    if (halt !== undefined) return reject(halt.rule, halt.reason, true);
    const held = this.positions.get(marketId);
    if (held !== undefined && held.contracts.gt(0) && held.outcome !== request.outcome) {
      return reject('opposite_side', `${marketId} is held on ${held.outcome}: buying ${request.outcome} too would lock in a loss`);
    }
    const marketCap = this.bankroll.times(this.limits.maxPositionPct);
    const marketAfter = this.marketExposure(marketId).plus(amount);
    if (marketAfter.gt(marketCap)) {
      return reject('position_limit', `Exposure on ${marketId} would be ${marketAfter.toFixed()}, over ${marketCap.toFixed()}`);
    }
    const venueCap = this.bankroll.times(this.limits.maxPlatformPct);
    const venueAfter = this.venueExposure(venue).plus(amount);
    if (venueAfter.gt(venueCap)) {
      return reject('platform_limit', `Exposure on ${venue} would be ${venueAfter.toFixed()}, over ${venueCap.toFixed()}`);
    }
    const expected = request.contracts.times(request.expectedEdge).minus(request.fees);
    if (expected.lt(this.limits.minExpectedProfit)) {
      return reject('minimum_profit', `Expected profit ${expected.toFixed()} (contracts × edge − fees) is below ${this.limits.minExpectedProfit.toFixed()}`);
    }
    return { approved: true, rule: null, reason: 'Approved', halted: false };
  }

  /**
   * Checks drawdown on marked equity and today's loss; halts (and says why) when one is crossed.
   * Returns nothing when already halted or within the limits.
   */
  evaluate(): Halt | undefined {
    if (this.haltRule !== null) return undefined;
    const marked = this.value.plus(this.unrealised);
    const floor = this.markedHighWater.times(ONE.minus(this.limits.maxDrawdownPct));
    if (marked.lt(floor)) {
      this.haltRule = 'drawdown_halt';
      return {
        rule: 'drawdown_halt',
        reason: `Marked value ${marked.toFixed()} is below ${floor.toFixed()} (high-water mark ${this.markedHighWater.toFixed()} less ${pct(this.limits.maxDrawdownPct)}): trading halted`,
      };
    }
    const dailyFloor = this.bankroll.times(this.limits.dailyLossPct).neg();
    if (this.daily.lt(dailyFloor)) {
      this.haltRule = 'daily_loss_limit';
      return { rule: 'daily_loss_limit', reason: `Daily P&L ${this.daily.toFixed()} is below ${dailyFloor.toFixed()}: trading halted until the next UTC day` };
    }
    return undefined;
  }

  /** A fill opened (or added to) a position. */
  recordFill(marketId: string, venue: Venue, outcome: Outcome, contracts: Big, cost: Big, fees: Big): void {
    if (contracts.lte(0)) return;
    const held = this.positions.get(marketId);
    this.positions.set(marketId, {
      venue,
      outcome,
      contracts: (held?.contracts ?? ZERO).plus(contracts),
      cost: (held?.cost ?? ZERO).plus(cost),
      fees: (held?.fees ?? ZERO).plus(fees),
    });
    this.platforms.set(venue, this.venueExposure(venue).plus(cost));
  }

  /**
   * Contracts left a position before settlement (an unwind sold them, or the market settled the trade):
   * their cost basis and the fees paid on them are released, and `pnl` is realised.
   */
  release(marketId: string, contracts: Big, cost: Big, fees: Big, pnl: Big): void {
    const held = this.positions.get(marketId);
    if (held !== undefined) {
      const left = held.contracts.minus(contracts);
      const feesLeft = held.fees.minus(fees);
      // A position sold down to nothing still carries the fees of its buys until they settle: they stay unrealised.
      if (left.lte(0) && feesLeft.lte(0)) this.positions.delete(marketId);
      else this.positions.set(marketId, { ...held, contracts: left, cost: held.cost.minus(cost), fees: feesLeft });
      const venueLeft = this.venueExposure(held.venue).minus(cost);
      this.platforms.set(held.venue, venueLeft.lt(0) ? ZERO : venueLeft);
    }
    this.value = this.value.plus(pnl);
    this.daily = this.daily.plus(pnl);
    if (this.value.gt(this.highWater)) this.highWater = this.value;
  }

  /**
   * Marks every open position to what it would sell for now (`bidOf`: the bid of the outcome held, or
   * `undefined` for a market no longer quoted, marked at cost). Returns whether the figures moved.
   */
  mark(bidOf: (marketId: string, outcome: Outcome) => Big | undefined): boolean {
    let unrealised = ZERO;
    for (const [id, p] of this.positions) {
      const bid = bidOf(id, p.outcome);
      unrealised = unrealised.plus(bid === undefined ? p.fees.neg() : p.contracts.times(bid).minus(p.cost).minus(p.fees));
    }
    const marked = this.value.plus(unrealised);
    if (marked.gt(this.markedHighWater)) this.markedHighWater = marked;
    const moved = !unrealised.eq(this.unrealised);
    this.unrealised = unrealised;
    return moved;
  }

  /** Starts a new UTC day: daily P&L back to zero, a daily-loss halt lifted. Returns whether the day changed. */
  rollDay(day: string): boolean {
    if (day === this.day) return false;
    this.day = day;
    this.daily = ZERO;
    if (this.haltRule === 'daily_loss_limit') this.haltRule = null;
    return true;
  }

  /** The `state_update` snapshot on risk.state. */
  snapshot(): GuardianSnapshot {
    const positions: Record<string, string> = {};
    for (const [id, p] of [...this.positions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) if (p.cost.gt(0)) positions[id] = dec(p.cost);
    const f = this.figures();
    return {
      current_value: dec(f.value),
      high_water_mark: dec(f.highWater),
      daily_pnl: dec(f.daily),
      halted: this.isHalted(),
      initial_bankroll: dec(this.bankroll),
      positions,
      platform_exposure: { polymarket: dec(this.venueExposure('polymarket')), kalshi: dec(this.venueExposure('kalshi')) },
      marked_value: dec(f.marked),
      unrealised_pnl: dec(f.unrealised),
      marked_high_water_mark: dec(f.markedHighWater),
    } as GuardianSnapshot;
  }
}

function pct(x: Big): string {
  return `${x.times(100).toFixed()}%`;
}
