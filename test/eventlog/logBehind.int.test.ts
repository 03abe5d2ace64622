import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisLog, LogFollower, logKeys } from '../../src/eventlog';
import { redisForTests, uniquePrefix } from '../support/redis';

const redis = await redisForTests();
const skip = 'skip' in redis ? redis.skip : undefined;

describe.skipIf(skip !== undefined)(`a log found behind what was read from it${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  const closing: Redis[] = [];
  afterAll(async () => {
    for (const c of closing) await c.quit();
  });

  it('given a follower at position 10 and a log restored with only 5 entries, then the log gets a new epoch and the follower starts over from it', async () => {
    const url = 'url' in redis ? redis.url : '';
    const prefix = uniquePrefix('behind');
    const log = createRedisLog({ url, prefix, reads: true });
    const admin = new Redis(url);
    closing.push(admin);
    for (let i = 1; i <= 10; i += 1) await log.append({ channel: 'risk.state', message: `m${i}`, publish: false });
    const { epoch } = await log.bounds();
    // What an AOF fsynced once a second may give back after a crash: the last entries and positions gone.
    const keys = logKeys(prefix);
    await admin.xdel(keys.stream, '6-0', '7-0', '8-0', '9-0', '10-0');
    await admin.hset(keys.meta, 'pos', '5');
    const epochs: string[] = [];
    const seen: number[] = [];
    const follower = new LogFollower(
      log,
      { onEntries: (entries) => seen.push(...entries.map((e) => e.pos)), onEpoch: (next) => epochs.push(next), onGap: () => undefined },
      { batch: 100, blockMs: 20 },
      epoch,
      10,
    );
    follower.start();
    for (let i = 0; i < 200 && seen.length < 5; i += 1) await new Promise((r) => setTimeout(r, 10));
    await follower.stop();
    await log.close();
    expect(epochs).toHaveLength(1);
    expect(epochs[0]).not.toBe(epoch);
    expect(await admin.hget(keys.meta, 'epoch')).toBe(epochs[0]);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });
});
