/** The `system` projection's state: server figures, refreshed about once a second. */
export interface SystemState {
  /** When this server started (ISO-8601). */
  readonly started_at: string;
  /** Open WebSocket connections. */
  readonly connections: number;
  /** Whether Redis is connected and subscribed. */
  readonly redis_connected: boolean;
  /** Messages received from Redis since start. */
  readonly events_in_total: number;
  /** Messages received per second, over the last refresh period. */
  readonly events_per_s: number;
  /** Rejected messages since start. */
  readonly rejected_total: number;
  /** Rejected messages since start, by reason. */
  readonly rejected_by_reason: Readonly<Record<string, number>>;
  /** Events counted as duplicates (not applied). */
  readonly duplicate_events: number;
  /** Events missing according to `seq` gaps. */
  readonly lost_events: number;
  /** The current flush tick (ms): `--flush-ms` when the server keeps up, longer under load. */
  readonly flush_tick_ms: number;
  /** Every other channel's published version. */
  readonly versions: Readonly<Record<string, number>>;
}

/** The channel name of the server's own projection. */
export const SYSTEM_CHANNEL = 'system';
