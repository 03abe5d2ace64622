import Big from 'big.js';
import { YEAR_MS } from './fairValue';
import { roundHalfUp } from './money';
import type { Rng } from './prng';

/** An oracle symbol the feed prices. */
export type OracleSymbol = 'BTC' | 'ETH';

/** How one oracle moves: geometric Brownian motion plus compound-Poisson jumps. */
export interface OracleSpec {
  readonly symbol: OracleSymbol;
  readonly start: string;
  /** Annualised volatility σ of the diffusion. */
  readonly volatility: number;
  /** Poisson jump rate λ, jumps per simulated day. */
  readonly jumpsPerDay: number;
  /** Jumps multiply spot by e^J, J ~ N(0, jumpSd²). */
  readonly jumpSd: number;
  /** Thresholds are multiples of this. */
  readonly strikeStep: number;
}

/** The feed's oracles (documented in src/agents/README.md). */
export const ORACLES: readonly OracleSpec[] = [
  { symbol: 'BTC', start: '100000', volatility: 0.6, jumpsPerDay: 6, jumpSd: 0.006, strikeStep: 25 },
  { symbol: 'ETH', start: '3500', volatility: 0.8, jumpsPerDay: 6, jumpSd: 0.008, strikeStep: 1 },
];

const DAY_MS = 86_400_000;

/**
 * One step of `dtMs`: log S += −σ²dt/2 + σ√dt·Z + Σ J over a Poisson(λ·dt) number of jumps.
 * The drift term keeps E[S] flat (no trend to trade on). Floats stop here: the new spot is
 * rounded to cents, and from there on prices are exact.
 */
export function stepOracle(spot: Big, spec: OracleSpec, dtMs: number, rng: Rng): Big {
  const dt = dtMs / YEAR_MS;
  let logReturn = -0.5 * spec.volatility * spec.volatility * dt + spec.volatility * Math.sqrt(dt) * rng.normal();
  const jumps = poisson((spec.jumpsPerDay * dtMs) / DAY_MS, rng);
  for (let i = 0; i < jumps; i += 1) logReturn += spec.jumpSd * rng.normal();
  return roundHalfUp(spot.times(new Big(Math.exp(logReturn).toFixed(9))), 2);
}

/** A Poisson deviate by inversion (λ here is far below 1: one uniform nearly always suffices). */
function poisson(lambda: number, rng: Rng): number {
  const u = rng.next();
  let k = 0;
  let p = Math.exp(-lambda);
  let cumulative = p;
  while (u > cumulative && k < 50) {
    k += 1;
    p *= lambda / k;
    cumulative += p;
  }
  return k;
}
