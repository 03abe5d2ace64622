import * as E from 'fp-ts/Either';
import type { Logger } from 'pino';
import type { WebSocket, WebSocketBehavior } from 'uWebSockets.js';
import type { Grant } from '../auth/grant';
import { CLOSE_POLICY_VIOLATION, CLOSE_UNAUTHORIZED, type ClientMessage, type ErrorCode, type ResumePoint } from '../client/protocol';
import type { ServerConfig } from '../config';
import { isAgentChannel } from '../events';
import type { Access } from './access';
import { admit, type Admitted } from './admission';
import { expandChannels, PROJECTION_CHANNELS } from './channels';
import { decodeClientMessage } from './clientMessage';
import { SEND_DROPPED, writeCorked, type Outgoing, type SendStatus } from './corkedWriter';
import { HEARTBEAT_TOPIC, type Fanout } from './fanout';
import { answerFault } from './httpReply';
import type { Guard } from './guard';
import type { Metrics } from './metrics';
import { createOutsideHandlers } from './outsideHandlers';
import { Strikes, TokenBucket } from './rateLimiter';
import { createSnapshotPacer, type Pacing } from './snapshotPacer';
import { createTokenExpiry } from './tokenExpiry';
import type { WsQuery } from './wsQuery';

/** What the server keeps per socket. */
export interface SocketData {
  readonly id: number;
  /** Channels from `?channels=` at connect time; emptied once subscribed. */
  initial: readonly string[];
  /** `?epoch=…&since=…` at connect time: the versions to resume the initial channels from. */
  readonly since: ResumePoint | undefined;
  /** What the token allows; `undefined` when access control is off. */
  grant: Grant | undefined;
  /** The client address the connection caps count it under. */
  readonly address: string;
  /** Whether it holds a slot in the connection caps. */
  readonly slot: boolean;
  /** Set when the upgrade was refused: the socket is closed with this code as soon as it opens. */
  readonly refusal: { readonly code: number; readonly reason: string } | undefined;
  /** When each channel's last snapshot went out, and the snapshots put off to keep to one a second (made at the first snapshot). */
  pacing: Pacing | undefined;
  /** Closes the socket with 4401 when the token expires. */
  expiry: ReturnType<typeof setTimeout> | undefined;
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

/** At most one snapshot per channel per connection in this period. */
const SNAPSHOT_INTERVAL_MS = 1000;
/** Channel names longer than this are cut in the errors that echo them. */
const MAX_ECHOED_NAME = 64;

/** Dependencies of the WebSocket handlers. */
export interface SocketDeps {
  readonly config: ServerConfig;
  readonly fanout: Fanout;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly access: Access;
  readonly guard: Guard;
}

/** The `/ws` behaviour and the set of open sockets (for shutdown and backpressure checks). */
export function createSockets(deps: SocketDeps) {
  const { config, fanout, metrics, log, access, guard } = deps;
  const sockets = new Set<Socket>();
  let nextId = 1;
  /**
   * Replies with snapshots are written outside uWS's handlers: those are corked, and a frame that
   * does not fit the cork buffer goes to the socket's own send buffer, whose capacity uWS keeps
   * for the socket's life (~16 KB per idle client). Whatever the client sent after such a request
   * waits behind it, so replies keep their order.
   */
  const outside = createOutsideHandlers<Socket>((error) => guard.fault('ws later', error));

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

  /** ONE error for all the channels of a request that share a code: its size follows the request's, not a frame per name. */
  const channelsError = (code: ErrorCode, what: string, names: readonly string[]): Reply => {
    metrics.clientErrors.inc({ code });
    const shown = names.map((name) => (name.length > MAX_ECHOED_NAME ? `${name.slice(0, MAX_ECHOED_NAME)}…` : name));
    const message = shown.length === 1 ? `${what} "${shown[0] as string}"` : `${shown.length} ${what.toLowerCase()}s (see channels)`;
    return text(JSON.stringify({ type: 'error', code, message, channel: shown[0], channels: shown }), 'error');
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

  /** Counts an offence; a client with too many within a minute is closed with 1008, and its address waits before it is let back in. */
  const offend = (ws: Socket, data: SocketData): void => {
    const now = Date.now();
    if (data.closed || !data.strikes.strike(now)) return;
    metrics.policyCloses.inc();
    log.info({ socket: data.id }, 'closing a client that keeps sending bad frames or exceeding the rate (1008)');
    access.limits.penalize(data.address, now);
    data.closed = true;
    ws.end(CLOSE_POLICY_VIOLATION, 'policy violation');
  };

  /** At most one snapshot per channel per connection per second: the rest are put off to the end of that second. */
  const pacer = createSnapshotPacer<Socket, SocketData>({
    channels: PROJECTION_CHANNELS,
    intervalMs: SNAPSHOT_INTERVAL_MS,
    send: (ws, data, channel) => write(ws, [snapshotReply(data, channel)]),
    guard,
  });

  /** A request naming more channels than exist is refused whole: it can only be hostile. */
  const tooMany = (ws: Socket, data: SocketData, requested: readonly string[]): boolean => {
    if (requested.length <= PROJECTION_CHANNELS.length) return false;
    sendError(ws, 'bad_request', `A request names at most ${PROJECTION_CHANNELS.length} channels; this one named ${requested.length}`);
    offend(ws, data);
    return true;
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

  /**
   * Unknown and forbidden channels get one error each kind and count as one offence; `*` means the
   * channels the token covers. Then `subscribed`, then per channel the catch-up from the version the
   * client holds, or a snapshot (paced).
   */
  const subscribe = (ws: Socket, data: SocketData, requested: readonly string[], since?: ResumePoint): void => {
    if (tooMany(ws, data, requested)) return;
    const { known, unknown } = expandChannels(requested);
    const named = new Set(requested);
    const allowed = known.filter((c) => access.covers(data.grant, c));
    const forbidden = known.filter((c) => !access.covers(data.grant, c) && named.has(c));
    const replies: Reply[] = [];
    if (unknown.length > 0) replies.push(channelsError('unknown_channel', 'Unknown channel', unknown));
    if (forbidden.length > 0) replies.push(channelsError('forbidden', 'Forbidden channel', forbidden));
    const resumed: Record<string, number> = {};
    const channelReplies: Reply[] = [];
    // One synchronous step: join the topic, then the snapshot (or the catch-up from the version the client
    // holds) as of the last flush, so the next delta starts from it.
    for (const channel of allowed) {
      data.channels.add(channel);
      ws.subscribe(channel);
      const catchUp = resumeFrom(since, channel);
      if (catchUp === undefined) {
        if (pacer.take(ws, data, channel)) channelReplies.push(snapshotReply(data, channel));
        continue;
      }
      resumed[channel] = since?.versions[channel] as number;
      if (catchUp !== '') channelReplies.push(text(catchUp, 'delta'));
    }
    const subscribed = since === undefined ? { type: 'subscribed', channels: allowed, epoch: fanout.epoch } : { type: 'subscribed', channels: allowed, epoch: fanout.epoch, resumed };
    replies.push(text(JSON.stringify(subscribed), 'subscribed'), ...channelReplies);
    write(ws, replies);
    if (unknown.length > 0 || forbidden.length > 0) offend(ws, data);
  };

  const leave = (ws: Socket, data: SocketData, channel: string): void => {
    data.channels.delete(channel);
    data.unsent.delete(channel);
    pacer.forget(data, channel);
    ws.unsubscribe(channel);
  };

  const unsubscribe = (ws: Socket, data: SocketData, requested: readonly string[]): void => {
    if (tooMany(ws, data, requested)) return;
    const { known, unknown } = expandChannels(requested);
    if (unknown.length > 0) send(ws, channelsError('unknown_channel', 'Unknown channel', unknown));
    for (const channel of known) leave(ws, data, channel);
    send(ws, text(JSON.stringify({ type: 'unsubscribed', channels: known }), 'unsubscribed'));
    if (unknown.length > 0) offend(ws, data);
  };

  const expiry = createTokenExpiry<Socket, SocketData>({
    expired: (ws, data) => {
      if (data.closed) return;
      log.debug({ socket: data.id }, 'token expired without refresh (4401)');
      data.closed = true;
      ws.end(CLOSE_UNAUTHORIZED, 'token expired');
    },
    guard,
  });

  /** A new token replaces the old one (same subject); channels it no longer covers are left, with one `forbidden` error. */
  const refresh = (ws: Socket, data: SocketData, token: string): void => {
    if (!access.enabled) return;
    const current = data.grant;
    access
      .authorize(token)
      .then((result) => {
        if (data.closed) return;
        const refusal = E.isLeft(result) ? result.left.reason : result.right?.sub !== current?.sub ? 'refresh token for another subject' : undefined;
        if (refusal !== undefined || E.isLeft(result) || result.right === undefined) {
          data.closed = true;
          ws.end(CLOSE_UNAUTHORIZED, `refresh refused: ${refusal ?? 'no grant'}`);
          return;
        }
        const grant = result.right;
        data.grant = grant;
        expiry.arm(ws, data, grant.exp);
        const lost = [...data.channels].filter((c) => !access.covers(grant, c));
        if (lost.length === 0) return;
        for (const channel of lost) leave(ws, data, channel);
        ws.cork(() => {
          send(ws, channelsError('forbidden', 'Forbidden channel', lost));
          send(ws, text(JSON.stringify({ type: 'unsubscribed', channels: lost }), 'unsubscribed'));
        });
      })
      .catch((error: unknown) => guard.fault('ws refresh', error));
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
            sendError(ws, 'not_subscribed', `Not subscribed to "${message.channel.slice(0, MAX_ECHOED_NAME)}"`, message.channel.slice(0, MAX_ECHOED_NAME));
            return;
          }
          metrics.resyncs.inc();
          if (pacer.take(ws, data, message.channel)) write(ws, [snapshotReply(data, message.channel)]);
        });
      case 'refresh':
        return refresh(ws, data, message.token);
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

  const dataOf = (admitted: Admitted): SocketData => {
    const now = Date.now();
    return {
      id: nextId++,
      initial: admitted.query.channels,
      since: resumePoint(admitted.query),
      grant: admitted.grant,
      address: admitted.address,
      slot: admitted.slot,
      refusal: admitted.refusal,
      pacing: undefined,
      expiry: undefined,
      channels: new Set(),
      bucket: new TokenBucket(config.rateLimit, config.rateBurst, now),
      strikes: new Strikes(config.maxStrikes),
      unsent: new Set(),
      skipped: false,
      closed: false,
      later: [],
    };
  };

  const behavior: WebSocketBehavior<SocketData> = {
    maxPayloadLength: config.maxFrameBytes,
    idleTimeout: config.idleTimeoutSec,
    sendPingsAutomatically: true,
    maxBackpressure: config.maxBackpressureBytes,
    closeOnBackpressureLimit: 0,
    upgrade: guard.wrap(
      'ws upgrade',
      (res, req, context) => {
        // Copied now: the request is only valid during this callback.
        const key = req.getHeader('sec-websocket-key');
        const extensions = req.getHeader('sec-websocket-extensions');
        const facts = {
          query: req.getQuery() ?? '',
          host: req.getHeader('host'),
          origin: req.getHeader('origin'),
          forwardedFor: req.getHeader('x-forwarded-for'),
          protocols: req.getHeader('sec-websocket-protocol'),
          peer: Buffer.from(res.getRemoteAddressAsText()).toString(),
        };
        const upgrade = (admitted: Admitted): void => res.upgrade(dataOf(admitted), key, admitted.echo, extensions, context);
        const admitted = admit(access, facts, Date.now());
        if (!(admitted instanceof Promise)) return upgrade(admitted);
        let aborted = false;
        res.onAborted(() => {
          aborted = true;
        });
        admitted.then(
          (result) => {
            if (aborted) {
              if (result.slot) access.limits.release(result.address);
              return;
            }
            try {
              res.cork(() => upgrade(result));
            } catch (error) {
              if (result.slot) access.limits.release(result.address);
              guard.fault('ws upgrade', error);
              answerFault(res);
            }
          },
          (error: unknown) => {
            guard.fault('ws upgrade', error);
            if (!aborted) answerFault(res);
          },
        );
      },
      (res) => answerFault(res),
    ),
    open: guard.wrap('ws open', (ws) => {
      const data = ws.getUserData();
      if (data.refusal !== undefined) {
        metrics.refusals.inc({ code: String(data.refusal.code) });
        log.debug({ socket: data.id, code: data.refusal.code, reason: data.refusal.reason }, 'connection refused');
        data.closed = true;
        ws.end(data.refusal.code, data.refusal.reason);
        return;
      }
      sockets.add(ws);
      metrics.connections.inc();
      log.debug({ socket: data.id, channels: data.initial.length }, 'connection open');
      ws.subscribe(HEARTBEAT_TOPIC);
      if (data.grant !== undefined) expiry.arm(ws, data, data.grant.exp);
      if (data.initial.length > 0) {
        outside.later(ws, data, () => {
          const initial = data.initial;
          data.initial = [];
          subscribe(ws, data, initial, data.since);
        });
      }
    }),
    message: guard.wrap(
      'ws message',
      (ws, raw, isBinary) => {
        const data = ws.getUserData();
        if (data.closed) return;
        // Copied now: the ArrayBuffer is only valid during this callback.
        const frame = isBinary ? undefined : Buffer.from(raw).toString('utf8');
        if (data.later.length > 0) outside.later(ws, data, () => receive(ws, data, frame));
        else receive(ws, data, frame);
      },
      (ws) => sendError(ws, 'bad_request', 'This frame could not be handled'),
    ),
    drain: guard.wrap('ws drain', (ws) => {
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
    }),
    close: guard.wrap('ws close', (ws, code) => {
      const data = ws.getUserData();
      data.closed = true;
      if (data.slot) access.limits.release(data.address);
      if (data.refusal !== undefined) return;
      expiry.disarm(data);
      pacer.forgetAll(data);
      sockets.delete(ws);
      outside.forget(ws);
      metrics.connections.dec();
      log.debug({ socket: data.id, code }, 'connection closed');
    }),
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

/** `?epoch=…&since=…` → the resume point, when the query gave both. */
function resumePoint(query: WsQuery): ResumePoint | undefined {
  if (query.epoch === undefined || query.since === undefined || query.since.size === 0) return undefined;
  return { epoch: query.epoch, versions: Object.fromEntries(query.since) };
}
