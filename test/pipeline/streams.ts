/**
 * Event streams for the projector's properties, built on the shared arbitraries: seqs run per
 * (agent, run) as agents publish them (mostly the next, some repeats, some gaps), and a few
 * names are swapped for awkward ones (prototype names, JSON Pointer's `/` and `~`).
 */
import fc from 'fast-check';
import type { Event } from '../../src/events';
import { arbEvent } from '../events/arbitraries';

/** How each event's seq relates to the last of its (agent, run). */
const arbStep = fc.oneof({ arbitrary: fc.constant(1), weight: 8 }, { arbitrary: fc.constantFrom(0, 2, 4), weight: 2 });

/** Values (never map keys, which the codecs guard) that must still make safe state keys. */
const AWKWARD = ['constructor', '__proto__', 'a/b~c'];

/** `event` with an awkward strategy or rule name when `pick` says so. */
function awkward(event: Event, pick: number): Event {
  const name = AWKWARD[pick % AWKWARD.length] as string;
  switch (event.type) {
    case 'risk.decided':
      return event.data.rule_triggered === null ? event : ({ ...event, data: { ...event.data, rule_triggered: name } } as Event);
    case 'trade.requested':
    case 'trade.settled':
    case 'allocation.updated':
      return { ...event, data: { ...event.data, strategy: name } } as Event;
    case 'agent.heartbeat':
      return { ...event, meta: { ...event.meta, agent: name } };
    default:
      return event;
  }
}

/** Options: `fill` gives every execution a fresh id, so the bounded lists fill up. */
export function arbStream(minLength: number, maxLength: number, fill = false): fc.Arbitrary<Event[]> {
  const item = fc.tuple(arbEvent, arbStep, fc.nat(99));
  return fc.array(item, { minLength, maxLength }).map((items) => {
    const last = new Map<string, number>();
    return items.map(([original, step, dice], i): Event => {
      let event = dice < 10 ? awkward(original, dice) : original;
      if (fill && event.type === 'trade.executed') event = { ...event, data: { ...event.data, id: `${event.data.id}-${i}` } } as Event;
      const { agent, run } = event.meta;
      if (run === null) return event;
      const key = `${agent}:${run}`;
      const seq = Math.max(1, (last.get(key) ?? 0) + step);
      last.set(key, Math.max(seq, last.get(key) ?? 0));
      return { ...event, meta: { ...event.meta, seq, id: `${agent}:${run}:${seq}` } };
    });
  });
}
