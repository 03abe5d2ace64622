import type { Logger } from 'pino';
import type { HttpResponse, TemplatedApp } from 'uWebSockets.js';
import type { Fanout } from './fanout';
import type { Metrics } from './metrics';
import type { RejectionLog } from './rejections';
import { readStaticFile } from './staticFiles';

/** What the HTTP routes read. */
export interface HttpDeps {
  readonly fanout: Fanout;
  readonly metrics: Metrics;
  readonly rejections: RejectionLog;
  readonly staticRoot: string;
  readonly startedAt: number;
  readonly log: Logger;
  connections(): number;
  redisConnected(): boolean;
  /** Where the server stands with the log. */
  logHealth(): { readonly status: string; readonly epoch: string; readonly lagEntries: number; readonly lagMs: number };
  /** Log lag beyond which /health reports degraded. */
  readonly maxLogLagMs: number;
}

const JSON_TYPE = 'application/json';

function send(res: HttpResponse, status: string, contentType: string, body: string | Buffer): void {
  res.cork(() => {
    res.writeStatus(status).writeHeader('Content-Type', contentType).writeHeader('Cache-Control', 'no-store').end(body);
  });
}

function sendJson(res: HttpResponse, status: string, value: unknown): void {
  send(res, status, JSON_TYPE, JSON.stringify(value));
}

/** A URL path segment, percent-decoded; `undefined` when its escapes are malformed (`%`, `%E0%A4%A`). */
function decodeParameter(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Registers `/health`, `/metrics`, `/snapshot/:channel`, `/rejected` and the dashboard's files at `/`. */
export function registerHttpRoutes(app: TemplatedApp, deps: HttpDeps): void {
  const { fanout, metrics, rejections, log } = deps;

  app.get('/health', (res) => {
    const redis = deps.redisConnected();
    const log = deps.logHealth();
    const lagging = log.status === 'live' && log.lagMs > deps.maxLogLagMs;
    const healthy = redis && log.status === 'live' && !lagging;
    sendJson(res, healthy ? '200 OK' : '503 Service Unavailable', {
      status: healthy ? 'healthy' : 'degraded',
      connections: deps.connections(),
      redis: redis ? 'connected' : 'unreachable',
      log: lagging ? 'lagging' : log.status,
      epoch: log.epoch,
      log_lag_entries: log.lagEntries,
      log_lag_ms: log.lagMs,
      uptime_s: Math.round((Date.now() - deps.startedAt) / 1000),
      versions: fanout.versions(),
    });
  });

  app.get('/metrics', (res) => {
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    metrics.registry.metrics().then(
      (text) => {
        if (!aborted) send(res, '200 OK', metrics.registry.contentType, text);
      },
      (error: unknown) => {
        log.error({ err: error }, 'metrics collection failed');
        if (!aborted) send(res, '500 Internal Server Error', 'text/plain', 'metrics collection failed');
      },
    );
  });

  app.get('/snapshot/:channel', (res, req) => {
    const channel = decodeParameter(req.getParameter(0) ?? '');
    const snapshot = channel === undefined ? undefined : fanout.snapshot(channel);
    if (channel === undefined || snapshot === undefined) {
      sendJson(res, '404 Not Found', { error: 'unknown_channel', message: `Unknown channel "${channel ?? req.getParameter(0) ?? ''}"` });
      return;
    }
    const asked = req.getQuery('version');
    if (asked === undefined || asked === '') {
      sendJson(res, '200 OK', { channel, version: snapshot.version, epoch: fanout.epoch, state: snapshot.state });
      return;
    }
    const version = /^\d{1,15}$/.test(asked) ? Number(asked) : undefined;
    const state = version === undefined ? undefined : fanout.stateAt(channel, version);
    if (version === undefined || state === undefined) {
      const message = version === undefined ? `version must be a whole number, got "${asked}"` : `version ${version} of "${channel}" is not held (published states are kept for the resume window)`;
      sendJson(res, version === undefined ? '400 Bad Request' : '404 Not Found', { error: version === undefined ? 'bad_request' : 'version_not_held', message });
      return;
    }
    sendJson(res, '200 OK', { channel, version, epoch: fanout.epoch, state });
  });

  app.get('/rejected', (res) => {
    sendJson(res, '200 OK', { totals: Object.fromEntries(rejections.totals), recent: rejections.list() });
  });

  app.get('/*', (res, req) => {
    const file = readStaticFile(deps.staticRoot, req.getUrl());
    if (file === undefined) {
      send(res, '404 Not Found', 'text/plain; charset=utf-8', 'Not found (is the dashboard built? npm run build)\n');
      return;
    }
    send(res, '200 OK', file.contentType, file.body);
  });

  app.any('/*', (res) => {
    send(res, '405 Method Not Allowed', 'text/plain; charset=utf-8', 'Only GET is served\n');
  });
}
