import type { EventMeta } from '../events';

/** At most this many (agent, run) pairs are remembered; the first seen is forgotten first. */
export const MAX_RUNS = 4096;

/** What the sequence number says about one event. */
export interface SeqVerdict {
  readonly duplicate: boolean;
  /** Events skipped between the last one seen and this one. */
  readonly lost: number;
}

const FRESH: SeqVerdict = { duplicate: false, lost: 0 };
const DUPLICATE: SeqVerdict = { duplicate: true, lost: 0 };

/**
 * Duplicates and gaps per (agent, run): a `seq` at or below the last seen is a duplicate,
 * a jump counts the skipped ones as lost. Legacy events (no seq) are always fresh.
 * The first event of a run counts no loss: the server may simply have started late.
 */
export class SeqTracker {
  private readonly last = new Map<string, number>();

  /** Judges `meta` and remembers its seq when it is fresh. */
  observe(meta: EventMeta): SeqVerdict {
    if (meta.seq === null || meta.run === null) return FRESH;
    const key = `${meta.agent}\n${meta.run}`;
    const last = this.last.get(key);
    if (last !== undefined && meta.seq <= last) return DUPLICATE;
    if (last === undefined && this.last.size >= MAX_RUNS) {
      const oldest = this.last.keys().next();
      if (oldest.done !== true) this.last.delete(oldest.value);
    }
    this.last.set(key, meta.seq);
    return last === undefined || meta.seq === last + 1 ? FRESH : { duplicate: false, lost: meta.seq - last - 1 };
  }
}
