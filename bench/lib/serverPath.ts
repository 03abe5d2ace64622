import type * as Events from '../../src/events';
import type * as Pipeline from '../../src/pipeline';

/** What the server path needs from a checkout: its decoder, states and diff (this one's, or another's for a comparison). */
export interface ServerPathModules {
  readonly decodeEvent: typeof Events.decodeEvent;
  readonly AGENT_CHANNELS: typeof Events.AGENT_CHANNELS;
  readonly ProjectionStates: typeof Pipeline.ProjectionStates;
  readonly diff: typeof Pipeline.diff;
}

/** An encoded event as it arrives: its channel and bytes. */
export interface Message {
  readonly channel: string;
  readonly raw: Buffer;
}

/** Events per flush tick in `serverPath`: 25 ms (the default tick) at 40,000 events/s. */
export const TICK_EVENTS = 1_000;

/**
 * The server's work on `messages`: decode, reduce in place (no per-event versions or ops), and once per
 * tick one diff per touched channel from the state published at the previous tick. Returns the ops the
 * diffs made (never 0 for a realistic stream: a pass that diffed nothing measured nothing).
 */
export function serverPath(m: ServerPathModules, messages: readonly Message[]): number {
  const states = new m.ProjectionStates({ inPlace: true });
  type Channel = (typeof m.AGENT_CHANNELS)[number];
  const published = new Map<Channel, unknown>(m.AGENT_CHANNELS.map((c) => [c, states.state(c)]));
  const touched = new Set<Channel>();
  let ops = 0;
  const flush = (): void => {
    for (const channel of touched) {
      const state = states.state(channel);
      ops += m.diff(published.get(channel), state).length;
      published.set(channel, state);
    }
    touched.clear();
  };
  let n = 0;
  for (const { channel, raw } of messages) {
    const decoded = m.decodeEvent(channel, raw);
    if (decoded._tag === 'Right') for (const c of states.apply(decoded.right).touched) touched.add(c);
    if (++n % TICK_EVENTS === 0) flush();
  }
  flush();
  return ops;
}
