import { freePort, hasRedisServer, pingRedis, startRedisServer, type RedisProcess } from '../../src/demo/redisProbe';

/** A Redis the tests may use. */
export interface TestRedis {
  readonly url: string;
  /** Ends a Redis this helper started; leaves a shared one alone. */
  stop(): Promise<void>;
}

/** A Redis this process owns: it can be stopped and started again on the same port. */
export interface PrivateRedis extends TestRedis {
  readonly port: number;
  start(): Promise<void>;
}

const REQUIRED = process.env.REQUIRE_REDIS === '1';

export { freePort };

/** A private Redis, started on a free port: it can be stopped and started again on that port. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let running: RedisProcess | undefined = await startRedisServer(port);
  return {
    url: running.url,
    port,
    start: async () => {
      running = await startRedisServer(port);
    },
    stop: async () => {
      await running?.stop();
      running = undefined;
    },
  };
}

/**
 * The Redis for integration tests: `REDIS_URL`, else the local one at 6379, else a private
 * `redis-server`. When none can be had, a reason to skip — or a failure under `REQUIRE_REDIS=1`.
 */
export async function redisForTests(): Promise<TestRedis | { skip: string }> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv !== undefined && fromEnv !== '') return { url: fromEnv, stop: () => Promise.resolve() };
  if (await pingRedis('127.0.0.1', 6379)) return { url: 'redis://127.0.0.1:6379', stop: () => Promise.resolve() };
  if (hasRedisServer()) return startPrivateRedis();
  return noRedis('no Redis answers at 127.0.0.1:6379 and redis-server is not installed');
}

/** A private Redis (for tests that stop and restart it), or a reason to skip. */
export async function privateRedisForTests(): Promise<PrivateRedis | { skip: string }> {
  if (hasRedisServer()) return startPrivateRedis();
  return noRedis('redis-server is not installed, so this test cannot restart a Redis of its own');
}

function noRedis(reason: string): { skip: string } {
  if (REQUIRED) throw new Error(`REQUIRE_REDIS=1 but ${reason}`);
  return { skip: reason };
}

/** A channel prefix no other test file uses. */
export function uniquePrefix(name: string): string {
  return `test-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}:`;
}
