import type { BackoffOptions } from './backoff';
import type { DeltaFrame, ErrorFrame, ServerFrame } from './protocol';

/** The reference client's public contract: what it needs of a WebSocket, its options, events, statuses and counters. */

/**
 * What the client needs of a WebSocket: the browser's, or `ws` in Node. Handlers take
 * `never` so that any implementation's own event types fit; the client reads only `data`.
 */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket class: `globalThis.WebSocket` in browsers, `ws` in Node 20. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/**
 * `connecting` before the first live moment, `live` when every channel is in sync, `resyncing` while one
 * waits for a fresh snapshot, `reconnecting` after a drop, `denied` after the server refused the token,
 * origin or host (4401/4403: no reconnect; see the `denied` event), `closed` after `close()`.
 */
export type ClientStatus = 'connecting' | 'live' | 'resyncing' | 'reconnecting' | 'denied' | 'closed';

/** Client options. */
export interface ClientOptions {
  /** The server's WebSocket endpoint, e.g. `ws://127.0.0.1:8000/ws`. */
  readonly url: string;
  /** Channels to subscribe to at connect time (`*` for all). */
  readonly channels?: readonly string[];
  /** The WebSocket class; defaults to `globalThis.WebSocket`. */
  readonly WebSocket?: WebSocketConstructor;
  /** Reconnect delays. */
  readonly backoff?: BackoffOptions;
  /** A resync that got no snapshot within this many ms is sent again. */
  readonly resyncTimeoutMs?: number;
  /** With no frame at all for this many ms (heartbeats come every second), the connection is dropped and made again. */
  readonly staleAfterMs?: number;
  /** Connect in the constructor (default true). */
  readonly autoConnect?: boolean;
  /** An access token (JWT), sent as the subprotocol `bearer.<token>` next to `pm-arb.v1`; replace it with `refresh`. */
  readonly token?: string;
}

/** A change of one channel's state. */
export interface ChannelChange {
  readonly channel: string;
  readonly version: number;
  readonly state: unknown;
  /** `snapshot` for a whole new state, `delta` for a patch applied. */
  readonly cause: 'snapshot' | 'delta';
  /** The delta applied, when `cause` is `delta`: carries `ts` and `ts_first`. */
  readonly delta?: DeltaFrame;
}

/** Events a client emits. */
export interface ClientEvents {
  change: (change: ChannelChange) => void;
  status: (status: ClientStatus) => void;
  /** An error frame from the server (unknown channel, rate limited, ...). */
  serverError: (frame: ErrorFrame) => void;
  /** Every frame as received, for tools that measure. */
  frame: (frame: ServerFrame) => void;
  /** The server refused the connection for good (4401 token, 4403 origin or host): the client stops reconnecting. */
  denied: (why: Denial) => void;
}

/** Why the server refused a connection: its close code and reason. */
export interface Denial {
  readonly code: number;
  readonly reason: string;
}

/** Counters a client keeps, for tests and dashboards. */
export interface ClientStats {
  connects: number;
  reconnects: number;
  snapshots: number;
  deltas: number;
  heartbeats: number;
  /** Resync requests sent (first tries and retries). */
  resyncs: number;
  /** Resyncs sent again after no answer. */
  resyncRetries: number;
  /** Channels continued after a reconnect from the version held, without a snapshot. */
  resumes: number;
}
