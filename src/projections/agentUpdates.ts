import { absurd } from 'fp-ts/function';
import type { AgentStatus, StrategyFigures } from '../events';
import { draftDelete, draftSet, edit, own, safeKey, sameRecord, setKey, size } from './keys';
import { plain, type Money } from './money';
import type { EventsOf, Projection } from './projection';

/** At most this many agents are held; the one silent longest makes room. */
export const MAX_AGENTS = 64;
/** At most this many strategies are held per map; later ones are ignored. */
export const MAX_STRATEGIES = 64;

/** One agent as its last heartbeat described it. */
export interface AgentEntry {
  readonly role: string;
  readonly status: AgentStatus;
  /** Publish time of the last heartbeat (ISO-8601), `null` when unknown. */
  readonly last_heartbeat: string | null;
  readonly interval_ms: number;
  readonly processed: number;
  readonly detail: string | null;
}

/** One strategy in the allocator's view. */
export interface AllocatorStrategy {
  readonly allocation_pct: Money;
  readonly total_pnl: Money;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly largest_win: Money | null;
  readonly largest_loss: Money | null;
}

/** The capital allocator's figures. */
export interface AllocatorView {
  readonly total_capital: Money | null;
  readonly strategies: Readonly<Record<string, AllocatorStrategy>>;
}

/** State of the `agent.updates` projection. */
export interface AgentUpdatesState {
  readonly agents: Readonly<Record<string, AgentEntry>>;
  readonly allocator: AllocatorView;
}

type Handled = 'agent.heartbeat' | 'allocator.snapshot' | 'allocation.updated';

const EMPTY_STRATEGY: AllocatorStrategy = {
  allocation_pct: '0',
  total_pnl: '0',
  trades: 0,
  wins: 0,
  losses: 0,
  largest_win: null,
  largest_loss: null,
};

/** Agents' liveness and the allocator's capital, per strategy. */
export const agentUpdates: Projection<AgentUpdatesState, Handled> = {
  channel: 'agent.updates',
  initial: { agents: {}, allocator: { total_capital: null, strategies: {} } },
  handles: ['agent.heartbeat', 'allocator.snapshot', 'allocation.updated'],
  evolve(state, event) {
    switch (event.type) {
      case 'agent.heartbeat':
        return onHeartbeat(state, event);
      case 'allocator.snapshot':
        return onSnapshot(state, event);
      case 'allocation.updated':
        return onAllocation(state, event);
      // Stryker disable next-line ConditionalExpression: unreachable, every event type the projection handles has its case (absurd)
      default:
        return absurd(event);
    }
  },
};

function onHeartbeat(state: AgentUpdatesState, event: EventsOf<'agent.heartbeat'>): AgentUpdatesState {
  const key = safeKey(event.meta.agent);
  const { role, status, interval_ms, processed, detail } = event.data;
  const entry: AgentEntry = { role, status, last_heartbeat: event.meta.ts, interval_ms, processed, detail: detail ?? null };
  const held = own(state.agents, key);
  if (held !== undefined && sameAgent(held, entry)) return state;
  // A heartbeat a second per agent: within a draft scope the state and its agent map change in place.
  let agents = state.agents;
  if (held === undefined && size(agents) >= MAX_AGENTS) agents = draftDelete(agents, longestSilent(agents));
  const next = edit(state);
  next.agents = draftSet(agents, key, entry);
  return next;
}

function sameAgent(a: AgentEntry, b: AgentEntry): boolean {
  return (
    a.role === b.role &&
    a.status === b.status &&
    a.last_heartbeat === b.last_heartbeat &&
    a.interval_ms === b.interval_ms &&
    a.processed === b.processed &&
    a.detail === b.detail
  );
}

/**
 * The agent whose last heartbeat is oldest (unknown times first; ties: first key). The times are
 * codec-checked timestamps, never NaN, so the first entry always replaces the starting point.
 */
function longestSilent(agents: Readonly<Record<string, AgentEntry>>): string {
  // Stryker disable next-line StringLiteral: never returned, the first entry replaces it (every time is below Infinity)
  let oldest = '';
  let oldestMs = Infinity;
  for (const [key, entry] of Object.entries(agents)) {
    const ms = entry.last_heartbeat === null ? -Infinity : Date.parse(entry.last_heartbeat);
    if (ms < oldestMs) {
      oldest = key;
      oldestMs = ms;
    }
  }
  return oldest;
}

/** The snapshot is authoritative: it replaces total capital and the whole strategy map. */
function onSnapshot(state: AgentUpdatesState, event: EventsOf<'allocator.snapshot'>): AgentUpdatesState {
  const held = state.allocator.strategies;
  const strategies: Record<string, AllocatorStrategy> = {};
  let count = 0;
  for (const [name, figures] of Object.entries(event.data.strategies)) {
    if (figures === undefined) continue;
    if (count++ >= MAX_STRATEGIES) break;
    const next = fromFigures(figures);
    const previous = own(held, name);
    strategies[name] = previous !== undefined && sameStrategy(previous, next) ? previous : next;
  }
  const total_capital = plain(event.data.total_capital);
  // A snapshot that changes nothing leaves the state as it was (the channel's version stays).
  if (total_capital === state.allocator.total_capital && sameRecord(held, strategies)) return state;
  return { ...state, allocator: { total_capital, strategies } };
}

function fromFigures(f: StrategyFigures): AllocatorStrategy {
  return {
    allocation_pct: plain(f.allocation_pct),
    total_pnl: plain(f.total_pnl),
    trades: f.trades,
    wins: f.wins,
    losses: f.losses,
    largest_win: f.largest_win === undefined ? null : plain(f.largest_win),
    largest_loss: f.largest_loss === undefined ? null : plain(f.largest_loss),
  };
}

function sameStrategy(a: AllocatorStrategy, b: AllocatorStrategy): boolean {
  return (
    a.allocation_pct === b.allocation_pct &&
    a.total_pnl === b.total_pnl &&
    a.trades === b.trades &&
    a.wins === b.wins &&
    a.losses === b.losses &&
    a.largest_win === b.largest_win &&
    a.largest_loss === b.largest_loss
  );
}

function onAllocation(state: AgentUpdatesState, event: EventsOf<'allocation.updated'>): AgentUpdatesState {
  const key = safeKey(event.data.strategy);
  const allocation_pct = plain(event.data.allocation_pct);
  const total_capital = plain(event.data.total_capital);
  const { strategies } = state.allocator;
  const held = own(strategies, key);
  let nextStrategies = strategies;
  if (held !== undefined) {
    if (held.allocation_pct !== allocation_pct) nextStrategies = setKey(strategies, key, withAllocation(held, allocation_pct));
  } else if (size(strategies) < MAX_STRATEGIES) {
    nextStrategies = setKey(strategies, key, withAllocation(EMPTY_STRATEGY, allocation_pct));
  }
  if (nextStrategies === strategies && total_capital === state.allocator.total_capital) return state;
  return { agents: state.agents, allocator: { total_capital, strategies: nextStrategies } };
}

/** `s` with another allocation: every field written out, in the order every entry has, which V8 builds faster than a spread. */
function withAllocation(s: AllocatorStrategy, allocation_pct: Money): AllocatorStrategy {
  return {
    allocation_pct,
    total_pnl: s.total_pnl,
    trades: s.trades,
    wins: s.wins,
    losses: s.losses,
    largest_win: s.largest_win,
    largest_loss: s.largest_loss,
  };
}
