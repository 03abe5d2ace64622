import Redis, { type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { StatusListeners, type EventBus, type MessageHandler } from './eventBus';
import { faultLog, retryDelayMs } from '../redis/reconnect';
import { Subscriber } from './subscriber';

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
    retryStrategy: (attempt) => retryDelayMs(attempt, maxRetryDelayMs),
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    lazyConnect: true,
  };
}

/**
 * The Redis pub/sub adapter: an ioredis connection publishes, a `Subscriber` of our own receives
 * (a view of each payload's bytes, a channel name made once per channel). Both reconnect forever
 * with capped backoff, and the subscriber subscribes again on every reconnect. Connection faults are
 * logged, never thrown.
 */
export function createRedisBus(options: RedisBusOptions): EventBus {
  const prefix = options.prefix ?? '';
  const log = options.logger;
  const publisher = new Redis(options.url, { ...reconnectingOptions(options.maxRetryDelayMs), connectionName: 'pm-arb-pub' });
  const status = new StatusListeners();
  /** Each handler with the channels (names without the prefix) it subscribed to. */
  const handlers = new Map<MessageHandler, Set<string>>();
  const waiters = new Set<() => void>();
  let connected = false;
  let closed = false;

  const subscriber: Subscriber = new Subscriber({
    url: options.url,
    prefix,
    connectionName: 'pm-arb-sub',
    maxRetryDelayMs: options.maxRetryDelayMs,
    onMessage: (name, payload) => {
      for (const [handler, channels] of handlers) {
        if (!channels.has(name)) continue;
        try {
          handler(name, payload);
        } catch (error) {
          log?.error({ err: error, channel: name }, 'message handler threw');
        }
      }
    },
    onChange: () => refresh(),
    onError: (error) => log?.warn({ role: 'subscriber', err: error.message }, 'redis connection error'),
  });

  const setConnected = (next: boolean): void => {
    if (next === connected) return;
    connected = next;
    const url = redactUrl(options.url);
    if (next) log?.info({ url }, 'redis connected');
    else if (closed) log?.debug({ url }, 'redis bus closed');
    else if (publisher.status === 'ready' && subscriber.isReady) log?.info({ url }, 'redis subscribing to new channels');
    else log?.warn({ url }, 'redis unreachable; retrying');
    status.emit(next);
  };
  const refresh = (): void => {
    setConnected(!closed && publisher.status === 'ready' && subscriber.isReady && subscriber.allConfirmed);
    for (const waiter of [...waiters]) waiter();
  };

  const publisherErrors = faultLog((error) => log?.warn({ role: 'publisher', err: error.message }, 'redis connection error'));
  publisher.on('error', (error: Error) => publisherErrors.report(error));
  publisher.on('ready', () => {
    publisherErrors.clear();
    refresh();
  });
  publisher.on('close', refresh);
  publisher.on('end', refresh);
  // Connect in the background: a first connection failure is retried like any other.
  publisher.connect().catch(() => undefined);

  /** Resolves once Redis confirmed every one of `channels` on the current connection; rejects when it refused one. */
  const untilConfirmed = (channels: readonly string[]): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const refusal = channels.map((channel) => subscriber.refusal(channel)).find((error) => error !== undefined);
        if (closed || refusal !== undefined) {
          waiters.delete(check);
          reject(refusal ?? new Error('redis bus closed before the subscription was confirmed'));
        } else if (subscriber.hasConfirmed(channels)) {
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
      subscriber.subscribe(prefixed);
      refresh(); // not connected until these channels are confirmed too
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
      subscriber.close();
      await quit(publisher);
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
