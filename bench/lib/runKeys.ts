import Redis from 'ioredis';
import { sleep } from './net';

/**
 * Deletes every key under a run's prefix (its log, seqs, checkpoints): a run at 100,000 events/s
 * leaves about 0.5 GB of log behind, and the Redis is shared, so nothing of a run may stay. Scans
 * again until a pass finds nothing (at most three passes); says so on stderr when keys are left.
 */
export async function deleteRunKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3, connectTimeout: 30_000 });
  let deleted = 0;
  try {
    await redis.connect();
    for (let pass = 0; pass < 3; pass += 1) {
      let found = 0;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
        cursor = next;
        found += keys.length;
        if (keys.length > 0) deleted += await redis.unlink(...keys);
      } while (cursor !== '0');
      if (found === 0) return deleted;
      await sleep(200);
    }
    console.error(`keys under ${prefix} came back after deletion: delete them by hand (redis-cli --scan --pattern '${prefix}*')`);
  } catch (error) {
    console.error(`could not delete the run's keys under ${prefix} (${error instanceof Error ? error.message : String(error)}): delete them by hand`);
  } finally {
    redis.disconnect();
  }
  return deleted;
}
