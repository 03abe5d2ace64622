import { applyPatch, PatchError } from './applyPatch';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { Emitter } from './emitter';
import type { ClientMessage, DeltaFrame, ErrorFrame, HeartbeatFrame, ServerFrame, SnapshotFrame, SubscribedFrame } from './protocol';

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
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** `connecting` before the first live moment, `live` when every channel is in sync, `resyncing` while one waits for a fresh snapshot, `reconnecting` after a drop, `closed` after `close()`. */
export type ClientStatus = 'connecting' | 'live' | 'resyncing' | 'reconnecting' | 'closed';

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

interface ChannelEntry {
  version: number;
  state: unknown;
  /** Which snapshot it is waiting for, if any. */
  pending: 'initial' | 'resync' | null;
  resyncTimer: ReturnType<typeof setTimeout> | undefined;
}

const OPEN = 1;

/** Subscribes to projections, keeps their state in sync by the protocol's rules, and reconnects. */
export class ProjectionClient extends Emitter<ClientEvents> {
  readonly stats: ClientStats = { connects: 0, reconnects: 0, snapshots: 0, deltas: 0, heartbeats: 0, resyncs: 0, resyncRetries: 0, resumes: 0 };
  private readonly wanted = new Set<string>();
  private readonly entries = new Map<string, ChannelEntry>();
  private readonly WebSocketClass: WebSocketConstructor;
  private readonly backoff: BackoffOptions;
  private readonly resyncTimeoutMs: number;
  private readonly staleAfterMs: number;
  private socket: WebSocketLike | undefined;
  private currentStatus: ClientStatus = 'connecting';
  private attempt = 0;
  private everLive = false;
  private closed = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private staleTimer: ReturnType<typeof setInterval> | undefined;
  private lastFrameAt = 0;
  /** Between opening with channels and the server's `subscribed` reply. */
  private awaitingSubscribed = false;
  /** The log epoch the versions held belong to ('' until a server said). */
  private epoch = '';

  constructor(private readonly options: ClientOptions) {
    super();
    const ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (ctor === undefined) throw new Error('No WebSocket class: pass options.WebSocket (e.g. the `ws` package in Node 20)');
    this.WebSocketClass = ctor;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.resyncTimeoutMs = options.resyncTimeoutMs ?? 3000;
    this.staleAfterMs = options.staleAfterMs ?? 10_000;
    for (const channel of options.channels ?? []) this.wanted.add(channel);
    if (options.autoConnect ?? true) this.connect();
  }

  /** The connection status. */
  get status(): ClientStatus {
    return this.currentStatus;
  }

  /** The state of a channel as last received, or `undefined` before its first snapshot. */
  state(channel: string): unknown {
    return this.entries.get(channel)?.state;
  }

  /** The version of a channel's state, or `undefined` before its first snapshot. */
  version(channel: string): number | undefined {
    const entry = this.entries.get(channel);
    return entry === undefined || (entry.pending === 'initial' && entry.state === undefined) ? undefined : entry.version;
  }

  /** The channels subscribed to (as the server confirmed them). */
  channels(): string[] {
    return [...this.entries.keys()];
  }

  /** Opens the connection (done by the constructor unless `autoConnect` is false). */
  connect(): void {
    if (this.closed || this.socket !== undefined) return;
    const url = this.connectUrl();
    let socket: WebSocketLike;
    try {
      socket = new this.WebSocketClass(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.onOpen(socket);
    socket.onmessage = (event: { readonly data: unknown }) => this.onMessage(socket, event.data);
    socket.onclose = () => this.onClose(socket);
    socket.onerror = () => undefined; // a close event follows every error
  }

  /** Adds channels (`*` for all); snapshots follow. */
  subscribe(channels: readonly string[]): void {
    const added = channels.filter((c) => !this.wanted.has(c));
    for (const channel of added) this.wanted.add(channel);
    if (added.length > 0) this.send({ type: 'subscribe', channels: added });
  }

  /** Removes channels and forgets their state. */
  unsubscribe(channels: readonly string[]): void {
    for (const channel of channels) {
      this.wanted.delete(channel);
      this.forget(channel);
    }
    if (this.wanted.has('*')) this.wanted.delete('*');
    this.send({ type: 'unsubscribe', channels });
    this.updateStatus();
  }

  /** Asks for a fresh snapshot of a channel. */
  resync(channel: string): void {
    const entry = this.entries.get(channel);
    if (entry === undefined) return;
    entry.pending = 'resync';
    this.stats.resyncs += 1;
    this.send({ type: 'resync', channel });
    clearTimeout(entry.resyncTimer);
    entry.resyncTimer = setTimeout(() => {
      if (entry.pending !== 'resync' || this.entries.get(channel) !== entry) return;
      this.stats.resyncRetries += 1;
      this.resync(channel);
    }, this.resyncTimeoutMs);
    this.updateStatus();
  }

  /** Resolves once every subscribed channel holds a snapshot-based state and the client is live. */
  whenLive(): Promise<void> {
    if (this.currentStatus === 'live') return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.on('status', (status) => {
        if (status === 'live') {
          off();
          resolve();
        }
      });
    });
  }

  /** Closes for good: no reconnect. */
  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.staleTimer);
    for (const entry of this.entries.values()) clearTimeout(entry.resyncTimer);
    const socket = this.socket;
    this.socket = undefined;
    socket?.close(1000, 'client closed');
    this.setStatus('closed');
  }

  /**
   * The URL with the channels to subscribe to and, after a disconnect, where to resume them from:
   * the epoch and the version of every channel that holds a state.
   */
  private connectUrl(): string {
    if (this.wanted.size === 0) return this.options.url;
    const channels = this.wanted.has('*') ? '*' : [...this.wanted].map(encodeURIComponent).join(',');
    const held = [...this.entries].filter(([, entry]) => entry.state !== undefined).map(([channel, entry]) => `${encodeURIComponent(channel)}:${entry.version}`);
    const since = this.epoch === '' || held.length === 0 ? '' : `&epoch=${encodeURIComponent(this.epoch)}&since=${held.join(',')}`;
    return `${this.options.url}${this.options.url.includes('?') ? '&' : '?'}channels=${channels}${since}`;
  }

  private onOpen(socket: WebSocketLike): void {
    if (socket !== this.socket) return;
    this.stats.connects += 1;
    if (this.everLive) this.stats.reconnects += 1;
    for (const entry of this.entries.values()) {
      clearTimeout(entry.resyncTimer);
      entry.pending = 'initial';
    }
    this.awaitingSubscribed = this.wanted.size > 0;
    this.lastFrameAt = Date.now();
    clearInterval(this.staleTimer);
    this.staleTimer = setInterval(() => {
      if (Date.now() - this.lastFrameAt > this.staleAfterMs) socket.close(4000, 'no frames');
    }, Math.max(250, Math.floor(this.staleAfterMs / 4)));
    this.updateStatus();
  }

  private onClose(socket: WebSocketLike): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    clearInterval(this.staleTimer);
    if (this.closed) return;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = backoffDelay(this.attempt, this.backoff);
    this.attempt += 1;
    this.setStatus(this.everLive ? 'reconnecting' : 'connecting');
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private onMessage(socket: WebSocketLike, data: unknown): void {
    if (socket !== this.socket || typeof data !== 'string') return;
    this.lastFrameAt = Date.now();
    let frame: ServerFrame;
    try {
      frame = JSON.parse(data) as ServerFrame;
    } catch {
      return;
    }
    this.emit('frame', frame);
    switch (frame.type) {
      case 'subscribed':
        return this.onSubscribed(frame);
      case 'unsubscribed':
        for (const channel of frame.channels) this.forget(channel);
        this.updateStatus();
        return;
      case 'snapshot':
        return this.onSnapshot(frame);
      case 'delta':
        return this.onDelta(frame);
      case 'heartbeat':
        return this.onHeartbeat(frame);
      case 'error':
        return this.onError(frame);
      case 'pong':
        return;
    }
  }

  private onSubscribed(frame: SubscribedFrame): void {
    this.awaitingSubscribed = false;
    const sameEpoch = frame.epoch !== undefined && frame.epoch === this.epoch;
    if (frame.epoch !== undefined) this.epoch = frame.epoch;
    for (const channel of frame.channels) {
      const entry = this.entries.get(channel);
      if (entry === undefined) {
        this.entries.set(channel, { version: 0, state: undefined, pending: 'initial', resyncTimer: undefined });
        continue;
      }
      // Resumed at the version held: no snapshot follows, the next delta starts from that version.
      const resumed = frame.resumed?.[channel];
      if (sameEpoch && resumed !== undefined && resumed === entry.version && entry.state !== undefined && entry.pending === 'initial') {
        entry.pending = null;
        this.stats.resumes += 1;
      }
    }
    this.updateStatus();
  }

  private onSnapshot(frame: SnapshotFrame): void {
    const entry = this.entries.get(frame.channel);
    if (entry === undefined) return; // unsubscribed meanwhile
    clearTimeout(entry.resyncTimer);
    entry.state = frame.state;
    entry.version = frame.version;
    entry.pending = null;
    this.stats.snapshots += 1;
    this.emit('change', { channel: frame.channel, version: frame.version, state: frame.state, cause: 'snapshot' });
    this.updateStatus();
  }

  private onDelta(frame: DeltaFrame): void {
    const entry = this.entries.get(frame.channel);
    if (entry === undefined || entry.pending !== null) return; // a snapshot is on its way
    if (frame.to <= entry.version) return;
    if (frame.from !== entry.version) {
      this.resync(frame.channel);
      return;
    }
    try {
      entry.state = applyPatch(entry.state, frame.ops);
    } catch (error) {
      if (!(error instanceof PatchError)) throw error;
      this.resync(frame.channel);
      return;
    }
    entry.version = frame.to;
    this.stats.deltas += 1;
    this.emit('change', { channel: frame.channel, version: frame.to, state: entry.state, cause: 'delta', delta: frame });
  }

  private onHeartbeat(frame: HeartbeatFrame): void {
    this.stats.heartbeats += 1;
    // Versions of another epoch are not comparable with those held: every channel starts over.
    const otherEpoch = frame.epoch !== undefined && frame.epoch !== this.epoch;
    if (frame.epoch !== undefined) this.epoch = frame.epoch;
    for (const [channel, entry] of this.entries) {
      const version = frame.versions[channel];
      if (entry.pending === null && version !== undefined && (otherEpoch || version > entry.version)) this.resync(channel);
    }
  }

  private onError(frame: ErrorFrame): void {
    if (frame.code === 'unknown_channel' && frame.channel !== undefined) this.wanted.delete(frame.channel);
    if (frame.code === 'not_subscribed' && frame.channel !== undefined && this.wanted.has(frame.channel)) {
      this.send({ type: 'subscribe', channels: [frame.channel] });
    }
    this.emit('serverError', frame);
  }

  private forget(channel: string): void {
    const entry = this.entries.get(channel);
    if (entry !== undefined) clearTimeout(entry.resyncTimer);
    this.entries.delete(channel);
  }

  private send(message: ClientMessage): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  private updateStatus(): void {
    if (this.closed) return this.setStatus('closed');
    if (this.socket?.readyState !== OPEN) return this.setStatus(this.everLive ? 'reconnecting' : 'connecting');
    const pending = [...this.entries.values()].map((e) => e.pending);
    if (pending.includes('resync')) return this.setStatus('resyncing');
    if (pending.includes('initial') || this.awaitingSubscribed) return this.setStatus(this.everLive ? 'reconnecting' : 'connecting');
    this.everLive = true;
    this.attempt = 0;
    this.setStatus('live');
  }

  private setStatus(status: ClientStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.emit('status', status);
  }
}
