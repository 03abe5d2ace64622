import * as E from 'fp-ts/Either';
import type { Logger } from 'pino';
import type { WebSocket, WebSocketBehavior } from 'uWebSockets.js';
import { CLOSE_POLICY_VIOLATION, type ClientMessage, type ErrorCode } from '../client/protocol';
import type { ServerConfig } from '../config';
import { expandChannels } from './channels';
import { decodeClientMessage } from './clientMessage';
import { HEARTBEAT_TOPIC, type Fanout } from './fanout';
import type { Metrics } from './metrics';
import { Strikes, TokenBucket } from './rateLimiter';

/** What the server keeps per socket. */
export interface SocketData {
  readonly id: number;
  /** Channels from `?channels=` at connect time. */
  readonly initial: readonly string[];
  readonly channels: Set<string>;
  readonly bucket: TokenBucket;
  readonly strikes: Strikes;
  /** Channels whose snapshot backpressure dropped: sent again on drain. */
  readonly unsent: Set<string>;
  /** Set when frames may have been skipped for backpressure: a heartbeat is sent on drain so the client can check. */
  skipped: boolean;
  closed: boolean;
}

type Socket = WebSocket<SocketData>;

const SEND_DROPPED = 2;

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

  const sendText = (ws: Socket, frame: string, type: string, bytes = Buffer.byteLength(frame)): number => {
    const status = ws.send(frame, false);
    if (status !== SEND_DROPPED) {
      metrics.framesOut.inc({ type });
      metrics.bytesOut.inc(bytes);
    }
    return status;
  };

  const sendError = (ws: Socket, code: ErrorCode, message: string, channel?: string): void => {
    metrics.clientErrors.inc({ code });
    sendText(ws, JSON.stringify(channel === undefined ? { type: 'error', code, message } : { type: 'error', code, message, channel }), 'error');
  };

  /** Counts an offence; a client with too many within a minute is closed with 1008. */
  const offend = (ws: Socket, data: SocketData): void => {
    if (!data.strikes.strike(Date.now())) return;
    metrics.policyCloses.inc();
    log.info({ socket: data.id }, 'closing a client that keeps sending bad frames or exceeding the rate (1008)');
    data.closed = true;
    ws.end(CLOSE_POLICY_VIOLATION, 'policy violation');
  };

  const sendSnapshot = (ws: Socket, data: SocketData, channel: string): void => {
    const snapshot = fanout.cachedSnapshot(channel);
    const status = sendText(ws, snapshot.frame, 'snapshot', snapshot.bytes);
    if (status === SEND_DROPPED) {
      data.unsent.add(channel);
      return;
    }
    data.unsent.delete(channel);
    metrics.snapshotsSent.inc({ channel });
  };

  const subscribe = (ws: Socket, data: SocketData, requested: readonly string[]): void => {
    const { known, unknown } = expandChannels(requested);
    // One synchronous step: join the topic, then the snapshot as of the last flush, so the next delta starts from it.
    ws.cork(() => {
      for (const channel of unknown) sendError(ws, 'unknown_channel', `Unknown channel "${channel}"`, channel);
      sendText(ws, JSON.stringify({ type: 'subscribed', channels: known }), 'subscribed');
      for (const channel of known) {
        data.channels.add(channel);
        ws.subscribe(channel);
        sendSnapshot(ws, data, channel);
      }
    });
  };

  const unsubscribe = (ws: Socket, data: SocketData, requested: readonly string[]): void => {
    const { known, unknown } = expandChannels(requested);
    for (const channel of unknown) sendError(ws, 'unknown_channel', `Unknown channel "${channel}"`, channel);
    for (const channel of known) {
      data.channels.delete(channel);
      data.unsent.delete(channel);
      ws.unsubscribe(channel);
    }
    sendText(ws, JSON.stringify({ type: 'unsubscribed', channels: known }), 'unsubscribed');
  };

  const handle = (ws: Socket, data: SocketData, message: ClientMessage): void => {
    switch (message.type) {
      case 'ping':
        sendText(ws, '{"type":"pong"}', 'pong');
        return;
      case 'subscribe':
        return subscribe(ws, data, message.channels);
      case 'unsubscribe':
        return unsubscribe(ws, data, message.channels);
      case 'resync':
        if (!data.channels.has(message.channel)) {
          sendError(ws, 'not_subscribed', `Not subscribed to "${message.channel}"`, message.channel);
          return;
        }
        metrics.resyncs.inc();
        sendSnapshot(ws, data, message.channel);
        return;
    }
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
      const now = Date.now();
      const data: SocketData = {
        id: nextId++,
        initial,
        channels: new Set(),
        bucket: new TokenBucket(config.rateLimit, config.rateBurst, now),
        strikes: new Strikes(config.maxStrikes),
        unsent: new Set(),
        skipped: false,
        closed: false,
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
      if (data.initial.length > 0) subscribe(ws, data, data.initial);
    },
    message: (ws, raw, isBinary) => {
      const data = ws.getUserData();
      if (data.closed) return;
      if (!data.bucket.take(Date.now())) {
        sendError(ws, 'rate_limited', `More than ${config.rateLimit} messages per second`);
        return offend(ws, data);
      }
      if (isBinary) {
        sendError(ws, 'bad_request', 'Binary frames are not accepted: send JSON text');
        return offend(ws, data);
      }
      // Decoded synchronously: the ArrayBuffer is only valid during this callback.
      const decoded = decodeClientMessage(Buffer.from(raw).toString('utf8'));
      if (E.isLeft(decoded)) {
        sendError(ws, 'bad_request', decoded.left);
        return offend(ws, data);
      }
      handle(ws, data, decoded.right);
    },
    drain: (ws) => {
      const data = ws.getUserData();
      if (ws.getBufferedAmount() > config.maxBackpressureBytes / 2) return;
      if (data.unsent.size > 0) {
        ws.cork(() => {
          for (const channel of [...data.unsent]) {
            metrics.snapshotResends.inc();
            sendSnapshot(ws, data, channel);
          }
        });
      }
      if (data.skipped) {
        data.skipped = false;
        sendText(ws, fanout.heartbeatFrame(), 'heartbeat');
      }
    },
    close: (ws, code) => {
      const data = ws.getUserData();
      data.closed = true;
      sockets.delete(ws);
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
