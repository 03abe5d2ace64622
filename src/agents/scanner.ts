import Big from 'big.js';
import type { OpportunityDetected, OpportunityType, Outcome, Venue } from '../events';
import { askOf, askSizeOf } from './book';
import { fairValue } from './fairValue';
import type { Market, OracleSymbol } from './market';
import { ONE, dec, frac, minBig } from './money';

/** One side of an opportunity: what to buy, where, at what price, how much is offered. */
export interface Leg {
  readonly marketId: string;
  readonly venue: Venue;
  readonly outcome: Outcome;
  /** The outcome's ask (YES ask, or 1 − YES bid for NO). */
  readonly price: Big;
  /** Contracts offered at that price. */
  readonly available: number;
  /** The market's Polymarket taker rate (0 on Kalshi, whose schedule is fixed). */
  readonly takerRate: Big;
}

/** A market priced away from where it should be. */
export interface Opportunity {
  readonly id: string;
  readonly type: OpportunityType;
  readonly marketId: string;
  readonly venue: Venue;
  readonly symbol: OracleSymbol;
  readonly spot: Big;
  /** oracle_lag: the model's P(YES). cross_platform: the other venue's YES bid (what the NO leg implies). */
  readonly fair: Big;
  /** The YES price the edge is taken against: the ask when buying YES, the bid when buying NO. */
  readonly yes: Big;
  /** Gross edge, before fees. oracle_lag: fair − yes (negative: NO is cheap). cross_platform: 1 − both asks. */
  readonly edge: Big;
  readonly signal: Big;
  /** What to buy first. */
  readonly leg: Leg;
  /** oracle_lag: the probability that `leg` wins. cross_platform: 1 (a pair pays $1 whatever happens). */
  readonly winProbability: Big;
  /** cross_platform only: the NO leg on the other venue. */
  readonly hedge?: Leg;
}

/** Edges below this are not reported. */
export const MIN_REPORTED_EDGE = new Big('0.02');
/** Cross-venue pairs are reported from this gross edge (fees are the strategy's to weigh). */
export const MIN_REPORTED_ARB_EDGE = new Big('0.01');
/** A reported opportunity is reported again only when its edge moved this much (or flipped sign). */
const REPORT_STEP = new Big('0.01');
const TEN = new Big(10);

type Candidate = Omit<Opportunity, 'id'>;

function legOf(m: Market, outcome: Outcome): Leg {
  return { marketId: m.id, venue: m.venue, outcome, price: askOf(m.book, outcome), available: askSizeOf(m.book, outcome), takerRate: m.takerRate };
}

/**
 * Every oracle-lag edge, one per market: the digital price Φ(d₂) from the oracle's spot, the true
 * volatility and the time left, against the venue's ask for YES (fair − ask) or for NO (bid − fair).
 */
export function oracleLagCandidates(markets: readonly Market[], spotOf: (s: OracleSymbol) => Big, volatilityOf: (s: OracleSymbol) => number, now: number): Candidate[] {
  const found: Candidate[] = [];
  for (const m of markets) {
    const spot = spotOf(m.symbol);
    const fair = fairValue(spot, m.threshold, volatilityOf(m.symbol), m.expiresAt - now, m.direction);
    const yesEdge = fair.minus(m.book.ask);
    const noEdge = m.book.bid.minus(fair);
    const buyYes = yesEdge.gte(noEdge);
    const best = buyYes ? yesEdge : noEdge;
    if (best.lt(MIN_REPORTED_EDGE)) continue;
    found.push({
      type: 'oracle_lag', marketId: m.id, venue: m.venue, symbol: m.symbol, spot, fair,
      yes: buyYes ? m.book.ask : m.book.bid,
      edge: buyYes ? yesEdge : noEdge.neg(),
      signal: minBig(ONE, best.times(TEN)),
      leg: legOf(m, buyYes ? 'YES' : 'NO'),
      winProbability: buyYes ? fair : ONE.minus(fair),
    });
  }
  return found;
}

/**
 * Cross-venue pairs, one per listing traded on both venues: YES on one venue and NO on the other pay
 * exactly $1 together, so a pair whose two asks sum below 1 is an arbitrage before fees. The better
 * of the two directions is reported, its YES leg as the market.
 */
export function crossVenueCandidates(markets: readonly Market[], spotOf: (s: OracleSymbol) => Big): Candidate[] {
  const byListing = new Map<string, Market[]>();
  for (const m of markets) byListing.set(m.externalId, [...(byListing.get(m.externalId) ?? []), m]);
  const found: Candidate[] = [];
  for (const pair of byListing.values()) {
    const [a, b] = pair;
    if (a === undefined || b === undefined || pair.length !== 2) continue;
    // YES on a + NO on b costs a.ask + (1 − b.bid): the edge is b.bid − a.ask; the other way round, a.bid − b.ask.
    const [yesOn, noOn] = b.book.bid.minus(a.book.ask).gte(a.book.bid.minus(b.book.ask)) ? [a, b] : [b, a];
    const edge = noOn.book.bid.minus(yesOn.book.ask);
    if (edge.lt(MIN_REPORTED_ARB_EDGE)) continue;
    found.push({
      type: 'cross_platform', marketId: yesOn.id, venue: yesOn.venue, symbol: yesOn.symbol, spot: spotOf(yesOn.symbol),
      fair: noOn.book.bid, yes: yesOn.book.ask, edge, signal: minBig(ONE, edge.times(TEN)),
      leg: legOf(yesOn, 'YES'), hedge: legOf(noOn, 'NO'), winProbability: ONE,
    });
  }
  return found;
}

/** The opportunity scanner: reports an edge when it appears, moves by a tick or flips, not on every tick. */
export class OpportunityScanner {
  private readonly reported = new Map<string, Big>();
  private count = 0;
  /** Opportunities reported so far. */
  processed = 0;

  constructor(private readonly run: string) {}

  /** The opportunities worth reporting this tick at simulated time `now`, with fresh ids. */
  scan(markets: readonly Market[], spotOf: (s: OracleSymbol) => Big, volatilityOf: (s: OracleSymbol) => number, now: number): Opportunity[] {
    const candidates = [...oracleLagCandidates(markets, spotOf, volatilityOf, now), ...crossVenueCandidates(markets, spotOf)];
    const seen = new Set<string>();
    const out: Opportunity[] = [];
    for (const c of candidates) {
      const key = `${c.type}|${c.marketId}|${c.leg.outcome}`;
      seen.add(key);
      const last = this.reported.get(key);
      const fresh = last === undefined || c.edge.minus(last).abs().gte(REPORT_STEP);
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

/** An opportunity as `opportunity.detected` data. */
export function opportunityRecord(o: Opportunity): OpportunityDetected {
  return {
    id: o.id, opportunity_type: o.type, market_id: o.marketId, oracle_symbol: o.symbol,
    oracle_value: dec(o.spot), fair_price: frac(o.fair), market_price: frac(o.yes),
    expected_edge: dec(o.edge), signal_strength: frac(o.signal),
    ...(o.hedge === undefined ? {} : { paired_market_id: o.hedge.marketId }),
  } as OpportunityDetected;
}
