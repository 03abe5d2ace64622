/** The WebSocket wire protocol (`/ws`), shared by the server and every client: see the README's protocol section. */

/** One RFC 6902 operation; the server emits only these three. */
export type PatchOperation =
  | { readonly op: 'add'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'replace'; readonly path: string; readonly value: unknown };

/** Error codes a server sends in an `error` frame. */
export const ERROR_CODES = ['unknown_channel', 'bad_request', 'not_subscribed', 'rate_limited', 'forbidden'] as const;
/** One of the error codes. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The WebSocket subprotocol of this protocol: offer it (with `bearer.<jwt>` when sending a token); the server echoes only it. */
export const PROTOCOL_NAME = 'pm-arb.v1';

/** Close code for a client that keeps sending bad frames or keeps exceeding the rate (policy violation). */
export const CLOSE_POLICY_VIOLATION = 1008;
/** Close code the server uses when it shuts down. */
export const CLOSE_GOING_AWAY = 1001;
/** Close code when the server's projections started over (the log has a new epoch, or was rebuilt after a gap): reconnect and take snapshots. */
export const CLOSE_SERVICE_RESTART = 1012;
/** Close code for a missing, bad or expired token (access control on): reconnecting with the same token is pointless. */
export const CLOSE_UNAUTHORIZED = 4401;
/** Close code for an Origin or Host the server does not let in. */
export const CLOSE_FORBIDDEN = 4403;
/** Close code for too many connections (per address or in total), or an address waiting after an abuse close: back off. */
export const CLOSE_TOO_MANY = 4429;

/** Client → server. */
export type ClientMessage =
  | { readonly type: 'ping' }
  /** Channels to add; `["*"]` means every channel; `since`: resume from versions held before a disconnect. */
  | { readonly type: 'subscribe'; readonly channels: readonly string[]; readonly since?: ResumePoint }
  | { readonly type: 'unsubscribe'; readonly channels: readonly string[] }
  /** Ask again for a snapshot of a subscribed channel. */
  | { readonly type: 'resync'; readonly channel: string }
  /** Replace the connection's token before it expires (access control on). */
  | { readonly type: 'refresh'; readonly token: string };

/** Where a reconnecting client stands: the log epoch and the version it holds of each channel. */
export interface ResumePoint {
  readonly epoch: string;
  readonly versions: Readonly<Record<string, number>>;
}

/** Reply to `ping`. */
export interface PongFrame {
  readonly type: 'pong';
}

/** The channels a `subscribe` accepted (`*` expanded); snapshots follow. */
export interface SubscribedFrame {
  readonly type: 'subscribed';
  readonly channels: readonly string[];
  /** The log epoch the versions that follow belong to. */
  readonly epoch?: string;
  /** Channels continued from the version the client held: no snapshot follows for them, and their next delta starts at that version. */
  readonly resumed?: Readonly<Record<string, number>>;
}

/** The channels an `unsubscribe` removed. */
export interface UnsubscribedFrame {
  readonly type: 'unsubscribed';
  readonly channels: readonly string[];
}

/** A projection's whole state at one version. */
export interface SnapshotFrame {
  readonly type: 'snapshot';
  readonly channel: string;
  /** The version of `state`; the next delta on this channel has `from` equal to it. */
  readonly version: number;
  readonly state: unknown;
}

/** The changes from version `from` to version `to` of one projection. */
export interface DeltaFrame {
  readonly type: 'delta';
  readonly channel: string;
  /** The version the ops apply to. */
  readonly from: number;
  /** The version after applying them (`to - from` may exceed 1: deltas are conflated). */
  readonly to: number;
  /** Publish time (ISO-8601) of the newest event folded into this delta. */
  readonly ts: string;
  /** Publish time of the oldest event folded into it: latency is measured from here. */
  readonly ts_first: string;
  /** RFC 6902 JSON Patch. */
  readonly ops: readonly PatchOperation[];
}

/** Every channel's version as of the last flush, about once a second. */
export interface HeartbeatFrame {
  readonly type: 'heartbeat';
  /** The log epoch of the versions. */
  readonly epoch?: string;
  readonly versions: Readonly<Record<string, number>>;
}

/** A request the server could not honour; the connection stays open. */
export interface ErrorFrame {
  readonly type: 'error';
  readonly code: ErrorCode;
  /** A sentence for people. */
  readonly message: string;
  /** The channel concerned, when there is one (the first of `channels` when there are several). */
  readonly channel?: string;
  /** Every channel concerned, for an error about several (unknown or forbidden channels of one request). */
  readonly channels?: readonly string[];
}

/** Server → client. */
export type ServerFrame =
  | PongFrame
  | SubscribedFrame
  | UnsubscribedFrame
  | SnapshotFrame
  | DeltaFrame
  | HeartbeatFrame
  | ErrorFrame;
