/**
 * The Redis keys of one log. The scripts touch several of them at once: on a Redis Cluster, give the
 * deployment a channel prefix holding a hash tag (`{prod}:`) so they all live in one slot.
 */
export interface LogKeys {
  /** The stream: entry id `<pos>-0`, fields `channel`, `message`, `time`. */
  readonly stream: string;
  /** Hash: `epoch` (random id made with the log) and `pos` (the last position given). */
  readonly meta: string;
  /** Hash: `<agent>:<run>` → last `seq` logged. */
  readonly seqs: string;
  /** Sorted set: digests of recent legacy messages, scored by append time (ms). */
  readonly recent: string;
  /** Hash: reducer schema → `<pos>:<epoch>:<ms>` of its newest checkpoint, which holds trimming back. */
  readonly holds: string;
  /** The checkpoint hash of one reducer schema: `epoch`, `pos`, `data`. */
  checkpoint(schema: string): string;
}

/** The keys of the log under a channel prefix (`prod:` → `prod:pmarb:log`, …). */
export function logKeys(prefix: string): LogKeys {
  const base = `${prefix}pmarb`;
  return {
    stream: `${base}:log`,
    meta: `${base}:meta`,
    seqs: `${base}:seq`,
    recent: `${base}:recent`,
    holds: `${base}:holds`,
    checkpoint: (schema) => `${base}:checkpoint:${schema}`,
  };
}
