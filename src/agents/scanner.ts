import Big from 'big.js';
import type { OpportunityType, Venue } from '../events';
import { fairValue, signalOf } from './fairValue';
import type { Market, OracleSymbol } from './market';
import { ONE, minBig } from './money';

/** A market priced away from where it should be. */
export interface Opportunity {
  readonly id: string;
  readonly type: OpportunityType;
  readonly marketId: string;
  readonly venue: Venue;
  readonly symbol: OracleSymbol;
  readonly spot: Big;
  /** Where the scanner thinks YES should trade. */
  readonly fair: Big;
  /** YES price now. */
  readonly yes: Big;
  /** fair − yes: positive means YES is cheap, negative means NO is cheap. */
  readonly edge: Big;
  readonly signal: Big;
}

/** Edges below this are not reported. */
export const MIN_REPORTED_EDGE = new Big('0.02');
/** A reported opportunity is reported again only when its edge moved this much (or flipped sign). */
const REPORT_STEP = new Big('0.02');
const TWO = new Big(2);
const FIVE = new Big(5);

type Candidate = Omit<Opportunity, 'id'>;

/** Every oracle-lag edge, one per market: fair value from the oracle against the venue's YES. */
export function oracleLagCandidates(markets: readonly Market[], spotOf: (s: OracleSymbol) => Big): Candidate[] {
  const found: Candidate[] = [];
  for (const m of markets) {
    const spot = spotOf(m.symbol);
    const fair = fairValue(spot, m.threshold, m.direction);
    const edge = fair.minus(m.yes);
    if (edge.abs().lt(MIN_REPORTED_EDGE)) continue;
    found.push({
      type: 'oracle_lag', marketId: m.id, venue: m.venue, symbol: m.symbol,
      spot, fair, yes: m.yes, edge, signal: signalOf(spot, m.threshold),
    });
  }
  return found;
}

/**
 * Cross-venue edges, one per listing traded on both venues: the laggard (the venue farther from
 * the oracle's fair value) against the two venues' mid price; signal = min(1, 5 × price gap).
 */
export function crossVenueCandidates(markets: readonly Market[], spotOf: (s: OracleSymbol) => Big): Candidate[] {
  const byListing = new Map<string, Market[]>();
  for (const m of markets) byListing.set(m.externalId, [...(byListing.get(m.externalId) ?? []), m]);
  const found: Candidate[] = [];
  for (const pair of byListing.values()) {
    const [a, b] = pair;
    if (a === undefined || b === undefined || pair.length !== 2) continue;
    const spot = spotOf(a.symbol);
    const fair = fairValue(spot, a.threshold, a.direction);
    const laggard = fair.minus(a.yes).abs().gte(fair.minus(b.yes).abs()) ? a : b;
    const mid = a.yes.plus(b.yes).div(TWO);
    const edge = mid.minus(laggard.yes);
    if (edge.abs().lt(MIN_REPORTED_EDGE)) continue;
    found.push({
      type: 'cross_platform', marketId: laggard.id, venue: laggard.venue, symbol: laggard.symbol,
      spot, fair: mid, yes: laggard.yes, edge, signal: minBig(ONE, FIVE.times(a.yes.minus(b.yes).abs())),
    });
  }
  return found;
}

/** The opportunity scanner: reports an edge when it appears, moves by 0.02 or flips, not on every tick. */
export class OpportunityScanner {
  private readonly reported = new Map<string, Big>();
  private count = 0;
  /** Opportunities reported so far. */
  processed = 0;

  constructor(private readonly run: string) {}

  /** The opportunities worth reporting this tick, with fresh ids. */
  scan(markets: readonly Market[], spotOf: (s: OracleSymbol) => Big): Opportunity[] {
    const candidates = [...oracleLagCandidates(markets, spotOf), ...crossVenueCandidates(markets, spotOf)];
    const seen = new Set<string>();
    const out: Opportunity[] = [];
    for (const c of candidates) {
      const key = `${c.type}|${c.marketId}`;
      seen.add(key);
      const last = this.reported.get(key);
      const fresh = last === undefined || last.s !== c.edge.s || c.edge.minus(last).abs().gte(REPORT_STEP);
      if (!fresh) continue;
      this.reported.set(key, c.edge);
      this.count += 1;
      out.push({ id: `opp-${this.run}-${this.count}`, ...c });
    }
    // An edge that vanished is forgotten, so its return is reported.
    for (const key of [...this.reported.keys()]) if (!seen.has(key)) this.reported.delete(key);
    this.processed += out.length;
    return out;
  }
}
