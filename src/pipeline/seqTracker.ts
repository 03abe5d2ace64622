import type { EventMeta } from '../events';

/** At most this many (agent, run) pairs are remembered; the oldest agent's first run is forgotten first. */
export const MAX_RUNS = 4096;

/** What the sequence number says about one event. */
export interface SeqVerdict {
  readonly duplicate: boolean;
  /** Events skipped between the last one seen and this one. */
  readonly lost: number;
}

const FRESH: SeqVerdict = { duplicate: false, lost: 0 };
const DUPLICATE: SeqVerdict = { duplicate: true, lost: 0 };

/**
 * Duplicates and gaps per (agent, run): a `seq` at or below the last seen is a duplicate,
 * a jump counts the skipped ones as lost. Legacy events (no seq) are always fresh.
 * The first event of a run counts no loss: the server may simply have started late.
 */
export class SeqTracker {
  /** Last seq per run, per agent (nested, so the hot path builds no key strings). */
  private readonly last = new Map<string, Map<string, number>>();
  private runs = 0;

  /** Judges `meta` and remembers its seq when it is fresh. */
  observe(meta: EventMeta): SeqVerdict {
    const { seq, run, agent } = meta;
    // Stryker disable next-line ConditionalExpression,LogicalOperator: seq and run are null together (legacy) or set together (v1)
    if (seq === null || run === null) return FRESH;
    let byRun = this.last.get(agent);
    const last = byRun?.get(run);
    if (last !== undefined) {
      if (seq <= last) return DUPLICATE;
      // Stryker disable next-line OptionalChaining: byRun is set whenever last is
      byRun?.set(run, seq);
      // Stryker disable next-line ConditionalExpression,ArithmeticOperator: the next seq gives lost 0 either way, as an equal object
      if (seq === last + 1) return FRESH;
      return { duplicate: false, lost: seq - last - 1 };
    }
    if (this.runs >= MAX_RUNS) this.forgetOldest();
    if (byRun === undefined) {
      byRun = new Map();
      this.last.set(agent, byRun);
    }
    byRun.set(run, seq);
    this.runs++;
    return FRESH;
  }

  /** The last `seq` seen for a run, if any. */
  lastSeq(agent: string, run: string): number | undefined {
    return this.last.get(agent)?.get(run);
  }

  /** Every (agent, run, last seq) remembered, oldest first: what a checkpoint keeps. */
  entries(): [string, string, number][] {
    const out: [string, string, number][] = [];
    for (const [agent, byRun] of this.last) for (const [run, seq] of byRun) out.push([agent, run, seq]);
    return out;
  }

  /** A tracker that remembers `entries` (as `entries()` gave them). */
  static from(entries: readonly (readonly [string, string, number])[]): SeqTracker {
    const tracker = new SeqTracker();
    for (const [agent, run, seq] of entries) {
      let byRun = tracker.last.get(agent);
      if (byRun === undefined) {
        byRun = new Map();
        tracker.last.set(agent, byRun);
      }
      if (!byRun.has(run)) tracker.runs++;
      byRun.set(run, seq);
    }
    return tracker;
  }

  /** Drops the first run of the first agent remembered: roughly the oldest. */
  private forgetOldest(): void {
    for (const [agent, byRun] of this.last) {
      for (const run of byRun.keys()) {
        byRun.delete(run);
        // Stryker disable next-line UpdateOperator: runs are forgotten only at capacity, to make room for a new one; a count kept too high stays at or above capacity, so the next new run forgets one either way
        this.runs--;
        break;
      }
      if (byRun.size === 0) this.last.delete(agent);
      return;
    }
  }
}
