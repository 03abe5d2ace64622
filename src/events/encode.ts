import { CATALOG, type Event, type EventTag } from './event';

/** Fields an agent supplies to publish one v1 event. */
export interface OutgoingEvent<K extends EventTag = EventTag> {
  readonly type: K;
  readonly agent: string;
  readonly run: string;
  readonly seq: number;
  readonly ts: string;
  /** Simulated market time, ISO-8601 (envelope `as_of`), for publishers that simulate one. */
  readonly asOf?: string;
  readonly data: Event['data'];
}

/** The wire form (envelope v1) of an event, as a JSON string ready to publish. */
export function encodeEvent(event: OutgoingEvent): string {
  return JSON.stringify({
    v: 1,
    id: `${event.agent}:${event.run}:${event.seq}`,
    agent: event.agent,
    seq: event.seq,
    ts: event.ts,
    type: CATALOG[event.type].wireType,
    ...(event.asOf === undefined ? {} : { as_of: event.asOf }),
    data: event.data,
  });
}

/** The channel an event of this tag is published on. */
export function channelOf(tag: EventTag): (typeof CATALOG)[EventTag]['channel'] {
  return CATALOG[tag].channel;
}
