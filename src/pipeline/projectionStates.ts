import type { AgentChannel, Event, EventTag } from '../events';
// From the defining modules, not the `../projections` index: its re-exports are getters, read on every event.
import { agentUpdates, type AgentUpdatesState } from '../projections/agentUpdates';
import { editCount, inDraftScope, type Mutable } from '../projections/keys';
import { portfolioSummary, type PortfolioSources, type PortfolioSummaryState } from '../projections/portfolioSummary';
import type { EventsOf, Projection } from '../projections/projection';
import { riskState, type RiskState } from '../projections/riskState';
import { strategyPerformance, type StrategyPerformanceState } from '../projections/strategyPerformance';
import { tradeResults, type TradeResultsState } from '../projections/tradeResults';
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
  /** The channel's position in `CHANNEL_ORDER`, and so in a `ProjectionStates`'s values. */
  readonly index: number;
  /** The channel's bit in a set of touched channels (see `TOUCHED`). */
  readonly bit: number;
  readonly evolve: (state: unknown, event: Event) => unknown;
}

/** The channels in the order `touched` lists them: the event-fed ones, then the summary derived from them. */
const CHANNEL_ORDER = ['agent.updates', 'trade.results', 'risk.state', 'strategy.performance', 'portfolio.summary'] as const satisfies readonly AgentChannel[];
/** Positions in `CHANNEL_ORDER`, for the summary's sources. */
const AGENTS = CHANNEL_ORDER.indexOf('agent.updates');
const TRADES = CHANNEL_ORDER.indexOf('trade.results');
const RISK = CHANNEL_ORDER.indexOf('risk.state');
const STRATEGIES = CHANNEL_ORDER.indexOf('strategy.performance');
const SUMMARY = CHANNEL_ORDER.indexOf('portfolio.summary');
const SUMMARY_BIT = 1 << SUMMARY;
/** Each channel's position in `CHANNEL_ORDER`. */
const INDEX: ReadonlyMap<string, number> = new Map(CHANNEL_ORDER.map((channel, i) => [channel, i]));

/** Every set of touched channels, by its bits: shared and frozen, so reducing an event allocates no list. */
const TOUCHED: readonly (readonly AgentChannel[])[] = Array.from({ length: 1 << CHANNEL_ORDER.length }, (_, bits) =>
  Object.freeze(CHANNEL_ORDER.filter((_, i) => (bits & (1 << i)) !== 0)),
);

/** Erases a projection's types once, here, so the dispatch table can hold them all. */
function reducer<S, K extends EventTag>(channel: EventFed, p: Projection<S, K>): Reducer & { readonly handles: readonly EventTag[] } {
  const index = CHANNEL_ORDER.indexOf(channel);
  return { channel, index, bit: 1 << index, handles: p.handles, evolve: (state, event) => p.evolve(state as S, event as EventsOf<K>) };
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

const DUPLICATE: Reduction = { outcome: 'duplicate', lost: 0, touched: TOUCHED[0] as readonly AgentChannel[] };

/** The reduction of an applied event that found no gap, by the bits of the channels it touched: shared, so nearly every event allocates none. */
const APPLIED: readonly Reduction[] = TOUCHED.map((touched) => Object.freeze({ outcome: 'applied', lost: 0, touched }));
const NO_REDUCERS: readonly Reducer[] = [];

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
  /** The states at the start, initial or a checkpoint's: the channels `saved` lists, in its order. */
  private readonly loaded: States;
  /** The current states, in `CHANNEL_ORDER`: reducers read and replace them by position, for every event, which is cheaper than by name. */
  private readonly values: unknown[];
  private readonly seq: SeqTracker;
  private readonly totals: { applied: number; duplicates: number; lost: number };
  private drafts = new WeakSet<object>();
  /** What the summary is derived from, refreshed before each derivation (one object for every event; nothing keeps it). */
  private readonly sources: Mutable<PortfolioSources>;

  /** The initial states, or those of a checkpoint (see `saved`). */
  constructor(
    private readonly options: ProjectionStatesOptions = {},
    from?: SavedStates,
  ) {
    const states = from === undefined ? initialStates() : { ...from.states };
    this.loaded = states;
    this.values = CHANNEL_ORDER.map((channel) => states[channel]);
    this.seq = from === undefined ? new SeqTracker() : SeqTracker.from(from.seq);
    this.totals = from === undefined ? { applied: 0, duplicates: 0, lost: 0 } : { ...from.counters };
    // Stryker disable next-line ObjectLiteral,StringLiteral: `reduce` sets every field before each use
    this.sources = { agents: states['agent.updates'], trades: states['trade.results'], risk: states['risk.state'], strategies: states['strategy.performance'] };
  }

  /** Everything needed to continue from here later: states, seq trackers, counters (plain JSON). */
  saved(): SavedStates {
    const states = {} as Record<AgentChannel, unknown>;
    for (const channel of Object.keys(this.loaded) as AgentChannel[]) states[channel] = this.state(channel);
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
    const bits = this.options.inPlace === true ? inDraftScope(this.drafts, this.reduceEvent, dated) : this.reduce(dated);
    if (verdict.lost === 0) return APPLIED[bits] as Reduction;
    return { outcome: 'applied', lost: verdict.lost, touched: TOUCHED[bits] as readonly AgentChannel[] };
  }

  /** The current JSON state of a channel: never changed afterwards. */
  state<C extends AgentChannel>(channel: C): States[C] {
    // Stryker disable next-line ConditionalExpression: without inPlace no map is ever drafted, so a new scope changes nothing
    if (this.options.inPlace === true) this.drafts = new WeakSet();
    const index = INDEX.get(channel);
    // A key a checkpoint held besides the channels (none do) stays as it was loaded.
    return (index === undefined ? this.loaded[channel] : this.values[index]) as States[C];
  }

  /** `reduce`, bound once: a draft scope runs it without a closure made per event. */
  private readonly reduceEvent = (event: Event): number => this.reduce(event);

  /**
   * Reduces an event into every projection that handles it, then the summary; returns the bits of the
   * channels it touched. `edits` is `editCount()` before the next reducer runs: the count after one
   * reducer is the count before the next, so it is read once per reducer.
   */
  private reduce(event: Event): number {
    const { values } = this;
    let bits = 0;
    let edits = editCount();
    for (const r of BY_TAG.get(event.type) ?? NO_REDUCERS) {
      const before = values[r.index];
      const after = r.evolve(before, event);
      const now = editCount();
      if (this.holds(r.channel, before, after, now !== edits)) {
        values[r.index] = after;
        bits |= r.bit;
      }
      edits = now;
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the summary derived from unchanged sources is the same object (it is cached)
    if (bits !== 0) {
      const sources = this.sources;
      sources.agents = values[AGENTS] as AgentUpdatesState;
      sources.trades = values[TRADES] as TradeResultsState;
      sources.risk = values[RISK] as RiskState;
      sources.strategies = values[STRATEGIES] as StrategyPerformanceState;
      const before = values[SUMMARY] as PortfolioSummaryState;
      const after = portfolioSummary.evolve(before, sources, event);
      if (this.holds('portfolio.summary', before, after, editCount() !== edits)) {
        values[SUMMARY] = after;
        bits |= SUMMARY_BIT;
      }
    }
    return bits;
  }

  /** Whether to hold what a reducer returned: whether it changed the state, as a new object or in place (`edited`: a change made in place keeps the state's identity). */
  private holds(channel: AgentChannel, before: unknown, after: unknown, edited: boolean): boolean {
    // Stryker disable next-line ConditionalExpression,BooleanLiteral: with inPlace there is no accept to ask (the options' type forbids both)
    return !((after === before && !edited) || (this.options.inPlace !== true && this.options.accept?.(channel, before, after) === false));
  }
}
