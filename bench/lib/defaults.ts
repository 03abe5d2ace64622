import * as E from 'fp-ts/Either';
import { loadServerConfig } from '../../src/config';

/** Our server's default flush interval, read from its own config so reports never go stale. */
export function defaultFlushMs(): number {
  const config = loadServerConfig([], {});
  return E.isRight(config) ? config.right.flushMs : NaN;
}

/** Our server's default latency budget (ms): its flush tick grows up to half of it under load. */
export function defaultLatencyBudgetMs(): number {
  const config = loadServerConfig([], {});
  return E.isRight(config) ? config.right.latencyBudgetMs : NaN;
}

/** The Redis our server would use here: `REDIS_URL`, else its default. */
export function defaultRedisUrl(): string {
  const config = loadServerConfig([], { REDIS_URL: process.env.REDIS_URL });
  if (E.isLeft(config)) throw new Error(config.left.message);
  return config.right.redisUrl;
}
