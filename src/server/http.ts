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
    const healthy = deps.redisConnected();
    sendJson(res, healthy ? '200 OK' : '503 Service Unavailable', {
      status: healthy ? 'healthy' : 'degraded',
      connections: deps.connections(),
      redis: healthy ? 'connected' : 'unreachable',
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
    if (snapshot === undefined) {
      sendJson(res, '404 Not Found', { error: 'unknown_channel', message: `Unknown channel "${channel ?? req.getParameter(0) ?? ''}"` });
      return;
    }
    sendJson(res, '200 OK', { channel, version: snapshot.version, state: snapshot.state });
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
