import Big from 'big.js';
import type { OpportunityType } from '../events';
import type { Leg, Opportunity } from './scanner';
import { type Sized, type SizingContext, sizePair, sizeSingle } from './sizing';

/** One order a strategy wants: a leg, its size, and the edge per contract it expects. */
export interface Order {
  readonly leg: Leg;
  readonly size: Sized;
  /** Win probability − price: what a contract is expected to make before fees (for a pair leg, the pair's edge). */
  readonly expectedEdge: Big;
}

/** What a strategy wants to do with an opportunity: one order, or a pair (the second is the hedge). */
export interface Plan {
  readonly orders: readonly [Order] | readonly [Order, Order];
}

/** A trading strategy: which opportunities it takes, and how much. */
export interface Strategy {
  /** The strategy's name (`oracle-sniper`); its agent is `strategy-<name>`. */
  readonly name: string;
  /** A plan for an opportunity it takes, `undefined` for one it leaves or cannot size. */
  plan(opportunity: Opportunity, ctx: SizingContext): Plan | undefined;
}

/** Takes oracle-lag edges whose net edge per contract (after the fee) is at least `minEdge`, sized by fractional Kelly. */
export function kellySniper(name: string, type: OpportunityType, minEdge: Big): Strategy {
  return {
    name,
    plan: (o, ctx) => {
      if (o.type !== type || o.hedge !== undefined) return undefined;
      const size = sizeSingle(o.leg, o.winProbability, ctx);
      if (size.contracts === 0) return undefined;
      const edge = o.winProbability.minus(o.leg.price);
      if (edge.minus(size.fees.div(size.contracts)).lt(minEdge)) return undefined;
      return { orders: [{ leg: o.leg, size, expectedEdge: edge }] };
    },
  };
}

/** Buys both legs of a cross-venue pair when the pair's edge after both fees is at least `minEdge` per pair. */
export function pairArbitrage(name: string, minEdge: Big): Strategy {
  return {
    name,
    plan: (o, ctx) => {
      if (o.type !== 'cross_platform' || o.hedge === undefined) return undefined;
      const [a, b] = sizePair(o.leg, o.hedge, ctx);
      if (a.contracts === 0) return undefined;
      const net = o.edge.minus(a.fees.plus(b.fees).div(a.contracts));
      if (net.lt(minEdge)) return undefined;
      return { orders: [{ leg: o.leg, size: a, expectedEdge: o.edge }, { leg: o.hedge, size: b, expectedEdge: o.edge }] };
    },
  };
}

/** The oracle sniper: oracle-lag edges of at least 2¢ per contract after fees. */
export const oracleSniper: Strategy = kellySniper('oracle-sniper', 'oracle_lag', new Big('0.02'));

/** Cross-venue: YES on one venue and NO on the other when the pair costs at least 0.5¢ less than $1 after fees. */
export const crossVenue: Strategy = pairArbitrage('cross-venue', new Big('0.005'));
