import Redis, { type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { StatusListeners, type EventBus, type MessageHandler } from './eventBus';

/** Options of the Redis adapter. */
export interface RedisBusOptions {
  /** `redis://host:port[/db]`. */
  readonly url: string;
  /** Prepended to every channel on the Redis side only (`prod:` → `prod:risk.state`). */
  readonly prefix?: string;
  readonly logger?: Logger;
  /** Longest wait between reconnection attempts. */
  readonly maxRetryDelayMs?: number;
}

/**
 * Connection options of every pm-arb Redis connection: reconnect forever with capped exponential
 * backoff, queue commands while disconnected, connect in the background (`connect()` starts it).
 */
export function reconnectingOptions(maxRetryDelayMs = 2_000): RedisOptions {
  return {
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), maxRetryDelayMs),
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    lazyConnect: true,
  };
}

/**
 * The Redis pub/sub adapter: one connection publishes, one subscribes (with
 * `messageBuffer`, no string copies). Both reconnect forever with capped backoff, and the
 * adapter subscribes again itself on every reconnect. Connection faults are logged, never thrown.
 */
export function createRedisBus(options: RedisBusOptions): EventBus {
  const prefix = options.prefix ?? '';
  const log = options.logger;
  const connectionOptions = reconnectingOptions(options.maxRetryDelayMs);
  const publisher = new Redis(options.url, { ...connectionOptions, connectionName: 'pm-arb-pub' });
  // The adapter owns resubscription: see `syncSubscriptions`.
  const subscriber = new Redis(options.url, { ...connectionOptions, connectionName: 'pm-arb-sub', autoResubscribe: false });
  const status = new StatusListeners();
  /** Each handler with the channels (names without the prefix) it subscribed to. */
  const handlers = new Map<MessageHandler, Set<string>>();
  /** Prefixed channels asked for, and those Redis confirmed on the current subscriber connection. */
  const wanted = new Set<string>();
  const confirmed = new Set<string>();
  /** Bumped when the subscriber connection closes: a confirmation from an older connection is stale. */
  let generation = 0;
  const waiters = new Set<() => void>();
  let connected = false;
  let closed = false;

  const setConnected = (next: boolean): void => {
    if (next === connected) return;
    connected = next;
    const url = redactUrl(options.url);
    if (next) log?.info({ url }, 'redis connected');
    else if (closed) log?.debug({ url }, 'redis bus closed');
    else if (publisher.status === 'ready' && subscriber.status === 'ready') log?.info({ url }, 'redis subscribing to new channels');
    else log?.warn({ url }, 'redis unreachable; retrying');
    status.emit(next);
  };
  const allConfirmed = (channels: Iterable<string>): boolean => {
    for (const channel of channels) if (!confirmed.has(channel)) return false;
    return true;
  };
  const refresh = (): void => {
    setConnected(!closed && publisher.status === 'ready' && subscriber.status === 'ready' && allConfirmed(wanted));
    for (const waiter of [...waiters]) waiter();
  };

  // SUBSCRIBE goes out on a ready connection only. ioredis would write it during the handshake
  // too; its ready check (INFO) then fails in subscriber mode, it reconnects, and the channels
  // are forgotten while the connection looks healthy.
  const syncSubscriptions = (): void => {
    if (closed || subscriber.status !== 'ready') return;
    const missing = [...wanted].filter((channel) => !confirmed.has(channel));
    if (missing.length === 0) return;
    const sentOn = generation;
    subscriber.subscribe(...missing).then(
      () => {
        if (sentOn !== generation) return; // that connection is gone; the next 'ready' subscribes again
        for (const channel of missing) confirmed.add(channel);
        refresh();
      },
      (error: unknown) => {
        if (!closed) log?.warn({ err: error }, 'redis subscribe failed; retrying on the next connection');
      },
    );
  };

  for (const [role, client] of [
    ['publisher', publisher],
    ['subscriber', subscriber],
  ] as const) {
    let lastError = '';
    client.on('error', (error: Error) => {
      // Log each distinct error once per outage, not once per retry.
      if (error.message !== lastError) log?.warn({ role, err: error.message }, 'redis connection error');
      lastError = error.message;
    });
    client.on('ready', () => {
      lastError = '';
      if (client === subscriber) syncSubscriptions();
      refresh();
    });
    client.on('close', () => {
      if (client === subscriber) {
        generation += 1;
        confirmed.clear();
      }
      refresh();
    });
    client.on('end', refresh);
  }

  subscriber.on('messageBuffer', (rawChannel: Buffer, payload: Buffer) => {
    const channel = rawChannel.toString('utf8');
    const name = channel.startsWith(prefix) ? channel.slice(prefix.length) : channel;
    for (const [handler, channels] of handlers) {
      if (!channels.has(name)) continue;
      try {
        handler(name, payload);
      } catch (error) {
        log?.error({ err: error, channel: name }, 'message handler threw');
      }
    }
  });

  // Connect in the background: a first connection failure is retried like any other.
  const start = (client: Redis): void => {
    client.connect().catch(() => undefined);
  };
  start(publisher);
  start(subscriber);

  /** Resolves once Redis confirmed every one of `channels` on the current connection. */
  const untilConfirmed = (channels: readonly string[]): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (closed) {
          waiters.delete(check);
          reject(new Error('redis bus closed before the subscription was confirmed'));
        } else if (allConfirmed(channels)) {
          waiters.delete(check);
          resolve();
        }
      };
      waiters.add(check);
      check();
    });

  return {
    get connected() {
      return connected;
    },
    async subscribe(channels, onMessage) {
      if (closed) throw new Error('redis bus is closed');
      const mine = handlers.get(onMessage) ?? new Set<string>();
      for (const channel of channels) mine.add(channel);
      handlers.set(onMessage, mine);
      if (channels.length === 0) return;
      const prefixed = channels.map((c) => prefix + c);
      for (const channel of prefixed) wanted.add(channel);
      refresh(); // not connected until these channels are confirmed too
      syncSubscriptions();
      await untilConfirmed(prefixed);
    },
    async publish(channel, payload) {
      if (closed) throw new Error('redis bus is closed');
      await publisher.publish(prefix + channel, payload);
    },
    onStatus(listener) {
      return status.add(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      handlers.clear();
      for (const waiter of [...waiters]) waiter();
      await Promise.all([quit(publisher), quit(subscriber)]);
      setConnected(false);
    },
  };
}

async function quit(client: Redis): Promise<void> {
  try {
    if (client.status === 'ready') await client.quit();
    else client.disconnect();
  } catch {
    client.disconnect();
  }
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable url)';
  }
}
