import type { EventOf, EventTag, OutgoingEvent } from '../events';

/** Numbers each agent's events 1, 2, 3, … within one run and collects them in publish order. */
export class Outbox {
  private readonly seqs = new Map<string, number>();
  private pending: OutgoingEvent[] = [];

  constructor(private readonly run: string) {}

  /** Queues one event from `agent`, stamped with the caller's wall-clock `ts` and the simulated time `asOf`. */
  emit<K extends EventTag>(agent: string, type: K, data: EventOf<K>['data'], ts: string, asOf: string): void {
    const seq = (this.seqs.get(agent) ?? 0) + 1;
    this.seqs.set(agent, seq);
    this.pending.push({ type, agent, run: this.run, seq, ts, asOf, data });
  }

  /** The queued events, oldest first; the queue is emptied. */
  drain(): OutgoingEvent[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}
