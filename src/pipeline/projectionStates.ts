import type { AgentChannel, Event, EventTag } from '../events';
import {
  agentUpdates,
  editCount,
  inDraftScope,
  portfolioSummary,
  riskState,
  strategyPerformance,
  tradeResults,
  type AgentUpdatesState,
  type EventsOf,
  type PortfolioSummaryState,
  type Projection,
  type RiskState,
  type StrategyPerformanceState,
  type TradeResultsState,
} from '../projections';
import { SeqTracker } from './seqTracker';

/** The state of each agent projection. */
export interface States {
  'agent.updates': AgentUpdatesState;
  'trade.results': TradeResultsState;
  'risk.state': RiskState;
  'strategy.performance': StrategyPerformanceState;
  'portfolio.summary': PortfolioSummaryState;
}

/** The initial state of every agent projection. */
function initialStates(): States {
  return {
    'agent.updates': agentUpdates.initial,
    'trade.results': tradeResults.initial,
    'risk.state': riskState.initial,
    'strategy.performance': strategyPerformance.initial,
    'portfolio.summary': portfolioSummary.initial,
  };
}

/** What a checkpoint keeps of `ProjectionStates`. */
export interface SavedStates {
  readonly states: States;
  readonly seq: readonly (readonly [string, string, number])[];
  readonly counters: ReductionCounters;
}

/** What reducing one event did. */
export interface Reduction {
  readonly outcome: 'applied' | 'duplicate';
  /** Events detected missing from this event's seq gap (0 if none). */
  readonly lost: number;
  /** The channels whose state was replaced, in channel order (`portfolio.summary` last). */
  readonly touched: readonly AgentChannel[];
}

/** Running totals since the states were made. */
export interface ReductionCounters {
  readonly applied: number;
  readonly duplicates: number;
  readonly lost: number;
}

type EventFed = Exclude<AgentChannel, 'portfolio.summary'>;

interface Reducer {
  readonly channel: EventFed;
  readonly evolve: (state: unknown, event: Event) => unknown;
}

/** Erases a projection's types once, here, so the dispatch table can hold them all. */
function reducer<S, K extends EventTag>(channel: EventFed, p: Projection<S, K>): Reducer & { readonly handles: readonly EventTag[] } {
  return { channel, handles: p.handles, evolve: (state, event) => p.evolve(state as S, event as EventsOf<K>) };
}

const REDUCERS = [
  reducer('agent.updates', agentUpdates),
  reducer('trade.results', tradeResults),
  reducer('risk.state', riskState),
  reducer('strategy.performance', strategyPerformance),
];

/** For each event tag, the projections that handle it (in channel order). */
const BY_TAG: ReadonlyMap<EventTag, readonly Reducer[]> = (() => {
  const map = new Map<EventTag, Reducer[]>();
  for (const r of REDUCERS) for (const tag of r.handles) map.set(tag, [...(map.get(tag) ?? []), r]);
  return map;
})();

const DUPLICATE: Reduction = { outcome: 'duplicate', lost: 0, touched: [] };

/**
 * How a `ProjectionStates` holds what its reducers return: either objects changed in place
 * between reads (see the class), or an `accept` check of every new state (default: always hold).
 * Never both: with maps updated in place, `before` and `after` may share an already-updated map,
 * so no check comparing them could be trusted.
 */
export type ProjectionStatesOptions =
  | { readonly inPlace: true; readonly accept?: never }
  | {
      readonly inPlace?: false;
      /**
       * Whether to hold `after`, the state an event made from `before` (never the same object);
       * when it says no, `before` stays and the channel is not touched.
       */
      readonly accept?: (channel: AgentChannel, before: unknown, after: unknown) => boolean;
    };

/**
 * The five projection states, reduced event by event: duplicates and seq gaps per (agent, run),
 * each event to every projection that handles it, then `portfolio.summary` derived from the others.
 * Pure in memory: no I/O, no clock.
 *
 * With `inPlace`, the objects a reducer made since the states were last read (states, their large
 * maps and lists, counters) are changed in place (`edit`, `draftSet`) rather than copied again for
 * every event: reading a state through `state()` ends that, so a state once read never changes.
 * A change made in place keeps the state's identity; `editCount` says it happened.
 * Reducers never throw on decoded events (their inputs are validated); one that did could leave
 * such a map half-updated until the next event touching its channel.
 */
export class ProjectionStates {
  private readonly states: States;
  private readonly seq: SeqTracker;
  private readonly totals: { applied: number; duplicates: number; lost: number };
  private drafts = new WeakSet<object>();

  /** The initial states, or those of a checkpoint (see `saved`). */
  constructor(
    private readonly options: ProjectionStatesOptions = {},
    from?: SavedStates,
  ) {
    this.states = from === undefined ? initialStates() : { ...from.states };
    this.seq = from === undefined ? new SeqTracker() : SeqTracker.from(from.seq);
    this.totals = from === undefined ? { applied: 0, duplicates: 0, lost: 0 } : { ...from.counters };
  }

  /** Everything needed to continue from here later: states, seq trackers, counters (plain JSON). */
  saved(): SavedStates {
    const states = {} as Record<AgentChannel, unknown>;
    for (const channel of Object.keys(this.states) as AgentChannel[]) states[channel] = this.state(channel);
    return { states: states as unknown as States, seq: this.seq.entries(), counters: { ...this.totals } };
  }

  /** The last `seq` applied or skipped for a run (`<agent>:<run>`), if any. */
  lastSeq(agent: string, run: string): number | undefined {
    return this.seq.lastSeq(agent, run);
  }

  /** Running totals: events applied, duplicates skipped, events detected lost. */
  get counters(): ReductionCounters {
    return this.totals;
  }

  /**
   * Reduces one decoded event; never throws. `receivedAt` (ISO-8601) stands in for the publish
   * time of an event that has none (legacy messages), so such events can be dated.
   */
  apply(event: Event, receivedAt?: string): Reduction {
    const verdict = this.seq.observe(event.meta);
    if (verdict.duplicate) {
      this.totals.duplicates++;
      return DUPLICATE;
    }
    this.totals.applied++;
    this.totals.lost += verdict.lost;
    const dated = receivedAt !== undefined && event.meta.ts === null ? { ...event, meta: { ...event.meta, ts: receivedAt } } : event;
    // Stryker disable next-line ConditionalExpression,BooleanLiteral: outside a draft scope maps are copied instead of updated in place: the same states, more allocation
    const touched = this.options.inPlace === true ? inDraftScope(this.drafts, () => this.reduce(dated)) : this.reduce(dated);
    return { outcome: 'applied', lost: verdict.lost, touched };
  }

  /** The current JSON state of a channel: never changed afterwards. */
  state<C extends AgentChannel>(channel: C): States[C] {
    // Stryker disable next-line ConditionalExpression: without inPlace no map is ever drafted, so a new scope changes nothing
    if (this.options.inPlace === true) this.drafts = new WeakSet();
    return this.states[channel];
  }

  private reduce(event: Event): AgentChannel[] {
    const { states } = this;
    const touched: AgentChannel[] = [];
    for (const r of BY_TAG.get(event.type) ?? []) {
      const edits = editCount();
      this.hold(r.channel, r.evolve(states[r.channel], event), edits, touched);
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the summary derived from unchanged sources is the same object (it is cached)
    if (touched.length > 0) {
      const sources = {
        agents: states['agent.updates'],
        trades: states['trade.results'],
        risk: states['risk.state'],
        strategies: states['strategy.performance'],
      };
      const edits = editCount();
      this.hold('portfolio.summary', portfolioSummary.evolve(states['portfolio.summary'], sources, event), edits, touched);
    }
    return touched;
  }

  /** Holds what a reducer returned; `edits` is `editCount()` from before it ran (a change made in place keeps the state's identity). */
  private hold(channel: AgentChannel, after: unknown, edits: number, touched: AgentChannel[]): void {
    const before = this.states[channel];
    if ((after === before && editCount() === edits) || (this.options.inPlace !== true && this.options.accept?.(channel, before, after) === false)) return;
    (this.states as Record<AgentChannel, unknown>)[channel] = after;
    touched.push(channel);
  }
}
