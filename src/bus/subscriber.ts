import { RespConnection } from '../redis/connection';
import { ChannelNames, encodeCommand, named, type ReplyCursor } from '../redis/resp';

/** What the subscriber needs. */
export interface SubscriberOptions {
  readonly url: string;
  /** Prefix of the channels on Redis: stripped from the names messages are delivered with. */
  readonly prefix: string;
  readonly connectionName: string;
  readonly maxRetryDelayMs?: number;
  /** A message: its channel without the prefix, and a view of its bytes. */
  onMessage(channel: string, payload: Buffer): void;
  /** The connection went up or down, or Redis confirmed channels: `confirmed` may have changed. */
  onChange(): void;
  onError(error: Error): void;
}

const MESSAGE = Buffer.from('message');
const SUBSCRIBE = Buffer.from('subscribe');

/**
 * Pub/sub on a connection of its own (`RespConnection`) rather than a general client: a message's
 * channel name is made once per channel, not per message, and its payload is a view of the received
 * bytes — every event the server handles is heard here once more, as the log's script publishes what
 * it appends. It subscribes to every wanted channel each time the connection is set up, and knows which
 * ones Redis has confirmed on the current connection.
 */
export class Subscriber {
  private readonly wanted = new Set<string>();
  private readonly confirmed = new Set<string>();
  /** SUBSCRIBE commands sent on this connection and not fully answered, oldest first: the replies each still owes. */
  private unanswered: { readonly channels: readonly string[]; owed: number; readonly deadline: number }[] = [];
  /** Channels Redis refused on this connection (e.g. `NOPERM`), with why. */
  private readonly refused = new Map<string, Error>();
  private readonly connection: RespConnection;
  private readonly names: ChannelNames;

  constructor(private readonly options: SubscriberOptions) {
    const { prefix } = options;
    this.names = new ChannelNames(256, (channel) => (channel.startsWith(prefix) ? channel.slice(prefix.length) : channel));
    this.connection = new RespConnection({
      url: options.url,
      connectionName: options.connectionName,
      maxRetryDelayMs: options.maxRetryDelayMs,
      onReply: (cursor) => this.reply(cursor),
      onStatus: (ready) => this.status(ready),
      onError: (error) => options.onError(error),
      overdueIn: () => (this.unanswered[0]?.deadline ?? Number.POSITIVE_INFINITY) - Date.now(),
    });
  }

  get isReady(): boolean {
    return this.connection.isReady;
  }

  /** Whether Redis confirmed every one of these (prefixed) channels on the current connection. */
  hasConfirmed(channels: Iterable<string>): boolean {
    for (const channel of channels) if (!this.confirmed.has(channel)) return false;
    return true;
  }

  /** Why Redis refused a (prefixed) channel on the current connection, if it did. */
  refusal(channel: string): Error | undefined {
    return this.refused.get(channel);
  }

  /** Whether every wanted channel is confirmed. */
  get allConfirmed(): boolean {
    return this.hasConfirmed(this.wanted);
  }

  /** Adds channels (with the prefix); they are subscribed now if connected, else once connected. */
  subscribe(channels: readonly string[]): void {
    const fresh = channels.filter((channel) => !this.wanted.has(channel));
    for (const channel of fresh) this.wanted.add(channel);
    this.send(fresh);
  }

  close(): void {
    this.connection.close();
  }

  private send(channels: readonly string[]): void {
    if (channels.length === 0) return;
    if (!this.connection.write(encodeCommand(['SUBSCRIBE', ...channels]))) return;
    this.unanswered.push({ channels, owed: channels.length, deadline: Date.now() + this.connection.graceMs });
  }

  private reply(cursor: ReplyCursor): void {
    if (cursor.type === 0x2d /* - */) {
      // A refused SUBSCRIBE (e.g. NOPERM): its channels stay unconfirmed (tried again on the next connection).
      const command = this.unanswered.shift();
      try {
        cursor.status();
      } catch (error) {
        this.options.onError(error as Error);
        for (const channel of command?.channels ?? []) this.refused.set(channel, error as Error);
      }
      this.options.onChange();
      return;
    }
    cursor.array();
    const kindLength = cursor.bulk();
    const kind = cursor.start;
    const buf = cursor.buf;
    if (named(buf, kind, kind + kindLength, MESSAGE)) {
      const channelLength = cursor.bulk();
      const channel = this.names.of(buf, cursor.start, cursor.start + channelLength);
      const payloadLength = cursor.bulk();
      this.options.onMessage(channel, buf.subarray(cursor.start, cursor.start + Math.max(payloadLength, 0)));
    } else if (named(buf, kind, kind + kindLength, SUBSCRIBE)) {
      const channel = cursor.text();
      if (channel !== undefined) this.confirmed.add(channel);
      const command = this.unanswered[0];
      if (command !== undefined && --command.owed === 0) this.unanswered.shift();
      this.options.onChange();
    }
  }

  private status(ready: boolean): void {
    this.confirmed.clear();
    this.refused.clear();
    this.unanswered = [];
    if (ready) this.send([...this.wanted]);
    this.options.onChange();
  }
}
