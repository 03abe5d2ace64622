/** One entry of the log: its position, the channel it belongs to, the exact message bytes, and when it was appended. */
export interface LogEntry {
  /** 1, 2, 3, … within the log's epoch. */
  readonly pos: number;
  /** The channel name, without any Redis prefix. */
  readonly channel: string;
  readonly message: Buffer;
  /** Milliseconds since 1970 at which the log took the entry: the "now" of events that carry no time. */
  readonly time: number;
}

/** What to append: a message and, for an envelope v1 event, the key its duplicates are judged by. */
export interface AppendRequest {
  readonly channel: string;
  readonly message: string | Buffer;
  /** `<agent>:<run>` and `seq` of a v1 event: an append at or below the last `seq` logged for that run is refused. */
  readonly run?: string;
  readonly seq?: number;
  /** Whether the append also publishes the message on its pub/sub channel (default true; false when bridging a message already published). */
  readonly publish?: boolean;
  /**
   * The entry's time (ms) when it is not now: an imported entry keeps the time it was first logged at,
   * so legacy events are dated as before. It is also the clock of the legacy dedup window.
   */
  readonly time?: number;
}

/** The outcome of one append: its position, or why it was not logged. */
export type AppendOutcome =
  | { readonly outcome: 'appended'; readonly pos: number; readonly epoch: string }
  /** A v1 event at or below the last `seq` logged for its run, or a legacy message identical to one appended within the dedup window. */
  | { readonly outcome: 'duplicate'; readonly epoch: string };

/** One read: the log's epoch as of the read and the entries after the position asked for, in order. */
export interface LogRead {
  readonly epoch: string;
  readonly entries: readonly LogEntry[];
  /** The newest position of the log as of the read (0 for an empty log). */
  readonly head: number;
}

/** Where the log stands: its epoch, its newest position, and the oldest it still holds (head + 1 when empty). */
export interface LogBounds {
  readonly epoch: string;
  readonly head: number;
  readonly first: number;
}

/** A stored checkpoint: the position it was taken at, the epoch, and its opaque bytes. */
export interface StoredCheckpoint {
  readonly epoch: string;
  readonly pos: number;
  readonly data: Buffer;
}

/**
 * The durable event log port: one ordered log of every channel's messages, with integer positions
 * within an epoch. It knows bytes, channels and positions, never events.
 */
export interface EventLog {
  /** Appends one message (and publishes it on its channel unless asked not to). */
  append(request: AppendRequest): Promise<AppendOutcome>;
  /** Appends messages in order in one call to the log (one script run on Redis); one outcome each. */
  appendMany(requests: readonly AppendRequest[]): Promise<AppendOutcome[]>;
  /** The entries after `after` (at most `count`), waiting up to `blockMs` for one when there is none yet. */
  read(after: number, count: number, blockMs: number): Promise<LogRead>;
  /** The epoch (made now when the log does not exist yet), newest and oldest positions. */
  bounds(): Promise<LogBounds>;
  /**
   * Gives the log a new epoch if it still has `followed`: for a log found behind a position already read
   * (restored from an older persistence file), whose positions will be given to other entries. Returns the epoch now.
   */
  renewEpoch(followed: string): Promise<string>;
  /** The newest checkpoint stored for this reducer schema, if any. */
  loadCheckpoint(schema: string): Promise<StoredCheckpoint | undefined>;
  /** Stores a checkpoint unless a newer one of the same epoch is there, then trims the log (see `trim`). */
  saveCheckpoint(schema: string, checkpoint: StoredCheckpoint): Promise<void>;
  /** Drops entries at or below min(oldest checkpoint held, head − maxEntries). */
  trim(maxEntries: number): Promise<void>;
  /** True while the log answers. */
  readonly connected: boolean;
  /** Called on every connected/disconnected transition; returns its remover. */
  onStatus(listener: (connected: boolean) => void): () => void;
  /** Releases connections; a pending read resolves empty. Safe to call twice. */
  close(): Promise<void>;
}

/** How long an identical legacy message (no `seq`) counts as a duplicate of one already appended. */
export const LEGACY_DEDUP_WINDOW_MS = 5_000;

/** How long a checkpoint holds the log back from trimming once its writer stopped refreshing it. */
export const CHECKPOINT_HOLD_MS = 24 * 60 * 60 * 1000;

/** A new random epoch id. */
export function newEpoch(): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
