import Big from 'big.js';
import type { GuardianSnapshot, Venue } from '../events';
import type { RiskLimits } from './config';
import { ONE, ZERO, dec } from './money';

/** The guardian's rules, in the order they are checked. */
export const RULES = [
  'system_halt',
  'drawdown_halt',
  'daily_loss_limit',
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
  readonly amount: Big;
  /** The edge of the outcome bought. */
  readonly expectedEdge: Big;
}

/** The guardian's answer. */
export interface RiskDecision {
  readonly approved: boolean;
  readonly rule: RuleName | null;
  readonly reason: string;
  /** True when this decision halted trading. */
  readonly halted: boolean;
}

/** The risk guardian: six rules, exposure per market and venue, value, daily P&L and high-water mark. */
export class RiskGuardian {
  private value: Big;
  private highWater: Big;
  private daily = ZERO;
  private halted = false;
  private readonly positions = new Map<string, Big>();
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
  }

  /** Exposure held on a market. */
  marketExposure(marketId: string): Big {
    return this.positions.get(marketId) ?? ZERO;
  }

  /** Exposure held on a venue. */
  venueExposure(venue: Venue): Big {
    return this.platforms.get(venue) ?? ZERO;
  }

  /** Whether trading is halted. */
  isHalted(): boolean {
    return this.halted;
  }

  /** Current value, high-water mark and today's P&L. */
  figures(): { value: Big; highWater: Big; daily: Big } {
    return { value: this.value, highWater: this.highWater, daily: this.daily };
  }

  /** Checks the rules in order; the first failure rejects. An approval reserves the exposure. */
  decide(request: RiskRequest): RiskDecision {
    this.processed += 1;
    const { amount, marketId, venue } = request;
    const reject = (rule: RuleName, reason: string, halted = false): RiskDecision => ({ approved: false, rule, reason, halted });
    if (this.halted) return reject('system_halt', 'Trading is halted');
    const floor = this.highWater.times(ONE.minus(this.limits.maxDrawdownPct));
    if (this.value.lt(floor)) {
      this.halted = true;
      return reject('drawdown_halt', `Value ${this.value.toFixed()} is below ${floor.toFixed()} (high-water mark ${this.highWater.toFixed()} less ${pct(this.limits.maxDrawdownPct)}): trading halted`, true);
    }
    const dailyFloor = this.bankroll.times(this.limits.dailyLossPct).neg();
    if (this.daily.lt(dailyFloor)) {
      return reject('daily_loss_limit', `Daily P&L ${this.daily.toFixed()} is below ${dailyFloor.toFixed()}`);
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
    const expected = amount.times(request.expectedEdge.abs());
    if (expected.lt(this.limits.minExpectedProfit)) {
      return reject('minimum_profit', `Expected profit ${expected.toFixed()} is below ${this.limits.minExpectedProfit.toFixed()}`);
    }
    this.positions.set(marketId, marketAfter);
    this.platforms.set(venue, venueAfter);
    return { approved: true, rule: null, reason: 'Approved', halted: false };
  }

  /** A position settled: its exposure is released and its realised P&L moves value, daily P&L and the high-water mark. */
  settle(marketId: string, venue: Venue, amount: Big, pnl: Big): void {
    const left = this.marketExposure(marketId).minus(amount);
    if (left.lte(0)) this.positions.delete(marketId);
    else this.positions.set(marketId, left);
    const venueLeft = this.venueExposure(venue).minus(amount);
    this.platforms.set(venue, venueLeft.lt(0) ? ZERO : venueLeft);
    this.value = this.value.plus(pnl);
    this.daily = this.daily.plus(pnl);
    if (this.value.gt(this.highWater)) this.highWater = this.value;
  }

  /** Starts a new UTC day: daily P&L back to zero. Returns whether the day changed. */
  rollDay(day: string): boolean {
    if (day === this.day) return false;
    this.day = day;
    this.daily = ZERO;
    return true;
  }

  /** The `state_update` snapshot on risk.state. */
  snapshot(): GuardianSnapshot {
    const positions: Record<string, string> = {};
    for (const [id, amount] of [...this.positions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) positions[id] = dec(amount);
    return {
      current_value: dec(this.value),
      high_water_mark: dec(this.highWater),
      daily_pnl: dec(this.daily),
      halted: this.halted,
      initial_bankroll: dec(this.bankroll),
      positions,
      platform_exposure: { polymarket: dec(this.venueExposure('polymarket')), kalshi: dec(this.venueExposure('kalshi')) },
    } as GuardianSnapshot;
  }
}

function pct(x: Big): string {
  return `${x.times(100).toFixed()}%`;
}
