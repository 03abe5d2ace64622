import { AGENT_CHANNELS, type AgentChannel, type Event, type EventTag } from '../events';
import {
  agentUpdates,
  lastCurveSplice,
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
import { diff, differs, type Operation } from './jsonPatch';
import { SeqTracker } from './seqTracker';
import { countingVersions, type VersionSource } from './versions';

/** The channels the projector keeps a projection for. */
export type ProjectionChannel = AgentChannel;

/** One projection's change: its new version and the ops from the previous state (none when the projector was made with `ops: false`). */
export interface Change {
  readonly channel: AgentChannel;
  readonly version: number;
  readonly ops: readonly Operation[];
}

/** What applying one event did. */
export interface ApplyResult {
  readonly outcome: 'applied' | 'duplicate';
  /** Events detected missing from this event's seq gap (0 if none). */
  readonly lost: number;
  /** One per projection whose state actually changed (version bumped). */
  readonly changes: readonly Change[];
}

/** Running totals since the projector was made. */
export interface ProjectorCounters {
  readonly applied: number;
  readonly duplicates: number;
  readonly lost: number;
}

interface States {
  'agent.updates': AgentUpdatesState;
  'trade.results': TradeResultsState;
  'risk.state': RiskState;
  'strategy.performance': StrategyPerformanceState;
  'portfolio.summary': PortfolioSummaryState;
}

type EventFed = Exclude<AgentChannel, 'portfolio.summary'>;

interface Reducer {
  readonly channel: EventFed;
  readonly evolve: (state: unknown, event: Event) => unknown;
}

/** Erases a projection's types once, here, so the dispatch table can hold them all. */
function reducer<S, K extends EventTag>(channel: EventFed, p: Projection<S, K>): Reducer {
  return { channel, evolve: (state, event) => p.evolve(state as S, event as EventsOf<K>) };
}

const REDUCERS: readonly (Reducer & { readonly handles: readonly EventTag[] })[] = [
  { ...reducer('agent.updates', agentUpdates), handles: agentUpdates.handles },
  { ...reducer('trade.results', tradeResults), handles: tradeResults.handles },
  { ...reducer('risk.state', riskState), handles: riskState.handles },
  { ...reducer('strategy.performance', strategyPerformance), handles: strategyPerformance.handles },
];

/** For each event tag, the projections that handle it (in channel order). */
const BY_TAG: ReadonlyMap<EventTag, readonly Reducer[]> = (() => {
  const map = new Map<EventTag, Reducer[]>();
  for (const r of REDUCERS) for (const tag of r.handles) map.set(tag, [...(map.get(tag) ?? []), r]);
  return map;
})();

const DUPLICATE: ApplyResult = { outcome: 'duplicate', lost: 0, changes: [] };

/**
 * Applies events to every projection they concern; bumps a version only when that state
 * changed, and reports the JSON Patch ops of each change. Pure in memory: no I/O, no clock.
 */
export class Projector {
  private readonly states: States = {
    'agent.updates': agentUpdates.initial,
    'trade.results': tradeResults.initial,
    'risk.state': riskState.initial,
    'strategy.performance': strategyPerformance.initial,
    'portfolio.summary': portfolioSummary.initial,
  };
  private readonly versions: Record<AgentChannel, number> = Object.fromEntries(
    AGENT_CHANNELS.map((c) => [c, 0]),
  ) as Record<AgentChannel, number>;
  private readonly seq = new SeqTracker();
  private readonly totals = { applied: 0, duplicates: 0, lost: 0 };

  /** All five projections at version 0; `versionSource` is where new versions come from. */
  /**
   * `options.ops: false` reports changes without their ops (`ops: []`): for a consumer that
   * diffs published states itself (the server does, once per flush tick) and only needs to
   * know which states changed.
   */
  constructor(
    private readonly versionSource: VersionSource = countingVersions,
    private readonly options: { readonly ops: boolean } = { ops: true },
  ) {}

  /** Running totals: events applied, duplicates skipped, events detected lost. */
  get counters(): ProjectorCounters {
    return this.totals;
  }

  /**
   * Applies one decoded event; never throws. `receivedAt` (ISO-8601) stands in for the
   * publish time of an event that has none (legacy messages), so such events can be dated.
   */
  apply(event: Event, receivedAt?: string): ApplyResult {
    const verdict = this.seq.observe(event.meta);
    if (verdict.duplicate) {
      this.totals.duplicates++;
      return DUPLICATE;
    }
    this.totals.applied++;
    this.totals.lost += verdict.lost;
    const dated = receivedAt !== undefined && event.meta.ts === null ? { ...event, meta: { ...event.meta, ts: receivedAt } } : event;
    const changes: Change[] = [];
    for (const r of BY_TAG.get(dated.type) ?? []) {
      this.commit(r.channel, r.evolve(this.states[r.channel], dated), changes);
    }
    if (changes.length > 0) {
      const { states } = this;
      const sources = {
        agents: states['agent.updates'],
        trades: states['trade.results'],
        risk: states['risk.state'],
        strategies: states['strategy.performance'],
      };
      this.commit('portfolio.summary', portfolioSummary.evolve(states['portfolio.summary'], sources, dated), changes);
    }
    return { outcome: 'applied', lost: verdict.lost, changes };
  }

  /** The current immutable JSON state of a channel (never mutated afterwards). */
  state<C extends AgentChannel>(channel: C): States[C] {
    return this.states[channel];
  }

  /** The current version of a channel: 0 until its state first changes. */
  version(channel: AgentChannel): number {
    return this.versions[channel];
  }

  /** Keeps `after` and bumps the version only when it differs from the state held. */
  private commit(channel: AgentChannel, after: unknown, changes: Change[]): void {
    const before = this.states[channel];
    if (after === before) return;
    // The summary's equity curve (up to 500 points) changes by a splice its projection records.
    let ops: Operation[] = [];
    if (this.options.ops) ops = diff(before, after, channel === 'portfolio.summary' ? lastCurveSplice() : undefined);
    // Equal content: keep the old reference, no version consumed.
    if (this.options.ops ? ops.length === 0 : !differs(before, after)) return;
    (this.states as Record<AgentChannel, unknown>)[channel] = after;
    const version = this.versionSource.next(channel, this.versions[channel]);
    this.versions[channel] = version;
    changes.push({ channel, version, ops });
  }
}
