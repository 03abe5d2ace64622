import type { Logger } from 'pino';
import { createMemoryBus, createRedisBus, type EventBus } from '../bus';
import { createMemoryLog, createRedisLog, type EventLog } from '../eventlog';
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

/** What one role talks to: pub/sub and the durable log. */
export interface Transport {
  readonly bus: EventBus;
  readonly log: EventLog;
}

/**
 * The bus and log for one role on this source (`reads`: the role follows the log). In memory both are
 * shared, so the roles see each other; the memory log publishes what it appends on the memory bus, as
 * the Redis log's script does.
 */
export function transportFactory(source: BusSource, prefix: string, logger?: Logger): (role: string, reads: boolean) => Transport {
  if (source.kind === 'memory') {
    const bus = createMemoryBus();
    const log = createMemoryLog({ bus });
    return () => ({ bus, log });
  }
  return (role, reads) => {
    const child = logger === undefined ? {} : { logger: logger.child({ bus: role }) };
    return { bus: createRedisBus({ url: source.url, prefix, ...child }), log: createRedisLog({ url: source.url, prefix, reads, ...child }) };
  };
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
