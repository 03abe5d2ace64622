import * as t from 'io-ts';
import type { AgentChannel } from './channels';
import { AgentHeartbeat, AllocationUpdated, AllocatorSnapshot } from './agentUpdates';
import { GuardianSnapshot, RiskDecided, RiskHalted } from './riskState';
import { OpportunityDetected, TradeRequested } from './strategyPerformance';
import { ExecutorSnapshot, TradeExecuted, TradeSettled } from './tradeResults';

/** Where an event came from: the envelope's fields, `null` where a legacy envelope has none. */
export interface EventMeta {
  /** Publisher name, e.g. `paper-executor`. */
  readonly agent: string;
  /** Unique event id `<agent>:<run>:<seq>`; `null` for legacy messages. */
  readonly id: string | null;
  /** The agent run this event belongs to; `null` for legacy messages. */
  readonly run: string | null;
  /** Per-(agent, run) counter; `null` for legacy messages. */
  readonly seq: number | null;
  /** Wall-clock publish time (ISO-8601); `null` for legacy messages. */
  readonly ts: string | null;
  /** The publisher's simulated market time (envelope `as_of`), when it says one. */
  readonly asOf?: string;
}

/**
 * The catalog: one row per internal event tag, with the channel it travels on,
 * the `type` it has on the wire, and its payload codec. `state_update` means three
 * different things on three channels, hence three tags.
 */
export const CATALOG = {
  'allocator.snapshot': { channel: 'agent.updates', wireType: 'state_update', codec: AllocatorSnapshot },
  'agent.heartbeat': { channel: 'agent.updates', wireType: 'agent.heartbeat', codec: AgentHeartbeat },
  'allocation.updated': { channel: 'agent.updates', wireType: 'allocation.updated', codec: AllocationUpdated },
  'opportunity.detected': {
    channel: 'strategy.performance',
    wireType: 'opportunity.detected',
    codec: OpportunityDetected,
  },
  'trade.requested': { channel: 'strategy.performance', wireType: 'trade.requested', codec: TradeRequested },
  'risk.decided': { channel: 'risk.state', wireType: 'risk.decided', codec: RiskDecided },
  'risk.halted': { channel: 'risk.state', wireType: 'risk.halted', codec: RiskHalted },
  'guardian.snapshot': { channel: 'risk.state', wireType: 'state_update', codec: GuardianSnapshot },
  'trade.executed': { channel: 'trade.results', wireType: 'trade.executed', codec: TradeExecuted },
  'trade.settled': { channel: 'trade.results', wireType: 'trade.settled', codec: TradeSettled },
  'executor.snapshot': { channel: 'trade.results', wireType: 'state_update', codec: ExecutorSnapshot },
} as const satisfies Record<string, { channel: AgentChannel; wireType: string; codec: t.Mixed }>;

type Catalog = typeof CATALOG;

/** An internal event tag, unique across channels. */
export type EventTag = keyof Catalog;

/** A decoded event of one tag. */
export interface EventOf<K extends EventTag> {
  readonly type: K;
  readonly channel: Catalog[K]['channel'];
  readonly meta: EventMeta;
  readonly data: t.TypeOf<Catalog[K]['codec']>;
}

/** Any decoded event: a union discriminated by `type`. */
export type Event = { [K in EventTag]: EventOf<K> }[EventTag];

export type AllocatorSnapshotEvent = EventOf<'allocator.snapshot'>;
export type AgentHeartbeatEvent = EventOf<'agent.heartbeat'>;
export type AllocationUpdatedEvent = EventOf<'allocation.updated'>;
export type OpportunityDetectedEvent = EventOf<'opportunity.detected'>;
export type TradeRequestedEvent = EventOf<'trade.requested'>;
export type RiskDecidedEvent = EventOf<'risk.decided'>;
export type RiskHaltedEvent = EventOf<'risk.halted'>;
export type GuardianSnapshotEvent = EventOf<'guardian.snapshot'>;
export type TradeExecutedEvent = EventOf<'trade.executed'>;
export type TradeSettledEvent = EventOf<'trade.settled'>;
export type ExecutorSnapshotEvent = EventOf<'executor.snapshot'>;

/** The tag for a (channel, wire type) pair, or `undefined` when the catalog has none. */
export function tagFor(channel: string, wireType: string): EventTag | undefined {
  return TAGS_BY_CHANNEL.get(channel)?.get(wireType);
}

const TAGS_BY_CHANNEL: ReadonlyMap<string, ReadonlyMap<string, EventTag>> = (() => {
  const byChannel = new Map<string, Map<string, EventTag>>();
  for (const tag of Object.keys(CATALOG) as EventTag[]) {
    const { channel, wireType } = CATALOG[tag];
    const row = byChannel.get(channel) ?? new Map<string, EventTag>();
    row.set(wireType, tag);
    byChannel.set(channel, row);
  }
  return byChannel;
})();
