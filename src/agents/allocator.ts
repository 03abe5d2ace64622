import Big from 'big.js';
import type { AllocatorSnapshot } from '../events';
import { ONE, ZERO, dec, frac, maxBig, roundHalfUp } from './money';

/** One strategy's record, as the allocator keeps it. */
export interface StrategyRecord {
  readonly pnl: Big;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly allocation: Big;
  readonly largestWin?: Big;
  readonly largestLoss?: Big;
}

const HALF = new Big('0.5');
const TEN = new Big(10);
const SCORE_FLOOR = new Big('0.1');
/** Every strategy keeps at least this share of capital (while n × floor ≤ 1). */
export const ALLOCATION_FLOOR = new Big('0.1');
/** Allocations are rounded (half up) to this many decimal places. */
export const ALLOCATION_DP = 4;

/** score = max(0, 1 + 10 × pnl / bankroll) + 0.5 × win rate, at least 0.1: a 10% gain of the bankroll doubles the P&L term. */
export function scoreOf(record: Pick<StrategyRecord, 'pnl' | 'trades' | 'wins'>, bankroll: Big): Big {
  const winRate = record.trades === 0 ? ZERO : new Big(record.wins).div(record.trades);
  const score = maxBig(ZERO, ONE.plus(TEN.times(record.pnl).div(bankroll))).plus(HALF.times(winRate));
  return maxBig(score, SCORE_FLOOR);
}

/**
 * allocation = floor + (1 − n × floor) × score / Σ scores, rounded half-up to 4 places; the last
 * strategy (by name) takes what rounding left, so allocations sum to exactly 1.
 */
export function allocationsFor(scores: ReadonlyMap<string, Big>, floor: Big = ALLOCATION_FLOOR): Map<string, Big> {
  const names = [...scores.keys()].sort();
  const n = names.length;
  const out = new Map<string, Big>();
  if (n === 0) return out;
  const base = floor.times(n).gt(ONE) ? ONE.div(n) : floor;
  const spread = ONE.minus(base.times(n));
  let total = ZERO;
  for (const s of scores.values()) total = total.plus(s);
  let assigned = ZERO;
  names.forEach((name, i) => {
    if (i === n - 1) {
      out.set(name, ONE.minus(assigned));
      return;
    }
    const share = total.eq(0) ? ONE.div(n) : (scores.get(name) ?? ZERO).div(total);
    const allocation = roundHalfUp(base.plus(spread.times(share)), ALLOCATION_DP);
    out.set(name, allocation);
    assigned = assigned.plus(allocation);
  });
  return out;
}

/** The capital allocator: per-strategy figures; rebalances every N settled trades when it has two strategies or more. */
export class CapitalAllocator {
  private readonly records = new Map<string, StrategyRecord>();
  private sinceRebalance = 0;
  /** Settled trades recorded so far. */
  processed = 0;

  constructor(
    private readonly bankroll: Big,
    names: readonly string[],
    private readonly rebalanceEvery: number,
  ) {
    const equal = allocationsFor(new Map(names.map((n) => [n, new Big(1)])));
    for (const name of names) this.records.set(name, { pnl: ZERO, trades: 0, wins: 0, losses: 0, allocation: equal.get(name) ?? ZERO });
  }

  /** A strategy's share of capital. */
  allocation(name: string): Big {
    return this.records.get(name)?.allocation ?? ZERO;
  }

  /** Bankroll plus every strategy's realised P&L. */
  totalCapital(): Big {
    let total = this.bankroll;
    for (const r of this.records.values()) total = total.plus(r.pnl);
    return total;
  }

  /** A strategy's record. */
  record(name: string): StrategyRecord | undefined {
    return this.records.get(name);
  }

  /** Records a settled trade; returns the allocations that moved if this settlement triggered a rebalance. */
  recordSettlement(name: string, pnl: Big): Map<string, Big> {
    const r = this.records.get(name);
    if (r === undefined) return new Map();
    this.processed += 1;
    const win = pnl.gt(0);
    this.records.set(name, {
      ...r,
      pnl: r.pnl.plus(pnl),
      trades: r.trades + 1,
      wins: r.wins + (win ? 1 : 0),
      losses: r.losses + (win ? 0 : 1),
      ...(win && (r.largestWin === undefined || pnl.gt(r.largestWin)) ? { largestWin: pnl } : {}),
      ...(!win && (r.largestLoss === undefined || pnl.lt(r.largestLoss)) ? { largestLoss: pnl } : {}),
    });
    this.sinceRebalance += 1;
    if (this.sinceRebalance < this.rebalanceEvery || this.records.size < 2) return new Map();
    this.sinceRebalance = 0;
    return this.rebalance();
  }

  /** Recomputes every allocation from the scores; returns those that changed. */
  rebalance(): Map<string, Big> {
    const scores = new Map([...this.records].map(([n, r]) => [n, scoreOf(r, this.bankroll)]));
    const moved = new Map<string, Big>();
    for (const [name, allocation] of allocationsFor(scores)) {
      const r = this.records.get(name);
      if (r === undefined || r.allocation.eq(allocation)) continue;
      this.records.set(name, { ...r, allocation });
      moved.set(name, allocation);
    }
    return moved;
  }

  /** The `state_update` snapshot on agent.updates. */
  snapshot(): AllocatorSnapshot {
    const strategies: Record<string, unknown> = {};
    for (const [name, r] of this.records) {
      strategies[name] = {
        total_pnl: dec(r.pnl),
        trades: r.trades,
        wins: r.wins,
        losses: r.losses,
        allocation_pct: frac(r.allocation),
        ...(r.largestWin === undefined ? {} : { largest_win: dec(r.largestWin) }),
        ...(r.largestLoss === undefined ? {} : { largest_loss: dec(r.largestLoss) }),
      };
    }
    return { total_capital: dec(this.totalCapital()), strategies } as AllocatorSnapshot;
  }
}
