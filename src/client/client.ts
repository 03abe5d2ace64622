import { applyPatch, PatchError } from './applyPatch';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { reactionToClose } from './closeCodes';
import { Emitter } from './emitter';
import { PROTOCOL_NAME, type ClientMessage, type DeltaFrame, type ErrorFrame, type HeartbeatFrame, type ServerFrame, type SnapshotFrame, type SubscribedFrame } from './protocol';
import type { ClientEvents, ClientOptions, ClientStats, ClientStatus, Denial, WebSocketConstructor, WebSocketLike } from './types';

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
  private token: string | undefined;
  private denial: Denial | undefined;
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
    this.token = options.token;
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

  /** Why the server refused the connection for good (status `denied`), if it did. */
  get denied(): Denial | undefined {
    return this.denial;
  }

  /** The channels subscribed to (as the server confirmed them). */
  channels(): string[] {
    return [...this.entries.keys()];
  }

  /** Opens the connection (done by the constructor unless `autoConnect` is false). */
  connect(): void {
    if (this.closed || this.denial !== undefined || this.socket !== undefined) return;
    const url = this.connectUrl();
    let socket: WebSocketLike;
    try {
      // The token travels as a subprotocol, never in the URL (URLs end up in logs); the server echoes only pm-arb.v1.
      socket = this.token === undefined ? new this.WebSocketClass(url) : new this.WebSocketClass(url, [PROTOCOL_NAME, `bearer.${this.token}`]);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.onOpen(socket);
    socket.onmessage = (event: { readonly data: unknown }) => this.onMessage(socket, event.data);
    socket.onclose = (event: { readonly code?: number; readonly reason?: string }) => this.onClose(socket, event.code ?? 1006, event.reason ?? '');
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

  /** Replaces the access token before it expires: sent to the server now, and used for every reconnect. After a denial, connects again with it. */
  refresh(token: string): void {
    this.token = token;
    if (this.denial === undefined) {
      this.send({ type: 'refresh', token });
      return;
    }
    this.denial = undefined;
    this.attempt = 0;
    this.setStatus(this.everLive ? 'reconnecting' : 'connecting');
    this.connect();
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

  private onClose(socket: WebSocketLike, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    clearInterval(this.staleTimer);
    if (this.closed) return;
    const reaction = reactionToClose(code);
    if (reaction.stop) {
      this.denial = { code, reason };
      for (const entry of this.entries.values()) clearTimeout(entry.resyncTimer);
      this.setStatus('denied');
      this.emit('denied', this.denial);
      return;
    }
    this.attempt = Math.max(this.attempt, reaction.minAttempt);
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
    // Channels that do not exist or that the token does not cover are not asked for again at reconnect.
    if (frame.code === 'unknown_channel' || frame.code === 'forbidden') {
      for (const channel of frame.channels ?? (frame.channel === undefined ? [] : [frame.channel])) this.wanted.delete(channel);
    }
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
    if (this.denial !== undefined) return this.setStatus('denied');
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
