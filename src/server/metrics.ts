import * as client from 'prom-client';
import { BRIDGE_OUTCOMES } from '../eventlog/bridge';

/**
 * `counter` with a series at 0 for each of its known `outcomes`: an outcome that has not happened yet
 * reads as 0 rather than as no data (a rate of it, a dashboard panel, an alert on it all work from the start).
 */
function withOutcomes<T extends client.Counter<'outcome'>>(counter: T, outcomes: readonly string[]): T {
  for (const outcome of outcomes) counter.inc({ outcome }, 0);
  return counter;
}

/** One series of a tallied counter: `inc` is a plain addition (see `tallied`). */
export interface Tally {
  inc(by?: number): void;
}

/**
 * A counter with one label, for counts made once per event: `tally(value)` gives a series whose `inc`
 * is a plain addition (prom-client's own `inc` hashes the labels every time), added to the counter
 * whenever the counter is read (`collect`), so every read sees every increment made before it.
 */
function tallied<L extends string>(config: client.CounterConfiguration<L> & { readonly labelNames: readonly [L] }) {
  const [label] = config.labelNames;
  const pending = new Map<string, { n: number }>();
  const counter = new client.Counter<L>({
    ...config,
    collect() {
      for (const [value, tally] of pending) {
        if (tally.n === 0) continue;
        counter.inc({ [label]: value } as Partial<Record<L, string>>, tally.n);
        tally.n = 0;
      }
    },
  });
  const tally = (value: string): Tally => {
    const series = pending.get(value) ?? { n: 0 };
    pending.set(value, series);
    return {
      inc(by = 1) {
        series.n += by;
      },
    };
  };
  return Object.assign(counter, { tally });
}

/** The server's Prometheus metrics, on a registry of their own (several servers may share a process in tests). */
export function createMetrics() {
  const registry = new client.Registry();
  const registers = [registry];
  return {
    registry,
    connections: new client.Gauge({ name: 'pmarb_ws_connections', help: 'Open WebSocket connections', registers }),
    framesOut: new client.Counter({
      name: 'pmarb_ws_frames_out_total',
      help: 'Frames sent to clients (topic publishes count once per subscriber)',
      labelNames: ['type'] as const,
      registers,
    }),
    bytesOut: new client.Counter({ name: 'pmarb_ws_bytes_out_total', help: 'Bytes of frames sent to clients', registers }),
    clientErrors: new client.Counter({
      name: 'pmarb_ws_client_errors_total',
      help: 'Error frames sent to clients, by code',
      labelNames: ['code'] as const,
      registers,
    }),
    policyCloses: new client.Counter({ name: 'pmarb_ws_policy_closes_total', help: 'Connections closed with 1008', registers }),
    eventsIn: tallied({ name: 'pmarb_events_in_total', help: 'Messages received from Redis', labelNames: ['channel'] as const, registers }),
    rejected: new client.Counter({ name: 'pmarb_events_rejected_total', help: 'Rejected messages, by reason', labelNames: ['reason'] as const, registers }),
    duplicates: new client.Counter({ name: 'pmarb_events_duplicate_total', help: 'Events seen before (same agent run, seq at or below the last)', registers }),
    lost: new client.Counter({ name: 'pmarb_events_lost_total', help: 'Events missing from seq gaps', registers }),
    snapshotsSent: new client.Counter({ name: 'pmarb_snapshots_sent_total', help: 'Snapshot frames sent', labelNames: ['channel'] as const, registers }),
    snapshotSerializations: new client.Counter({
      name: 'pmarb_snapshot_serializations_total',
      help: 'Snapshot frames serialised (once per channel and version, then reused)',
      labelNames: ['channel'] as const,
      registers,
    }),
    resyncs: new client.Counter({ name: 'pmarb_resyncs_total', help: 'Resync requests served', registers }),
    snapshotResends: new client.Counter({
      name: 'pmarb_snapshot_resends_total',
      help: 'Snapshots sent again after backpressure dropped them',
      registers,
    }),
    deltasPublished: new client.Counter({ name: 'pmarb_deltas_published_total', help: 'Delta frames published (one per channel per flush)', labelNames: ['channel'] as const, registers }),
    latency: new client.Histogram({
      name: 'pmarb_event_publish_latency_seconds',
      help: 'From the oldest event folded into a delta (ts_first) to its publication',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    logLagEntries: new client.Gauge({ name: 'pmarb_log_lag_entries', help: 'Log entries between the position applied and the head', registers }),
    logLagSeconds: new client.Gauge({ name: 'pmarb_log_lag_seconds', help: 'Age of the last entry applied while entries wait behind it (0 at the head)', registers }),
    logPosition: new client.Gauge({ name: 'pmarb_log_position', help: 'Last log position applied', registers }),
    replaySeconds: new client.Gauge({ name: 'pmarb_log_replay_seconds', help: 'Time the last start-up or rebuild took to reach the head of the log', registers }),
    replayedEvents: new client.Gauge({ name: 'pmarb_log_replayed_events', help: 'Entries applied by the last start-up or rebuild before reaching the head', registers }),
    logGaps: new client.Counter({ name: 'pmarb_log_gaps_total', help: 'Times entries to apply were gone from the log (trimmed) and the projections were rebuilt', registers }),
    logEpochChanges: new client.Counter({ name: 'pmarb_log_epoch_changes_total', help: 'Times the log was found replaced (a new epoch)', registers }),
    checkpoints: withOutcomes(
      new client.Counter({ name: 'pmarb_log_checkpoints_total', help: 'Checkpoints written, by outcome: written, or failed', labelNames: ['outcome'] as const, registers }),
      ['written', 'failed'],
    ),
    bridged: withOutcomes(
      tallied({
        name: 'pmarb_log_bridged_total',
        help: 'Messages seen on pub/sub, by what the bridge did: skipped (already logged), appended, duplicate (refused by the log), failed, dropped (the server was too far behind the log to decide)',
        labelNames: ['outcome'] as const,
        registers,
      }),
      BRIDGE_OUTCOMES,
    ),
    resumes: withOutcomes(
      new client.Counter({
        name: 'pmarb_resumes_total',
        help: 'Channels a reconnecting client asked to resume, by outcome: resumed, or snapshot',
        labelNames: ['outcome'] as const,
        registers,
      }),
      ['resumed', 'snapshot'],
    ),
    rebuilds: new client.Counter({
      name: 'pmarb_log_rebuilds_total',
      help: 'Times the projections were built from the oldest log entry instead of a checkpoint, by reason: no_checkpoint, unreadable_checkpoint, other_epoch, trimmed, gap, new_epoch',
      labelNames: ['reason'] as const,
      registers,
    }),
    refusals: new client.Counter({
      name: 'pmarb_ws_refusals_total',
      help: 'Upgrades accepted and closed at once, by close code (4401 token, 4403 origin/host, 4429 caps, 1008 bad query)',
      labelNames: ['code'] as const,
      registers,
    }),
    handlerFaults: new client.Counter({
      name: 'pmarb_handler_faults_total',
      help: 'Exceptions caught in HTTP, WebSocket and Redis handlers (each a server bug; the request got a 4xx or an error frame)',
      labelNames: ['handler'] as const,
      registers,
    }),
    flushTick: new client.Gauge({
      name: 'pmarb_flush_tick_ms',
      help: 'Current flush tick: --flush-ms when the server keeps up, longer under load (up to half of --latency-budget-ms)',
      registers,
    }),
  };
}

/** The metrics object a server holds. */
export type Metrics = ReturnType<typeof createMetrics>;
