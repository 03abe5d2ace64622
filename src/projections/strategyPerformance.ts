import { absurd } from 'fp-ts/function';
import type { OpportunityType } from '../events';
import { MAX_STRATEGIES } from './agentUpdates';
import { asDraft, edit, isDraft, own, safeKey, sameFields, setKey, size, type Mutable } from './keys';
import { add, countRatio, max, min, plain, type Money } from './money';
import type { EventsOf, Projection } from './projection';

/** One strategy's results and its traffic through the risk guardian. */
export interface StrategyEntry {
  /** Realised P&L of its settled trades. */
  readonly pnl: Money;
  /** Settled trades (wins + losses, unless an allocator snapshot says otherwise). */
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  /** `wins / (wins + losses)`, rounded to 6 places; `null` before any settles. */
  readonly win_rate: Money | null;
  /** Best winning P&L; `null` before any win. */
  readonly largest_win: Money | null;
  /** Worst losing P&L (negative); `null` before any loss. */
  readonly largest_loss: Money | null;
  readonly allocation_pct: Money | null;
  readonly requests: number;
  readonly approvals: number;
  readonly rejections: number;
}

/** State of the `strategy.performance` projection. */
export interface StrategyPerformanceState {
  /** Opportunities the scanner reported: every strategy sees the whole stream, so one figure. */
  readonly opportunities_seen: number;
  readonly opportunities_by_type: Readonly<Record<OpportunityType, number>>;
  readonly strategies: Readonly<Record<string, StrategyEntry>>;
}

type Handled =
  | 'opportunity.detected'
  | 'trade.requested'
  | 'risk.decided'
  | 'trade.settled'
  | 'allocator.snapshot'
  | 'allocation.updated';

const EMPTY: StrategyEntry = {
  pnl: '0',
  trades: 0,
  wins: 0,
  losses: 0,
  win_rate: null,
  largest_win: null,
  largest_loss: null,
  allocation_pct: null,
  requests: 0,
  approvals: 0,
  rejections: 0,
};

/** Per-strategy P&L, win rate, allocation, and requests through the guardian. */
export const strategyPerformance: Projection<StrategyPerformanceState, Handled> = {
  channel: 'strategy.performance',
  initial: {
    opportunities_seen: 0,
    opportunities_by_type: { oracle_lag: 0, cross_platform: 0, temporal: 0, mispricing: 0 },
    strategies: {},
  },
  handles: ['opportunity.detected', 'trade.requested', 'risk.decided', 'trade.settled', 'allocator.snapshot', 'allocation.updated'],
  evolve(state, event) {
    switch (event.type) {
      case 'opportunity.detected': {
        const type = event.data.opportunity_type;
        const byType = edit(state.opportunities_by_type);
        byType[type] += 1;
        const next = edit(state);
        next.opportunities_seen = state.opportunities_seen + 1;
        next.opportunities_by_type = byType;
        return next;
      }
      case 'trade.requested':
        return count(state, event.data.strategy, 'requests');
      case 'risk.decided':
        return count(state, event.data.strategy, event.data.approved ? 'approvals' : 'rejections');
      case 'trade.settled':
        return update(state, event.data.strategy, (s) => settle(s, event));
      case 'allocator.snapshot':
        return onSnapshot(state, event);
      case 'allocation.updated': {
        const allocation_pct = plain(event.data.allocation_pct);
        return update(state, event.data.strategy, (s) => {
          if (s.allocation_pct === allocation_pct) return s;
          const next = copyOf(s);
          next.allocation_pct = allocation_pct;
          return next;
        });
      }
      default:
        return absurd(event);
    }
  },
};

/** Applies `change` to one strategy (created on first sight, while there is room); the state itself changes in place within a draft scope (`edit`). */
function update(
  state: StrategyPerformanceState,
  name: string,
  change: (s: StrategyEntry) => StrategyEntry,
): StrategyPerformanceState {
  const key = safeKey(name);
  const held = own(state.strategies, key);
  if (held === undefined && size(state.strategies) >= MAX_STRATEGIES) return state;
  const entry = change(held ?? EMPTY);
  if (entry === held) return state;
  const next = edit(state);
  // Copied, never changed in place: the summary's totals know an unchanged strategy map by its identity.
  next.strategies = setKey(state.strategies, key, entry);
  return next;
}

/**
 * One more request, approval or rejection for a strategy. An entry made in the current draft scope
 * (`copyOf`) is counted in place and the map stays as it is: these counts are not among the figures
 * the summary totals (P&L, wins, losses), which know an unchanged map by its identity. Any other
 * entry is copied into a new map (`update`); entries whose totals change always are (`settle`).
 */
function count(state: StrategyPerformanceState, name: string, field: 'requests' | 'approvals' | 'rejections'): StrategyPerformanceState {
  const held = own(state.strategies, safeKey(name));
  if (held === undefined || !isDraft(held)) return update(state, name, (s) => counted(s, field));
  const entry = edit(held);
  entry[field] = held[field] + 1;
  return state;
}

/**
 * A copy of `s` to change before anyone sees it, made in the current draft scope (`asDraft`): every
 * field written out, in `EMPTY`'s order (the order every entry has), which V8 builds several times
 * faster than a spread of the entry.
 */
function copyOf(s: StrategyEntry): Mutable<StrategyEntry> {
  return asDraft({
    pnl: s.pnl,
    trades: s.trades,
    wins: s.wins,
    losses: s.losses,
    win_rate: s.win_rate,
    largest_win: s.largest_win,
    largest_loss: s.largest_loss,
    allocation_pct: s.allocation_pct,
    requests: s.requests,
    approvals: s.approvals,
    rejections: s.rejections,
  });
}

/** `s` with one more request, approval or rejection. */
function counted(s: StrategyEntry, count: 'requests' | 'approvals' | 'rejections'): StrategyEntry {
  const next = copyOf(s);
  next[count] = s[count] + 1;
  return next;
}

function settle(s: StrategyEntry, event: EventsOf<'trade.settled'>): StrategyEntry {
  const { won } = event.data;
  const pnl = plain(event.data.pnl);
  const next = copyOf(s);
  next.pnl = add(s.pnl, event.data.pnl);
  next.trades = s.trades + 1;
  next.wins = s.wins + (won ? 1 : 0);
  next.losses = s.losses + (won ? 0 : 1);
  next.win_rate = countRatio(next.wins, next.wins + next.losses);
  if (won) next.largest_win = max(s.largest_win ?? pnl, pnl);
  else next.largest_loss = min(s.largest_loss ?? pnl, pnl);
  return next;
}

/** Authoritative for the strategies it lists and the figures it carries; guardian counts are kept. */
function onSnapshot(state: StrategyPerformanceState, event: EventsOf<'allocator.snapshot'>): StrategyPerformanceState {
  let next = state;
  for (const [name, f] of Object.entries(event.data.strategies)) {
    if (f === undefined) continue;
    next = update(next, name, (s) => {
      const entry: StrategyEntry = {
        ...s,
        pnl: plain(f.total_pnl),
        trades: f.trades,
        wins: f.wins,
        losses: f.losses,
        win_rate: countRatio(f.wins, f.wins + f.losses),
        largest_win: f.largest_win === undefined ? s.largest_win : plain(f.largest_win),
        largest_loss: f.largest_loss === undefined ? s.largest_loss : plain(f.largest_loss),
        allocation_pct: plain(f.allocation_pct),
      };
      return sameFields(s, entry) ? s : entry;
    });
  }
  return next;
}
