import Big from 'big.js';
import type { Venue } from '../events';
import { type Direction, fairValue, yesWins } from './fairValue';
import { ONE, clampBig, roundHalfUp } from './money';
import { type Rng, createRng, mixSeed } from './prng';

/** An oracle symbol the feed prices. */
export type OracleSymbol = 'BTC' | 'ETH';

/** How one oracle moves per tick. */
interface OracleSpec {
  readonly symbol: OracleSymbol;
  readonly start: string;
  /** Standard deviation of the per-tick log-return. */
  readonly volPerTick: number;
  /** Probability of a jump in one tick. */
  readonly jumpProb: number;
  /** Jumps are uniform in ±[jumpMin, jumpMax]. */
  readonly jumpMin: number;
  readonly jumpMax: number;
  /** Thresholds are multiples of this. */
  readonly strikeStep: number;
  /** How many markets (per venue) are open on this symbol at any time. */
  readonly slots: number;
}

const ORACLES: readonly OracleSpec[] = [
  { symbol: 'BTC', start: '100000', volPerTick: 0.0009, jumpProb: 0.006, jumpMin: 0.02, jumpMax: 0.06, strikeStep: 500, slots: 4 },
  { symbol: 'ETH', start: '3500', volPerTick: 0.0011, jumpProb: 0.006, jumpMin: 0.02, jumpMax: 0.07, strikeStep: 25, slots: 4 },
];

/** How one venue's YES price follows fair value: `lag` is the share of the gap closed per tick. */
interface VenueSpec {
  readonly venue: Venue;
  readonly lag: Big;
}

const VENUES: readonly VenueSpec[] = [
  { venue: 'polymarket', lag: new Big('0.5') },
  { venue: 'kalshi', lag: new Big('0.3') },
];

/** Share of jumps that revert. */
const WICK_PROB = 0.2;

/** Threshold offsets from spot at listing. */
const OFFSETS = [-0.08, -0.04, -0.02, 0, 0.02, 0.04, 0.08] as const;

const CENT = new Big('0.01');
const MAX_PRICE = new Big('0.99');

/** One binary market on one venue. */
export interface Market {
  /** `venue:external_id`. */
  readonly id: string;
  readonly venue: Venue;
  /** Shared by the same listing on both venues. */
  readonly externalId: string;
  readonly symbol: OracleSymbol;
  readonly threshold: Big;
  readonly direction: Direction;
  /** Simulated epoch ms at which the market settles. */
  readonly expiresAt: number;
  /** The venue's internal estimate, 4 decimal places. */
  quote: Big;
  /** The traded YES price, in cents. */
  yes: Big;
}

/** A market that settled this tick. */
export interface Resolution {
  readonly market: Market;
  readonly yesWon: boolean;
  readonly spot: Big;
  readonly at: number;
}

interface Slot {
  readonly spec: OracleSpec;
  expiresAt: number;
}

/** The simulated market: oracle random walks with jumps, and lagging binary markets on two venues that settle and are relisted. */
export class MarketFeed {
  private readonly spots = new Map<OracleSymbol, Big>();
  /** A jump that is being taken back: the per-tick return and the ticks left. */
  private readonly wicks = new Map<OracleSymbol, { r: number; ticks: number }>();
  private readonly oracleRng: Rng;
  private readonly venueRng: Rng;
  private readonly listingRng: Rng;
  private readonly slots: Slot[] = [];
  private open: Market[] = [];
  /** Ticks processed. */
  ticks = 0;

  constructor(seed: number, startAt: number, private readonly lifetimeMs: number) {
    this.oracleRng = createRng(mixSeed(seed, 1));
    this.venueRng = createRng(mixSeed(seed, 2));
    this.listingRng = createRng(mixSeed(seed, 3));
    for (const spec of ORACLES) this.spots.set(spec.symbol, new Big(spec.start));
    // Stagger first expiries so settlements start early and keep coming.
    let i = 0;
    for (const spec of ORACLES) {
      for (let s = 0; s < spec.slots; s += 1) {
        const expiresAt = startAt + (5 + 3 * i) * 60_000;
        const slot: Slot = { spec, expiresAt };
        this.slots.push(slot);
        this.list(slot, expiresAt);
        i += 1;
      }
    }
  }

  /** The open markets, in listing order. */
  markets(): readonly Market[] {
    return this.open;
  }

  /** The oracle's current price for a symbol. */
  spot(symbol: OracleSymbol): Big {
    const spot = this.spots.get(symbol);
    if (spot === undefined) throw new Error(`no oracle for ${symbol}`);
    return spot;
  }

  /** Advances to simulated time `now`: moves oracles, settles expired markets, relists, moves prices. */
  step(now: number): Resolution[] {
    this.ticks += 1;
    for (const spec of ORACLES) this.moveOracle(spec);
    const resolutions: Resolution[] = [];
    const remaining: Market[] = [];
    for (const market of this.open) {
      if (market.expiresAt <= now) {
        const spot = this.spot(market.symbol);
        resolutions.push({ market, yesWon: yesWins(spot, market.threshold, market.direction), spot, at: now });
      } else {
        remaining.push(market);
      }
    }
    this.open = remaining;
    for (const market of this.open) this.movePrice(market);
    for (const slot of this.slots) {
      if (slot.expiresAt <= now) {
        slot.expiresAt = now + this.lifetimeMs;
        this.list(slot, slot.expiresAt);
      }
    }
    return resolutions;
  }

  private moveOracle(spec: OracleSpec): void {
    let r = spec.volPerTick * this.oracleRng.normal();
    const wick = this.wicks.get(spec.symbol);
    if (wick !== undefined) {
      r += wick.r;
      wick.ticks -= 1;
      if (wick.ticks === 0) this.wicks.delete(spec.symbol);
    } else if (this.oracleRng.next() < spec.jumpProb) {
      const size = spec.jumpMin + (spec.jumpMax - spec.jumpMin) * this.oracleRng.next();
      const jump = this.oracleRng.next() < 0.5 ? -size : size;
      r += jump;
      // Some jumps are wicks (a bad print, a liquidation cascade) that the oracle takes back within minutes:
      // the venues' lag then protects them, and a sniper that bought the jump holds a stale view.
      if (this.oracleRng.next() < WICK_PROB) {
        const ticks = 6 + this.oracleRng.int(18);
        this.wicks.set(spec.symbol, { r: -jump / ticks, ticks });
      }
    }
    // The float return is cut to 6 decimals before it touches money: from here on arithmetic is exact.
    const factor = ONE.plus(new Big(r.toFixed(6)));
    this.spots.set(spec.symbol, roundHalfUp(this.spot(spec.symbol).times(factor), 2));
  }

  private movePrice(market: Market): void {
    const spec = VENUES.find((v) => v.venue === market.venue);
    if (spec === undefined) return;
    const fair = fairValue(this.spot(market.symbol), market.threshold, market.direction);
    market.quote = roundHalfUp(market.quote.plus(spec.lag.times(fair.minus(market.quote))), 4);
    market.yes = this.traded(market.quote);
  }

  /** The quote in cents with a little venue noise, within [0.01, 0.99]. */
  private traded(quote: Big): Big {
    const u = this.venueRng.next();
    const noise = u < 0.15 ? CENT.neg() : u > 0.85 ? CENT : new Big(0);
    return clampBig(roundHalfUp(quote, 2).plus(noise), CENT, MAX_PRICE);
  }

  private list(slot: Slot, expiresAt: number): void {
    const { spec } = slot;
    const spot = this.spot(spec.symbol);
    const offset = this.listingRng.pick(OFFSETS);
    const direction: Direction = this.listingRng.next() < 0.5 ? 'above' : 'below';
    const step = new Big(spec.strikeStep);
    const raw = spot.times(new Big(1 + offset).round(4));
    const threshold = roundHalfUp(raw.div(step), 0).times(step);
    const externalId = `${spec.symbol.toLowerCase()}-${direction}-${threshold.toFixed()}-${stamp(expiresAt)}`;
    const fair = fairValue(spot, threshold, direction);
    for (const venue of VENUES) {
      // A new market opens part-way between an uninformed 0.5 and fair value: each venue's confidence differs.
      const confidence = new Big((0.75 + 0.25 * this.listingRng.next()).toFixed(2));
      const half = new Big('0.5');
      const quote = roundHalfUp(half.plus(fair.minus(half).times(confidence)), 4);
      this.open.push({
        id: `${venue.venue}:${externalId}`,
        venue: venue.venue,
        externalId,
        symbol: spec.symbol,
        threshold,
        direction,
        expiresAt,
        quote,
        yes: this.traded(quote),
      });
    }
  }
}

/** `MMDDtHHMM` of a simulated time, for market ids. */
function stamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(5, 7)}${iso.slice(8, 10)}t${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}
