import type { Logger } from 'pino';
import { createMemoryBus, createRedisBus, type EventBus } from '../bus';
import { freePort, hasRedisServer, pingRedisUrl, startRedisServer, type RedisProcess } from './redisProbe';

/** Where the demo's events travel. */
export type BusSource =
  | { readonly kind: 'redis'; readonly url: string }
  | { readonly kind: 'private-redis'; readonly url: string; readonly process: RedisProcess }
  | { readonly kind: 'memory'; readonly reason: string };

/**
 * The demo's bus: the Redis at `url` when it answers; else a private `redis-server` when one is
 * installed; else the in-process memory bus (agents and server then share this process).
 */
export async function findBusSource(url: string): Promise<BusSource> {
  if (await pingRedisUrl(url)) return { kind: 'redis', url };
  if (hasRedisServer()) {
    const process = await startRedisServer(await freePort());
    return { kind: 'private-redis', url: process.url, process };
  }
  return { kind: 'memory', reason: `no Redis answers at ${url} and redis-server is not installed` };
}

/** A bus for one role on this source; the memory bus is shared, so both roles see each other. */
export function busFactory(source: BusSource, prefix: string, logger?: Logger): (role: string) => EventBus {
  if (source.kind === 'memory') {
    const shared = createMemoryBus();
    return () => shared;
  }
  return (role) => createRedisBus({ url: source.url, prefix, ...(logger ? { logger: logger.child({ bus: role }) } : {}) });
}

/** Describes the source in one line for the start-up banner. */
export function describeBusSource(source: BusSource): string {
  switch (source.kind) {
    case 'redis':
      return `Redis at ${source.url}`;
    case 'private-redis':
      return `a private redis-server at ${source.url} (stopped on exit)`;
    case 'memory':
      return `the in-process memory bus (${source.reason}); agents and server share this process`;
  }
}
