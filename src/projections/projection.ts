import type { AgentChannel, Event, EventTag } from '../events';

/** The events of the given tags. */
export type EventsOf<K extends EventTag> = Extract<Event, { readonly type: K }>;

/**
 * A projection: a JSON state reduced from the events it handles, published on `channel`.
 * `evolve` is pure and returns `state` itself (`===`) when the event changes nothing it shows.
 */
export interface Projection<S, K extends EventTag> {
  readonly channel: AgentChannel;
  readonly initial: S;
  /** The event tags `evolve` accepts; the projector never calls it with any other. */
  readonly handles: readonly K[];
  readonly evolve: (state: S, event: EventsOf<K>) => S;
}
