import Big from 'big.js';
import type { OpportunityType, Outcome } from '../events';
import { ONE } from './money';
import type { Opportunity } from './scanner';

/** What a strategy wants to buy; the simulation sizes it and turns it into a `trade.requested`. */
export interface Intent {
  readonly outcome: Outcome;
  /** The price of the outcome bought: YES price, or 1 − YES for NO. */
  readonly maxPrice: Big;
  /** The edge of the outcome bought (positive). */
  readonly expectedEdge: Big;
}

/** A trading strategy: which opportunities it takes, and which side. */
export interface Strategy {
  /** The strategy's name (`oracle-sniper`); its agent is `strategy-<name>`. */
  readonly name: string;
  /** An intent for an opportunity it takes, `undefined` for one it leaves. */
  decide(opportunity: Opportunity): Intent | undefined;
}

/** YES when the edge is positive, NO at 1 − YES when it is negative (the original dropped NO trades). */
export function intentFor(opportunity: Opportunity): Intent {
  return opportunity.edge.gt(0)
    ? { outcome: 'YES', maxPrice: opportunity.yes, expectedEdge: opportunity.edge }
    : { outcome: 'NO', maxPrice: ONE.minus(opportunity.yes), expectedEdge: opportunity.edge.neg() };
}

/** A strategy that takes one opportunity type above an edge and a signal threshold. */
export function thresholdStrategy(name: string, type: OpportunityType, minEdge: Big, minSignal: Big): Strategy {
  return {
    name,
    decide: (o) => (o.type === type && o.edge.abs().gte(minEdge) && o.signal.gte(minSignal) ? intentFor(o) : undefined),
  };
}

/** DOMAIN.md's oracle sniper: oracle-lag edges of at least 0.05 with signal at least 0.6. */
export const oracleSniper: Strategy = thresholdStrategy('oracle-sniper', 'oracle_lag', new Big('0.05'), new Big('0.6'));

/** Cross-venue: buys the laggard venue toward the two venues' mid when they disagree by 0.03 or more of edge. */
export const crossVenue: Strategy = thresholdStrategy('cross-venue', 'cross_platform', new Big('0.03'), new Big(0));
