import * as client from 'prom-client';

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
    eventsIn: new client.Counter({ name: 'pmarb_events_in_total', help: 'Messages received from Redis', labelNames: ['channel'] as const, registers }),
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
  };
}

/** The metrics object a server holds. */
export type Metrics = ReturnType<typeof createMetrics>;
