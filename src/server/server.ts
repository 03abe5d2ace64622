import * as E from 'fp-ts/Either';
import type { Logger } from 'pino';
import type { us_listen_socket } from 'uWebSockets.js';
import type { EventBus } from '../bus';
import { CLOSE_GOING_AWAY, CLOSE_SERVICE_RESTART } from '../client/protocol';
import type { ServerConfig } from '../config';
import { AGENT_CHANNELS, isAgentChannel } from '../events';
import type { EventLog } from '../eventlog';
import type { ProjectionStates } from '../pipeline/projectionStates';
import { PROJECTION_CHANNELS } from './channels';
import { Fanout, HEARTBEAT_TOPIC, type StateSource } from './fanout';
import { originPolicy, refuseHost } from '../auth/origins';
import { createAccess } from './access';
import { FlushTicker } from './flushTicker';
import { createGuard } from './guard';
import { healthReply, registerAdminRoutes, registerHttpRoutes } from './http';
import { LogIngest, type LogStatus } from './logIngest';
import { createMetrics, type Metrics } from './metrics';
import { RejectionLog } from './rejections';
import { createSockets } from './sockets';
import { SocketBacklog, withBacklog, type Buffering } from './socketBacklog';
import { loadStaticFiles } from './staticFiles';
import { SYSTEM_CHANNEL, type SystemState } from './systemProjection';
import { tickLimits } from './tickController';
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
  /** Where the server stands with the log, its epoch and the last position applied. */
  readonly log: { readonly status: LogStatus; readonly epoch: string; readonly lagEntries: number };
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
  /** Pub/sub: what the bridge listens to for messages that were published without being logged. */
  readonly bus: EventBus;
  /** The durable log the projections are reduced from. */
  readonly log: EventLog;
  /** The root logger: the server derives `child({ module })` loggers from it. */
  readonly logger: Logger;
}

const REJECTION_LOG_PERIOD_MS = 60_000;
/** How long start-up waits for the log's epoch and checkpoint before serving anyway. */
const START_WAIT_MS = 2_000;

/**
 * Starts the uWS app: follows the durable log, runs every entry through decode → projections →
 * conflation, and serves `/ws` and the HTTP routes.
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
  const rejections = new RejectionLog(config.deadLetterSize, deps.logger.child({ module: 'rejections' }));
  const counts = { eventsAtLastTick: 0, lastTickAt: startedAt };
  let connectionCount = (): number => 0;
  // The ingest, fan-out and sockets refer to each other: each reads the others only after start-up.
  let closeAll = (_code: number, _reason: string): void => undefined;
  const ingest = new LogIngest({
    config,
    log: deps.log,
    bus,
    get fanout() {
      return fanout;
    },
    metrics,
    rejections,
    logger: deps.logger,
    onReset: (reason) => closeAll(CLOSE_SERVICE_RESTART, reason),
    onReady: () => {
      if (connectionCount() > 0) closeAll(CLOSE_SERVICE_RESTART, 'projections loaded from the log');
    },
    fault: guard.fault,
  });
  /** Bytes of delta frames published since the flush ticker last read them: what a client of every channel received. */
  let sentBytes = 0;
  /** The flush tick now (ms): what `system` and the `pmarb_flush_tick_ms` gauge show. */
  let flushTickMs = config.flushMs;
  let system = systemFigures({});
  const source: StateSource = {
    state: (channel) => (channel === SYSTEM_CHANNEL ? system : isAgentChannel(channel) ? ingest.projections.state(channel) : undefined),
  };
  const app = uWS.App();
  const fanout = new Fanout(PROJECTION_CHANNELS, source, (topic, frame) => {
    const receivers = app.numSubscribers(topic);
    if (receivers === 0) return;
    app.publish(topic, frame, false);
    const type = topic === HEARTBEAT_TOPIC ? 'heartbeat' : 'delta';
    const bytes = Buffer.byteLength(frame);
    if (type === 'delta') sentBytes += bytes;
    metrics.framesOut.inc({ type }, receivers);
    metrics.bytesOut.inc(bytes * receivers);
  }, metrics);
  fanout.resumeWindowMs = config.resumeWindowSec * 1000;
  const sockets = createSockets({ config, fanout, metrics, log: deps.logger.child({ module: 'ws' }), access: access.right, guard });
  connectionCount = () => sockets.count;
  closeAll = (code, reason) => sockets.closeAll(code, reason);
  const backlog = new SocketBacklog<Buffering>();

  /** The server's figures, with the other channels' published versions. */
  function systemFigures(published: Readonly<Record<string, number>>): SystemState {
    const now = Date.now();
    const seconds = Math.max(0.001, (now - counts.lastTickAt) / 1000);
    const eventsIn = ingest.eventsIn;
    const perSecond = Math.round(((eventsIn - counts.eventsAtLastTick) / seconds) * 10) / 10;
    counts.eventsAtLastTick = eventsIn;
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
      redis_connected: deps.log.connected,
      events_in_total: eventsIn,
      events_per_s: perSecond,
      rejected_total: rejectedTotal,
      rejected_by_reason: byReason,
      duplicate_events: ingest.projections.counters.duplicates,
      lost_events: ingest.projections.counters.lost,
      flush_tick_ms: flushTickMs,
      versions,
    };
  }

  // Flush tick: deltas; about once a second also the system projection and, right after its deltas, the heartbeat.
  const tick = (heartbeatDue: boolean): void => {
    fanout.flush();
    if (heartbeatDue) {
      // After the agent channels' deltas, so the figures show the versions just published.
      system = systemFigures(fanout.versions());
      fanout.touch(SYSTEM_CHANNEL, new Date().toISOString());
      fanout.flush();
      sockets.markSkipped();
      fanout.publishHeartbeat();
    }
  };
  const timers: ReturnType<typeof setInterval>[] = [];
  // With --flush-ms 0 every event is flushed as it is applied: the timer only carries heartbeats.
  const ticker =
    config.flushMs > 0
      ? new FlushTicker({
          limits: tickLimits(config.flushMs, config.latencyBudgetMs),
          heartbeatMs: config.heartbeatMs,
          flush: tick,
          ingest,
          observe: () => {
            const sent = sentBytes;
            sentBytes = 0;
            return { logLagMs: ingest.lagMs, queuedBytes: backlog.queuedBytes(), sentBytes: sent };
          },
          changed: (tickMs, signals) => {
            if (signals !== undefined) log.debug({ tickMs, from: flushTickMs, ...signals }, 'flush tick changed');
            flushTickMs = tickMs;
            metrics.flushTick.set(tickMs);
          },
        })
      : undefined;
  if (ticker === undefined) timers.push(setInterval(() => tick(true), config.heartbeatMs));
  else ticker.start();
  metrics.flushTick.set(flushTickMs);
  timers.push(setInterval(() => rejections.flush(), REJECTION_LOG_PERIOD_MS));
  for (const timer of timers) timer.unref?.();

  app.ws('/ws', withBacklog(sockets.behavior, backlog));
  const healthDeps = {
    fanout,
    startedAt,
    connections: () => sockets.count,
    redisConnected: () => deps.log.connected,
    logHealth: () => ({ status: ingest.status, epoch: ingest.epoch, lagEntries: ingest.lagEntries, lagMs: ingest.lagMs }),
    maxLogLagMs: config.maxLogLagMs,
  };
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

  const unsubscribeStatus = deps.log.onStatus((connected) => {
    log.info({ connected }, connected ? 'log connected' : 'log disconnected; /health answers 503');
  });
  // Not awaited: with Redis down this waits for the first connection, while the server already answers (503).
  void ingest.start();
  // Clients that connected while the log was out of reach hold the initial states: once the log's
  // states are loaded, they are closed (1012) to start over. With Redis up that takes milliseconds:
  // wait for it (a little) so the first clients meet the loaded states.
  await Promise.race([ingest.ready, new Promise((resolve) => setTimeout(resolve, START_WAIT_MS).unref())]);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const timer of timers) clearInterval(timer);
      ticker?.stop();
      uWS.us_listen_socket_close(listenSocket);
      uWS.us_listen_socket_close(adminSocket);
      sockets.closeAll(CLOSE_GOING_AWAY, 'server shutting down');
      unsubscribeStatus();
      await ingest.stop();
      await bus.close();
      await deps.log.close();
    })();
    return stopping;
  };

  return {
    port,
    adminPort,
    metrics,
    get projections() {
      return ingest.projections;
    },
    log: {
      get status() {
        return ingest.status;
      },
      get epoch() {
        return ingest.epoch;
      },
      get lagEntries() {
        return ingest.lagEntries;
      },
    },
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
