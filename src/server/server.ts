import * as E from 'fp-ts/Either';
import type { Logger } from 'pino';
import type { us_listen_socket } from 'uWebSockets.js';
import type { EventBus } from '../bus';
import { CLOSE_GOING_AWAY } from '../client/protocol';
import type { ServerConfig } from '../config';
import { AGENT_CHANNELS, decodeEvent, isAgentChannel, type RejectReason } from '../events';
import { ProjectionStates } from '../pipeline/projectionStates';
import { PROJECTION_CHANNELS } from './channels';
import { Fanout, HEARTBEAT_TOPIC, type StateSource } from './fanout';
import { originPolicy, refuseHost } from '../auth/origins';
import { createAccess } from './access';
import { createGuard } from './guard';
import { healthReply, registerAdminRoutes, registerHttpRoutes } from './http';
import { createMetrics, type Metrics } from './metrics';
import { RejectionLog } from './rejections';
import { createSockets } from './sockets';
import { loadStaticFiles } from './staticFiles';
import { SYSTEM_CHANNEL, type SystemState } from './systemProjection';
import { assertNativeUws, uWS } from './uws';

/** A running server. */
export interface RunningServer {
  /** The port it listens on (the real one when the config said 0). */
  readonly port: number;
  /** The admin listener's port (/metrics, /rejected). */
  readonly adminPort: number;
  readonly metrics: Metrics;
  /** The projection states and their counters (events applied, duplicates, lost). */
  readonly projections: ProjectionStates;
  /** The published version of every channel: what snapshots and heartbeats show. */
  versions(): Record<string, number>;
  /** Whether some event's change waits for the next flush tick. */
  readonly hasPending: boolean;
  /** Stops accepting, closes clients with 1001 and closes the bus. Safe to call twice. */
  stop(): Promise<void>;
}

/** What a server is made of. */
export interface ServerDeps {
  readonly config: ServerConfig;
  readonly bus: EventBus;
  /** The root logger: the server derives `child({ module })` loggers from it. */
  readonly logger: Logger;
}

const REJECTION_LOG_PERIOD_MS = 60_000;

/**
 * Starts the uWS app: subscribes to the agent channels, runs every message through
 * decode → projector → conflation, and serves `/ws` and the HTTP routes.
 */
export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  assertNativeUws();
  const { config, bus } = deps;
  const log = deps.logger.child({ module: 'server' });
  const startedAt = Date.now();
  const metrics = createMetrics();
  const guard = createGuard(metrics, log);
  const access = createAccess(config);
  if (E.isLeft(access)) throw new Error(access.left);
  // Versions and deltas come from the fan-out, once per tick: per event, only the states are reduced
  // (large maps in place until the tick reads them).
  const projections = new ProjectionStates({ inPlace: true });
  const rejections = new RejectionLog(config.deadLetterSize, deps.logger.child({ module: 'rejections' }));
  const counts = { eventsIn: 0, eventsAtLastTick: 0, lastTickAt: startedAt };
  let connectionCount = (): number => 0;
  let system = systemFigures({});
  const source: StateSource = {
    state: (channel) => (channel === SYSTEM_CHANNEL ? system : isAgentChannel(channel) ? projections.state(channel) : undefined),
  };
  const app = uWS.App();
  const fanout = new Fanout(PROJECTION_CHANNELS, source, (topic, frame) => {
    const receivers = app.numSubscribers(topic);
    if (receivers === 0) return;
    app.publish(topic, frame, false);
    const type = topic === HEARTBEAT_TOPIC ? 'heartbeat' : 'delta';
    metrics.framesOut.inc({ type }, receivers);
    metrics.bytesOut.inc(Buffer.byteLength(frame) * receivers);
  }, metrics);
  const sockets = createSockets({ config, fanout, metrics, log: deps.logger.child({ module: 'ws' }), access: access.right, guard });
  connectionCount = () => sockets.count;

  /** The server's figures, with the other channels' published versions. */
  function systemFigures(published: Readonly<Record<string, number>>): SystemState {
    const now = Date.now();
    const seconds = Math.max(0.001, (now - counts.lastTickAt) / 1000);
    const perSecond = Math.round(((counts.eventsIn - counts.eventsAtLastTick) / seconds) * 10) / 10;
    counts.eventsAtLastTick = counts.eventsIn;
    counts.lastTickAt = now;
    const byReason: Record<string, number> = {};
    let rejectedTotal = 0;
    for (const [reason, n] of rejections.totals) {
      byReason[reason] = n;
      rejectedTotal += n;
    }
    const versions: Record<string, number> = {};
    for (const channel of AGENT_CHANNELS) versions[channel] = published[channel] ?? 0;
    return {
      started_at: new Date(startedAt).toISOString(),
      connections: connectionCount(),
      redis_connected: bus.connected,
      events_in_total: counts.eventsIn,
      events_per_s: perSecond,
      rejected_total: rejectedTotal,
      rejected_by_reason: byReason,
      duplicate_events: projections.counters.duplicates,
      lost_events: projections.counters.lost,
      versions,
    };
  }

  const eventsInByChannel = new Map(AGENT_CHANNELS.map((c) => [c as string, metrics.eventsIn.labels({ channel: c })]));
  const rejectedByReason = new Map<RejectReason, { inc(): void }>();
  const onMessage = guard.wrap('redis message', (channel: string, payload: Buffer): void => {
    counts.eventsIn += 1;
    eventsInByChannel.get(channel)?.inc();
    const decoded = decodeEvent(channel, payload, { maxBytes: config.maxEventBytes });
    if (E.isLeft(decoded)) {
      const reason = decoded.left.reason;
      let counter = rejectedByReason.get(reason);
      if (counter === undefined) {
        counter = metrics.rejected.labels({ reason });
        rejectedByReason.set(reason, counter);
      }
      counter.inc();
      rejections.record(decoded.left, new Date());
      return;
    }
    const event = decoded.right;
    const receivedAt = event.meta.ts === null ? new Date().toISOString() : undefined;
    const result = projections.apply(event, receivedAt);
    if (result.outcome === 'duplicate') metrics.duplicates.inc();
    if (result.lost > 0) metrics.lost.inc(result.lost);
    const ts = event.meta.ts ?? (receivedAt as string);
    for (const channel of result.touched) fanout.touch(channel, ts);
    if (config.flushMs === 0) fanout.flush();
  });

  // Flush tick: deltas; about once a second also the system projection and, right after its deltas, the heartbeat.
  let lastHeartbeat = Date.now();
  const tick = (heartbeatDue: boolean): void => {
    fanout.flush();
    if (heartbeatDue) {
      // After the agent channels' deltas, so the figures show the versions just published.
      system = systemFigures(fanout.versions());
      fanout.touch(SYSTEM_CHANNEL, new Date().toISOString());
      fanout.flush();
      lastHeartbeat = Date.now();
      sockets.markSkipped();
      fanout.publishHeartbeat();
    }
  };
  const timers: ReturnType<typeof setInterval>[] = [];
  if (config.flushMs > 0) {
    timers.push(setInterval(() => tick(Date.now() - lastHeartbeat >= config.heartbeatMs - config.flushMs / 2), config.flushMs));
  } else {
    timers.push(setInterval(() => tick(true), config.heartbeatMs));
  }
  timers.push(setInterval(() => rejections.flush(), REJECTION_LOG_PERIOD_MS));
  for (const timer of timers) timer.unref?.();

  app.ws('/ws', sockets.behavior);
  const healthDeps = { fanout, startedAt, connections: () => sockets.count, redisConnected: () => bus.connected };
  const staticFiles = loadStaticFiles(config.staticRoot, { sourceMaps: config.serveSourceMaps });
  registerHttpRoutes(app, { ...healthDeps, access: access.right, guard, staticFiles });
  const admin = uWS.App();
  const adminHosts = originPolicy('', '', config.adminHost);
  registerAdminRoutes(admin, { metrics, rejections, guard, refuseHost: (host) => refuseHost(adminHosts, host), health: () => healthReply(healthDeps) });

  const listenSocket = await listen(app, config.host, config.port);
  let adminSocket: us_listen_socket;
  try {
    adminSocket = await listen(admin, config.adminHost, config.adminPort, '--admin-port');
  } catch (error) {
    uWS.us_listen_socket_close(listenSocket);
    throw error;
  }
  const port = uWS.us_socket_local_port(listenSocket as never);
  const adminPort = uWS.us_socket_local_port(adminSocket as never);

  const unsubscribeStatus = bus.onStatus((connected) => {
    log.info({ connected }, connected ? 'event bus connected' : 'event bus disconnected; /health answers 503');
  });
  // Not awaited: with Redis down this waits for the first connection, while the server already answers (503).
  bus.subscribe(AGENT_CHANNELS, onMessage).catch((error: unknown) => log.error({ err: error }, 'subscribing to the event bus failed'));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const timer of timers) clearInterval(timer);
      uWS.us_listen_socket_close(listenSocket);
      uWS.us_listen_socket_close(adminSocket);
      sockets.closeAll(CLOSE_GOING_AWAY, 'server shutting down');
      unsubscribeStatus();
      await bus.close();
    })();
    return stopping;
  };

  return {
    port,
    adminPort,
    metrics,
    projections,
    versions: () => fanout.versions(),
    get hasPending() {
      return fanout.hasPending;
    },
    stop,
  };
}

/** Listens with `app`; rejects with a message naming the address when it cannot. */
function listen(app: ReturnType<typeof uWS.App>, host: string, port: number, option = '--port'): Promise<us_listen_socket> {
  return new Promise<us_listen_socket>((resolve, reject) => {
    app.listen(host, port, (socket) => {
      if (socket === false) reject(new Error(`Cannot listen on ${host}:${port} (${option}: address in use or not available)`));
      else resolve(socket);
    });
  });
}
