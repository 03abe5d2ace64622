import Big from 'big.js';
import type { Outcome, Venue } from '../events';
import { takerFee } from './fees';
import { ONE, ZERO, maxBig } from './money';
import type { Leg } from './scanner';

/** What sizing knows: the strategy's capital and what the guardian's last snapshot said about room. */
export interface SizingContext {
  /** The allocator's total capital. */
  readonly capital: Big;
  /** This strategy's share of it. */
  readonly allocation: Big;
  /** The fraction of full Kelly staked (¼ by default). */
  readonly kellyFraction: Big;
  /** Dollars left under the position limit on a market and the platform limit on its venue. */
  readonly room: (marketId: string, venue: Venue) => Big;
  /** Dollars already held on a market: Kelly sizes the whole position, an order only tops it up. */
  readonly held: (marketId: string) => Big;
  /** The outcome held on a market, if any: a plan that would buy the other one is not made. */
  readonly heldOutcome: (marketId: string) => Outcome | undefined;
}

/** An order's size: whole contracts at the leg's price, what they cost and the taker fee on them. */
export interface Sized {
  readonly contracts: number;
  readonly amount: Big;
  readonly fees: Big;
}

const NONE: Sized = { contracts: 0, amount: ZERO, fees: ZERO };

/** Whether the leg would buy the other side of a market already held. */
function conflicts(leg: Leg, ctx: SizingContext): boolean {
  const held = ctx.heldOutcome(leg.marketId);
  return held !== undefined && held !== leg.outcome;
}

/** Full Kelly for a binary contract costing `cost` (price + fee per contract) that wins with probability q: f* = (q − c)/(1 − c). */
export function kellyFraction(winProbability: Big, cost: Big): Big {
  if (cost.gte(ONE) || winProbability.lte(cost)) return ZERO;
  return winProbability.minus(cost).div(ONE.minus(cost));
}

/** The fee rate per contract before the venue's rounding: rate × P × (1 − P). */
function feePerContract(leg: Leg): Big {
  const rate = leg.venue === 'kalshi' ? new Big('0.07') : leg.takerRate;
  return rate.times(leg.price).times(ONE.minus(leg.price));
}

/** Contracts the limits, the touch and a dollar cap leave room for. */
function capContracts(wanted: number, leg: Leg, ctx: SizingContext): number {
  const room = maxBig(ctx.room(leg.marketId, leg.venue), ZERO);
  return Math.max(0, Math.min(wanted, leg.available, Math.floor(Number(room.div(leg.price)))));
}

function sized(leg: Leg, contracts: number): Sized {
  const c = new Big(contracts);
  return { contracts, amount: c.times(leg.price), fees: takerFee(leg.venue, c, leg.price, leg.takerRate) };
}

/**
 * Fractional Kelly on the edge after fees: the position worth holding is capital × allocation ×
 * kelly fraction × f*; the order buys what is missing from it, in whole contracts at the ask, capped
 * by the room under the risk limits and the contracts at the touch. Zero contracts when nothing is
 * left after the fee (the venue's rounding included).
 */
export function sizeSingle(leg: Leg, winProbability: Big, ctx: SizingContext): Sized {
  if (conflicts(leg, ctx)) return NONE;
  const cost = leg.price.plus(feePerContract(leg));
  const f = kellyFraction(winProbability, cost);
  const stake = ctx.capital.times(ctx.allocation).times(ctx.kellyFraction).times(f).minus(ctx.held(leg.marketId));
  const contracts = capContracts(Math.floor(Number(stake.div(cost))), leg, ctx);
  const order = sized(leg, contracts);
  const expected = new Big(contracts).times(winProbability.minus(leg.price)).minus(order.fees);
  return contracts > 0 && expected.gt(0) ? order : NONE;
}

/**
 * Both legs of a cross-venue pair sized together (the same number of contracts): the pair pays $1
 * whatever happens, so Kelly has no finite answer; the strategy's budget (capital × allocation ×
 * kelly fraction), each leg's room and the two touches cap it. Zero when the fees eat the edge.
 */
export function sizePair(leg: Leg, hedge: Leg, ctx: SizingContext): [Sized, Sized] {
  if (conflicts(leg, ctx) || conflicts(hedge, ctx)) return [NONE, NONE];
  const perPair = leg.price.plus(hedge.price);
  const budget = ctx.capital.times(ctx.allocation).times(ctx.kellyFraction);
  const n = Math.min(capContracts(Math.floor(Number(budget.div(perPair))), leg, ctx), capContracts(Number.MAX_SAFE_INTEGER, hedge, ctx));
  const a = sized(leg, n);
  const b = sized(hedge, n);
  const profit = new Big(n).minus(a.amount).minus(b.amount).minus(a.fees).minus(b.fees);
  return n > 0 && profit.gt(0) ? [a, b] : [NONE, NONE];
}
