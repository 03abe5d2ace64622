import Big from 'big.js';
import type { Venue } from '../events';
import { type Book, quoteAround } from './book';
import { type Direction, YEAR_MS, digitalProbability, yesWins } from './fairValue';
import { ZERO, roundHalfUp } from './money';
import { ORACLES, type OracleSpec, type OracleSymbol, stepOracle } from './oracle';
import { type Rng, createRng, mixSeed } from './prng';

export type { OracleSymbol } from './oracle';

/** How one venue prices: its own lagged view of spot, its own volatility, noise, spread and depth. */
interface VenueSpec {
  readonly venue: Venue;
  /** Share of the gap to the oracle's spot that the venue's view closes per tick: the lag. */
  readonly lag: number;
  /** The venue's volatility is the true one × (1 ± up to this), drawn per listing. */
  readonly volBias: number;
  /** Stationary standard deviation of the venue's AR(1) pricing error, in probability. */
  readonly noiseSd: number;
  /** Per-tick persistence of that error. */
  readonly noisePersistence: number;
  /** Half the quoted spread around the estimate (before rounding to the tick). */
  readonly halfSpread: number;
  /** Contracts at each side of the touch, uniform in [min, max] each tick. */
  readonly depth: readonly [number, number];
}

const VENUES: readonly VenueSpec[] = [
  { venue: 'polymarket', lag: 0.85, volBias: 0.05, noiseSd: 0.01, noisePersistence: 0.97, halfSpread: 0.005, depth: [40, 400] },
  { venue: 'kalshi', lag: 0.7, volBias: 0.05, noiseSd: 0.01, noisePersistence: 0.97, halfSpread: 0.01, depth: [30, 300] },
];

/** How much of the last move of its estimate a venue adds to its half-spread. */
const FAST_MARKET_WIDENING = 0.5;

/** Thresholds at listing sit this many standard deviations (σ√lifetime) from spot. */
const STRIKE_OFFSETS = [-1.2, -0.6, -0.3, 0, 0.3, 0.6, 1.2] as const;
/** Markets open on each symbol at any time (per venue). */
const SLOTS_PER_SYMBOL = 4;

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
  /** Polymarket taker fee rate of this market (0: a standard market); Kalshi's schedule is fixed. */
  readonly takerRate: Big;
  /** The venue's own volatility for this listing. */
  readonly volatility: number;
  /** The venue's current pricing error (AR(1)). */
  noise: number;
  /** The venue's probability that YES wins, from its lagged view. */
  estimate: number;
  /** The YES book at the touch. */
  book: Book;
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

/** Feed options beyond the seed. */
export interface MarketFeedOptions {
  readonly startAt: number;
  readonly tickMs: number;
  readonly lifetimeMs: number;
  /** Taker fee rate of fee-enabled Polymarket markets (default 0: every market standard). */
  readonly polymarketTakerRate?: Big;
}

/**
 * The simulated market: oracles on GBM with jumps; each listing traded on two venues that quote a
 * bid and an ask around their own lagged, noisy estimate; markets settle and are relisted.
 */
export class MarketFeed {
  private readonly spots = new Map<OracleSymbol, Big>();
  /** Each venue's lagged view of each symbol's spot. */
  private readonly views = new Map<string, number>();
  private readonly oracleRng: Rng;
  private readonly venueRng: Rng;
  private readonly listingRng: Rng;
  private readonly slots: Slot[] = [];
  private open: Market[] = [];
  private readonly byId = new Map<string, Market>();
  private now: number;
  /** Ticks processed. */
  ticks = 0;

  constructor(seed: number, private readonly options: MarketFeedOptions) {
    this.oracleRng = createRng(mixSeed(seed, 1));
    this.venueRng = createRng(mixSeed(seed, 2));
    this.listingRng = createRng(mixSeed(seed, 3));
    this.now = options.startAt;
    for (const spec of ORACLES) {
      this.spots.set(spec.symbol, new Big(spec.start));
      for (const v of VENUES) this.views.set(`${v.venue}|${spec.symbol}`, Number(spec.start));
    }
    // Stagger first expiries so settlements start early and keep coming.
    let i = 0;
    for (const spec of ORACLES) {
      for (let s = 0; s < SLOTS_PER_SYMBOL; s += 1) {
        const expiresAt = options.startAt + (5 + 3 * i) * 60_000;
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

  /** An open market by id. */
  market(id: string): Market | undefined {
    return this.byId.get(id);
  }

  /** The oracle's current price for a symbol. */
  spot(symbol: OracleSymbol): Big {
    const spot = this.spots.get(symbol);
    if (spot === undefined) throw new Error(`no oracle for ${symbol}`);
    return spot;
  }

  /** The true annualised volatility of a symbol's diffusion (what the scanner prices with). */
  volatility(symbol: OracleSymbol): number {
    return ORACLES.find((o) => o.symbol === symbol)?.volatility ?? 0;
  }

  /** Advances to simulated time `now`: moves oracles, settles expired markets, relists, requotes. */
  step(now: number): Resolution[] {
    this.ticks += 1;
    this.now = now;
    for (const spec of ORACLES) this.spots.set(spec.symbol, stepOracle(this.spot(spec.symbol), spec, this.options.tickMs, this.oracleRng));
    for (const v of VENUES) {
      for (const spec of ORACLES) {
        const key = `${v.venue}|${spec.symbol}`;
        const view = this.views.get(key) ?? Number(spec.start);
        this.views.set(key, view + v.lag * (Number(this.spot(spec.symbol)) - view));
      }
    }
    const resolutions: Resolution[] = [];
    const remaining: Market[] = [];
    for (const market of this.open) {
      if (market.expiresAt <= now) {
        const spot = this.spot(market.symbol);
        resolutions.push({ market, yesWon: yesWins(spot, market.threshold, market.direction), spot, at: now });
        this.byId.delete(market.id);
      } else {
        remaining.push(market);
      }
    }
    this.open = remaining;
    for (const slot of this.slots) {
      if (slot.expiresAt <= now) {
        slot.expiresAt = now + this.options.lifetimeMs;
        this.list(slot, slot.expiresAt);
      }
    }
    for (const market of this.open) this.requote(market);
    return resolutions;
  }

  private venueSpec(venue: Venue): VenueSpec {
    const spec = VENUES.find((v) => v.venue === venue);
    if (spec === undefined) throw new Error(`no venue ${venue}`);
    return spec;
  }

  /** The venue's estimate from its lagged view, its volatility and its drifting error; a fresh book at the touch. */
  private requote(market: Market): void {
    const v = this.venueSpec(market.venue);
    const rho = v.noisePersistence;
    market.noise = rho * market.noise + v.noiseSd * Math.sqrt(1 - rho * rho) * this.venueRng.normal();
    const previous = market.estimate;
    market.estimate = this.estimateOf(market);
    // Makers widen in a fast market: the spread grows by as much as their own estimate just moved.
    const halfSpread = v.halfSpread + FAST_MARKET_WIDENING * Math.abs(market.estimate - previous);
    market.book = quoteAround(market.estimate, halfSpread, this.depth(v), this.depth(v));
  }

  /** The venue's probability from its lagged view of spot, its own volatility and its current error. */
  private estimateOf(market: Market): number {
    const view = this.views.get(`${market.venue}|${market.symbol}`) ?? Number(this.spot(market.symbol));
    const p = digitalProbability(view, Number(market.threshold), market.volatility, market.expiresAt - this.now, market.direction);
    return Math.min(0.999, Math.max(0.001, p + market.noise));
  }

  private depth(v: VenueSpec): number {
    const [lo, hi] = v.depth;
    return lo + this.venueRng.int(hi - lo + 1);
  }

  private list(slot: Slot, expiresAt: number): void {
    const { spec } = slot;
    const spot = this.spot(spec.symbol);
    const sd = spec.volatility * Math.sqrt(this.options.lifetimeMs / YEAR_MS);
    const offset = this.listingRng.pick(STRIKE_OFFSETS) * sd;
    const direction: Direction = this.listingRng.next() < 0.5 ? 'above' : 'below';
    const step = new Big(spec.strikeStep);
    const raw = spot.times(new Big(Math.exp(offset).toFixed(6)));
    const threshold = roundHalfUp(raw.div(step), 0).times(step);
    const externalId = `${spec.symbol.toLowerCase()}-${direction}-${threshold.toFixed()}-${stamp(expiresAt)}`;
    for (const v of VENUES) {
      const volatility = spec.volatility * (1 + v.volBias * (2 * this.listingRng.next() - 1));
      const noise = v.noiseSd * this.listingRng.normal();
      const market: Market = {
        id: `${v.venue}:${externalId}`,
        venue: v.venue,
        externalId,
        symbol: spec.symbol,
        threshold,
        direction,
        expiresAt,
        takerRate: v.venue === 'polymarket' ? (this.options.polymarketTakerRate ?? ZERO) : ZERO,
        volatility,
        noise,
        estimate: 0.5,
        book: quoteAround(0.5, v.halfSpread, 0, 0),
      };
      market.estimate = this.estimateOf(market);
      this.requote(market);
      this.open.push(market);
      this.byId.set(market.id, market);
    }
  }
}

/** `MMDDtHHMM` of a simulated time, for market ids. */
function stamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(5, 7)}${iso.slice(8, 10)}t${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}
