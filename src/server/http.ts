import * as E from 'fp-ts/Either';
import type { TemplatedApp } from 'uWebSockets.js';
import { bearerOf, type Access, type Refusal } from './access';
import type { Fanout } from './fanout';
import type { Guard } from './guard';
import { jsonReply, serve, textReply, type Reply, type Request } from './httpReply';
import type { Metrics } from './metrics';
import type { RejectionLog } from './rejections';
import type { StaticFiles } from './staticFiles';

/** What the public HTTP routes read. */
export interface HttpDeps {
  readonly fanout: Fanout;
  readonly access: Access;
  readonly guard: Guard;
  readonly staticFiles: StaticFiles;
  readonly startedAt: number;
  connections(): number;
  redisConnected(): boolean;
  /** Where the server stands with the log. */
  logHealth(): { readonly status: string; readonly epoch: string; readonly lagEntries: number; readonly lagMs: number };
  /** Log lag beyond which /health reports degraded. */
  readonly maxLogLagMs: number;
}

/** What the admin routes read. */
export interface AdminDeps {
  readonly metrics: Metrics;
  readonly rejections: RejectionLog;
  readonly guard: Guard;
  /** Why a request's Host is refused (a loopback admin listener answers loopback names only: no DNS rebinding onto it). */
  refuseHost(host: string): string | undefined;
  health(): Reply;
}

/** A URL path segment, percent-decoded; `undefined` when its escapes are malformed (`%`, `%E0%A4%A`). */
function decodeParameter(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

const STATUS: Readonly<Record<Refusal['kind'], string>> = {
  unauthorized: '401 Unauthorized',
  forbidden: '403 Forbidden',
  too_many: '429 Too Many Requests',
};

/** A refusal as an HTTP answer; 401 says how to authenticate. */
export function refusalReply(refusal: Refusal): Reply {
  const headers = refusal.kind === 'unauthorized' ? { 'WWW-Authenticate': 'Bearer realm="pm-arb"' } : undefined;
  return jsonReply(STATUS[refusal.kind], { error: refusal.kind, message: refusal.reason }, headers);
}

const ALLOW = { Allow: 'GET, HEAD' };

/** Registers GET and HEAD for `pattern`, and 405 with `Allow` for every other method. */
function route(
  app: TemplatedApp,
  guard: Guard,
  pattern: string,
  parameters: number,
  queryNames: readonly string[],
  handler: (req: Request) => Reply | Promise<Reply>,
): void {
  const served = serve(guard, `http ${pattern}`, parameters, queryNames, handler);
  app.get(pattern, served);
  app.head(pattern, served);
}

function notAllowed(app: TemplatedApp, guard: Guard): void {
  app.any(
    '/*',
    serve(guard, 'http 405', 0, [], () => textReply('405 Method Not Allowed', 'Only GET and HEAD are served\n', ALLOW)),
  );
}

/** The health answer: 200 while Redis is connected and the log live and not lagging, 503 otherwise. */
export function healthReply(deps: Pick<HttpDeps, 'fanout' | 'startedAt' | 'connections' | 'redisConnected' | 'logHealth' | 'maxLogLagMs'>): Reply {
  const redis = deps.redisConnected();
  const log = deps.logHealth();
  const lagging = log.status === 'live' && log.lagMs > deps.maxLogLagMs;
  const healthy = redis && log.status === 'live' && !lagging;
  return jsonReply(healthy ? '200 OK' : '503 Service Unavailable', {
    status: healthy ? 'healthy' : 'degraded',
    connections: deps.connections(),
    redis: redis ? 'connected' : 'unreachable',
    log: lagging ? 'lagging' : log.status,
    epoch: log.epoch,
    log_lag_entries: log.lagEntries,
    log_lag_ms: log.lagMs,
    uptime_s: Math.round((Date.now() - deps.startedAt) / 1000),
    versions: deps.fanout.versions(),
  });
}

/**
 * The public listener: `/health` (always open), `/snapshot/:channel` (a token covering the channel
 * when access control is on) and the dashboard's files. Host and Origin are checked on all but `/health`.
 */
export function registerHttpRoutes(app: TemplatedApp, deps: HttpDeps): void {
  const { fanout, access, guard } = deps;
  const refused = (req: Request): Reply | undefined => {
    const refusal = access.refuseRequest({ host: req.header('host'), origin: req.header('origin'), peer: '', forwardedFor: '' });
    return refusal === undefined ? undefined : refusalReply(refusal);
  };

  route(app, guard, '/health', 0, [], () => healthReply(deps));

  route(app, guard, '/snapshot/:channel', 1, ['version'], async (req) => {
    const early = refused(req);
    if (early !== undefined) return early;
    const raw = req.parameters[0] ?? '';
    const channel = decodeParameter(raw);
    const authorized = await access.authorize(bearerOf(req.header('authorization')));
    if (E.isLeft(authorized)) return refusalReply(authorized.left);
    const snapshot = channel === undefined ? undefined : fanout.snapshot(channel);
    if (channel === undefined || snapshot === undefined) {
      return jsonReply('404 Not Found', { error: 'unknown_channel', message: `Unknown channel "${(channel ?? raw).slice(0, 128)}"` });
    }
    if (!access.covers(authorized.right, channel)) return refusalReply({ kind: 'forbidden', reason: `the token does not cover "${channel}"` });
    const asked = req.query('version');
    if (asked === '') return jsonReply('200 OK', { channel, version: snapshot.version, epoch: fanout.epoch, state: snapshot.state });
    const version = /^\d{1,15}$/.test(asked) ? Number(asked) : undefined;
    const state = version === undefined ? undefined : fanout.stateAt(channel, version);
    if (version === undefined || state === undefined) {
      const message =
        version === undefined ? `version must be a whole number, got "${asked.slice(0, 64)}"` : `version ${version} of "${channel}" is not held (published states are kept for the resume window)`;
      return jsonReply(version === undefined ? '400 Bad Request' : '404 Not Found', { error: version === undefined ? 'bad_request' : 'version_not_held', message });
    }
    return jsonReply('200 OK', { channel, version, epoch: fanout.epoch, state });
  });

  route(app, guard, '/*', 0, [], (req) => {
    const early = refused(req);
    if (early !== undefined) return early;
    const file = deps.staticFiles.get(req.url);
    if (file === undefined) return textReply('404 Not Found', 'Not found (is the dashboard built? npm run build)\n');
    return { status: '200 OK', contentType: file.contentType, body: file.body };
  });

  notAllowed(app, guard);
}

/** The admin listener (loopback by default): `/metrics`, `/rejected` and `/health`. */
export function registerAdminRoutes(app: TemplatedApp, deps: AdminDeps): void {
  const { metrics, rejections, guard } = deps;
  const refused = (req: Request): Reply | undefined => {
    const reason = deps.refuseHost(req.header('host'));
    return reason === undefined ? undefined : refusalReply({ kind: 'forbidden', reason });
  };
  route(app, guard, '/health', 0, [], () => deps.health());
  route(app, guard, '/metrics', 0, [], async (req) => refused(req) ?? { status: '200 OK', contentType: metrics.registry.contentType, body: await metrics.registry.metrics() });
  route(app, guard, '/rejected', 0, [], (req) => refused(req) ?? jsonReply('200 OK', { totals: Object.fromEntries(rejections.totals), recent: rejections.list() }));
  route(app, guard, '/*', 0, [], () => textReply('404 Not Found', 'Not found: the admin listener serves /metrics, /rejected and /health\n'));
  notAllowed(app, guard);
}
