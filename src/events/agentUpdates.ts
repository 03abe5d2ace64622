import * as t from 'io-ts';
import { Decimal, Fraction } from './decimal';
import { AgentStatus, Count, NonEmptyString, safeRecord } from './primitives';

/** One strategy's figures in the allocator's snapshot. */
export const StrategyFigures = t.intersection([
  t.type({
    total_pnl: Decimal,
    trades: Count,
    wins: Count,
    losses: Count,
    allocation_pct: Fraction,
  }),
  t.partial({ largest_win: Decimal, largest_loss: Decimal }),
]);
export type StrategyFigures = t.TypeOf<typeof StrategyFigures>;

/** `state_update` on agent.updates: the capital allocator's authoritative snapshot. */
export const AllocatorSnapshot = t.type({
  total_capital: Decimal,
  strategies: safeRecord(NonEmptyString, StrategyFigures, 'strategies map'),
});
export type AllocatorSnapshot = t.TypeOf<typeof AllocatorSnapshot>;

/** `agent.heartbeat`: an agent says it is alive and how busy it is. */
export const AgentHeartbeat = t.intersection([
  t.type({
    role: NonEmptyString,
    status: AgentStatus,
    processed: Count,
    interval_ms: Count,
  }),
  t.partial({ detail: t.string }),
]);
export type AgentHeartbeat = t.TypeOf<typeof AgentHeartbeat>;

/** `allocation.updated`: the allocator moved a strategy's share of capital. */
export const AllocationUpdated = t.type({
  strategy: NonEmptyString,
  allocation_pct: Fraction,
  total_capital: Decimal,
});
export type AllocationUpdated = t.TypeOf<typeof AllocationUpdated>;
