import * as E from 'fp-ts/Either';
import type { Logger } from 'pino';
import type { WebSocket, WebSocketBehavior } from 'uWebSockets.js';
import { CLOSE_POLICY_VIOLATION, type ClientMessage, type ErrorCode, type ResumePoint } from '../client/protocol';
import type { ServerConfig } from '../config';
import { isAgentChannel } from '../events';
import { expandChannels } from './channels';
import { decodeClientMessage } from './clientMessage';
import { SEND_DROPPED, writeCorked, type Outgoing, type SendStatus } from './corkedWriter';
import { HEARTBEAT_TOPIC, type Fanout } from './fanout';
import type { Metrics } from './metrics';
import { createOutsideHandlers } from './outsideHandlers';
import { Strikes, TokenBucket } from './rateLimiter';

/** What the server keeps per socket. */
export interface SocketData {
  readonly id: number;
  /** Channels from `?channels=` at connect time. */
  readonly initial: readonly string[];
  /** `?epoch=…&since=…` at connect time: the versions to resume the initial channels from. */
  readonly since: ResumePoint | undefined;
  readonly channels: Set<string>;
  readonly bucket: TokenBucket;
  readonly strikes: Strikes;
  /** Channels whose snapshot backpressure dropped: sent again on drain. */
  readonly unsent: Set<string>;
  /** Set when frames may have been skipped for backpressure: a heartbeat is sent on drain so the client can check. */
  skipped: boolean;
  closed: boolean;
  /** Work waiting to run outside uWS's handlers, in arrival order. */
  later: (() => void)[];
}

type Socket = WebSocket<SocketData>;

/** Dependencies of the WebSocket handlers. */
export interface SocketDeps {
  readonly config: ServerConfig;
  readonly fanout: Fanout;
  readonly metrics: Metrics;
  readonly log: Logger;
}

/** The `/ws` behaviour and the set of open sockets (for shutdown and backpressure checks). */
export function createSockets(deps: SocketDeps) {
  const { config, fanout, metrics, log } = deps;
  const sockets = new Set<Socket>();
  let nextId = 1;
  /**
   * Replies with snapshots are written outside uWS's handlers: those are corked, and a frame that
   * does not fit the cork buffer goes to the socket's own send buffer, whose capacity uWS keeps
   * for the socket's life (~16 KB per idle client). Whatever the client sent after such a request
   * waits behind it, so replies keep their order.
   */
  const outside = createOutsideHandlers<Socket>();

  /** A frame for the client, its type for the metrics, and what to do once it went out (or was dropped). */
  interface Reply extends Outgoing {
    readonly type: string;
    readonly sent?: (status: SendStatus) => void;
  }

  const text = (frame: string, type: string): Reply => ({ data: frame, bytes: Buffer.byteLength(frame), type });

  const counted = (reply: Reply, status: SendStatus): void => {
    if (status !== SEND_DROPPED) {
      metrics.framesOut.inc({ type: reply.type });
      metrics.bytesOut.inc(reply.bytes);
    }
    reply.sent?.(status);
  };

  /** Sends one small frame right away (into the cork of the handler it is called from). */
  const send = (ws: Socket, reply: Reply): void => counted(reply, ws.send(reply.data, false) as SendStatus);

  /** Sends frames outside uWS's handlers, in corks that fit its buffer (see corkedWriter). */
  const write = (ws: Socket, replies: readonly Reply[]): void => {
    const statuses = writeCorked(ws, replies, config.maxBackpressureBytes);
    if (statuses !== undefined) replies.forEach((reply, i) => counted(reply, statuses[i] as SendStatus));
  };

  const errorReply = (code: ErrorCode, message: string, channel?: string): Reply => {
    metrics.clientErrors.inc({ code });
    return text(JSON.stringify(channel === undefined ? { type: 'error', code, message } : { type: 'error', code, message, channel }), 'error');
  };

  /** The snapshot as of the last flush; if backpressure drops it, it is sent again on drain. */
  const snapshotReply = (data: SocketData, channel: string): Reply => {
    const snapshot = fanout.cachedSnapshot(channel);
    return {
      data: snapshot.buffer,
      bytes: snapshot.bytes,
      type: 'snapshot',
      sent: (status) => {
        if (status === SEND_DROPPED) {
          data.unsent.add(channel);
          return;
        }
        data.unsent.delete(channel);
        metrics.snapshotsSent.inc({ channel });
      },
    };
  };

  const sendError = (ws: Socket, code: ErrorCode, message: string, channel?: string): void => send(ws, errorReply(code, message, channel));

  /** Counts an offence; a client with too many within a minute is closed with 1008. */
  const offend = (ws: Socket, data: SocketData): void => {
    if (!data.strikes.strike(Date.now())) return;
    metrics.policyCloses.inc();
    log.info({ socket: data.id }, 'closing a client that keeps sending bad frames or exceeding the rate (1008)');
    data.closed = true;
    ws.end(CLOSE_POLICY_VIOLATION, 'policy violation');
  };

  /**
   * The catch-up for a channel the client asks to resume from a version of the same epoch: `''` (nothing
   * to send), a delta frame, or `undefined` when that state is no longer held (a snapshot it is).
   */
  const resumeFrom = (since: ResumePoint | undefined, channel: string): string | undefined => {
    const version = since?.versions[channel];
    // Only channels fed by the log have versions that mean the same state everywhere: `system` counts its own.
    if (since === undefined || version === undefined || !isAgentChannel(channel)) return undefined;
    const frame = since.epoch === fanout.epoch && fanout.epoch !== '' ? fanout.catchUpFrame(channel, version) : undefined;
    metrics.resumes.inc({ outcome: frame === undefined ? 'snapshot' : 'resumed' });
    return frame;
  };

  const subscribe = (ws: Socket, data: SocketData, requested: readonly string[], since?: ResumePoint): void => {
    const { known, unknown } = expandChannels(requested);
    const replies = unknown.map((channel) => errorReply('unknown_channel', `Unknown channel "${channel}"`, channel));
    const resumed: Record<string, number> = {};
    const channelReplies: Reply[] = [];
    // One synchronous step: join the topic, then the snapshot (or the catch-up from the version the client
    // holds) as of the last flush, so the next delta starts from it.
    for (const channel of known) {
      data.channels.add(channel);
      ws.subscribe(channel);
      const catchUp = resumeFrom(since, channel);
      if (catchUp === undefined) {
        channelReplies.push(snapshotReply(data, channel));
        continue;
      }
      resumed[channel] = since?.versions[channel] as number;
      if (catchUp !== '') channelReplies.push(text(catchUp, 'delta'));
    }
    const subscribed = since === undefined ? { type: 'subscribed', channels: known, epoch: fanout.epoch } : { type: 'subscribed', channels: known, epoch: fanout.epoch, resumed };
    replies.push(text(JSON.stringify(subscribed), 'subscribed'), ...channelReplies);
    write(ws, replies);
  };

  const unsubscribe = (ws: Socket, data: SocketData, requested: readonly string[]): void => {
    const { known, unknown } = expandChannels(requested);
    for (const channel of unknown) sendError(ws, 'unknown_channel', `Unknown channel "${channel}"`, channel);
    for (const channel of known) {
      data.channels.delete(channel);
      data.unsent.delete(channel);
      ws.unsubscribe(channel);
    }
    send(ws, text(JSON.stringify({ type: 'unsubscribed', channels: known }), 'unsubscribed'));
  };

  const handle = (ws: Socket, data: SocketData, message: ClientMessage): void => {
    switch (message.type) {
      case 'ping':
        send(ws, text('{"type":"pong"}', 'pong'));
        return;
      case 'subscribe':
        return outside.later(ws, data, () => subscribe(ws, data, message.channels, message.since));
      case 'unsubscribe':
        return unsubscribe(ws, data, message.channels);
      case 'resync':
        return outside.later(ws, data, () => {
          if (!data.channels.has(message.channel)) {
            sendError(ws, 'not_subscribed', `Not subscribed to "${message.channel}"`, message.channel);
            return;
          }
          metrics.resyncs.inc();
          write(ws, [snapshotReply(data, message.channel)]);
        });
    }
  };

  /** One frame from the client, already copied out of uWS's buffer (`undefined`: binary). */
  const receive = (ws: Socket, data: SocketData, frame: string | undefined): void => {
    if (!data.bucket.take(Date.now())) {
      sendError(ws, 'rate_limited', `More than ${config.rateLimit} messages per second`);
      return offend(ws, data);
    }
    if (frame === undefined) {
      sendError(ws, 'bad_request', 'Binary frames are not accepted: send JSON text');
      return offend(ws, data);
    }
    const decoded = decodeClientMessage(frame);
    if (E.isLeft(decoded)) {
      sendError(ws, 'bad_request', decoded.left);
      return offend(ws, data);
    }
    handle(ws, data, decoded.right);
  };

  const behavior: WebSocketBehavior<SocketData> = {
    maxPayloadLength: config.maxFrameBytes,
    idleTimeout: config.idleTimeoutSec,
    sendPingsAutomatically: true,
    maxBackpressure: config.maxBackpressureBytes,
    closeOnBackpressureLimit: 0,
    upgrade: (res, req, context) => {
      const query = req.getQuery('channels');
      const initial = query === undefined || query === '' ? [] : query.split(',').filter((c) => c !== '');
      const since = parseSince(req.getQuery('epoch'), req.getQuery('since'));
      const now = Date.now();
      const data: SocketData = {
        id: nextId++,
        initial,
        since,
        channels: new Set(),
        bucket: new TokenBucket(config.rateLimit, config.rateBurst, now),
        strikes: new Strikes(config.maxStrikes),
        unsent: new Set(),
        skipped: false,
        closed: false,
        later: [],
      };
      res.upgrade(
        data,
        req.getHeader('sec-websocket-key'),
        req.getHeader('sec-websocket-protocol'),
        req.getHeader('sec-websocket-extensions'),
        context,
      );
    },
    open: (ws) => {
      const data = ws.getUserData();
      sockets.add(ws);
      metrics.connections.inc();
      log.debug({ socket: data.id, channels: data.initial }, 'connection open');
      ws.subscribe(HEARTBEAT_TOPIC);
      if (data.initial.length > 0) outside.later(ws, data, () => subscribe(ws, data, data.initial, data.since));
    },
    message: (ws, raw, isBinary) => {
      const data = ws.getUserData();
      if (data.closed) return;
      // Copied now: the ArrayBuffer is only valid during this callback.
      const frame = isBinary ? undefined : Buffer.from(raw).toString('utf8');
      if (data.later.length > 0) outside.later(ws, data, () => receive(ws, data, frame));
      else receive(ws, data, frame);
    },
    drain: (ws) => {
      const data = ws.getUserData();
      if (ws.getBufferedAmount() > config.maxBackpressureBytes / 2) return;
      if (data.unsent.size > 0) {
        const channels = [...data.unsent];
        metrics.snapshotResends.inc(channels.length);
        write(ws, channels.map((channel) => snapshotReply(data, channel)));
      }
      if (data.skipped) {
        data.skipped = false;
        send(ws, text(fanout.heartbeatFrame(), 'heartbeat'));
      }
    },
    close: (ws, code) => {
      const data = ws.getUserData();
      data.closed = true;
      sockets.delete(ws);
      outside.forget(ws);
      metrics.connections.dec();
      log.debug({ socket: data.id, code }, 'connection closed');
    },
  };

  return {
    behavior,
    /** Open sockets right now. */
    get count(): number {
      return sockets.size;
    },
    /** Marks sockets at their backpressure limit: they have been skipped and get a heartbeat once they drain. */
    markSkipped(): void {
      for (const ws of sockets) {
        if (ws.getBufferedAmount() >= config.maxBackpressureBytes) ws.getUserData().skipped = true;
      }
    },
    /** Closes every socket with `code` (1001 at shutdown). */
    closeAll(code: number, reason: string): void {
      for (const ws of [...sockets]) ws.end(code, reason);
    },
  };
}

/**
 * `?epoch=…&since=risk.state:4711,trade.results:90` → a resume point, or `undefined` when either is
 * missing or `since` is malformed (the client then simply gets snapshots).
 */
export function parseSince(epoch: string | undefined, since: string | undefined): ResumePoint | undefined {
  if (epoch === undefined || epoch === '' || since === undefined || since === '') return undefined;
  const versions: Record<string, number> = {};
  for (const item of since.split(',')) {
    const colon = item.lastIndexOf(':');
    const version = Number(item.slice(colon + 1));
    if (colon <= 0 || !/^\d+$/.test(item.slice(colon + 1)) || !Number.isSafeInteger(version)) return undefined;
    versions[decodeURIComponent(item.slice(0, colon))] = version;
  }
  return { epoch: decodeURIComponent(epoch), versions };
}
