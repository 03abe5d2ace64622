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
 * The Redis pub/sub adapter: one connection publishes, one subscribes (with
 * `messageBuffer`, no string copies). Both reconnect forever with capped backoff;
 * ioredis resubscribes on reconnect. Connection faults are logged, never thrown.
 */
export function createRedisBus(options: RedisBusOptions): EventBus {
  const prefix = options.prefix ?? '';
  const log = options.logger;
  const maxDelay = options.maxRetryDelayMs ?? 2_000;
  const connectionOptions: RedisOptions = {
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), maxDelay),
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    lazyConnect: true,
  };
  const publisher = new Redis(options.url, { ...connectionOptions, connectionName: 'pm-arb-pub' });
  const subscriber = new Redis(options.url, { ...connectionOptions, connectionName: 'pm-arb-sub' });
  const status = new StatusListeners();
  const handlers = new Set<MessageHandler>();
  let connected = false;
  let closed = false;

  const setConnected = (next: boolean): void => {
    if (next === connected) return;
    connected = next;
    if (next) log?.info({ url: redactUrl(options.url) }, 'redis connected');
    else if (!closed) log?.warn({ url: redactUrl(options.url) }, 'redis unreachable; retrying');
    status.emit(next);
  };
  const refresh = (): void => {
    setConnected(!closed && publisher.status === 'ready' && subscriber.status === 'ready');
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
      refresh();
    });
    client.on('close', refresh);
    client.on('end', refresh);
  }

  subscriber.on('messageBuffer', (rawChannel: Buffer, payload: Buffer) => {
    const channel = rawChannel.toString('utf8');
    const name = channel.startsWith(prefix) ? channel.slice(prefix.length) : channel;
    for (const handler of handlers) {
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

  return {
    get connected() {
      return connected;
    },
    async subscribe(channels, onMessage) {
      if (closed) throw new Error('redis bus is closed');
      handlers.add(onMessage);
      if (channels.length === 0) return;
      await subscriber.subscribe(...channels.map((c) => prefix + c));
      refresh();
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
