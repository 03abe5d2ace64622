import { afterAll, describe } from 'vitest';
import { createRedisBus, type EventBus } from '../../src/bus';
import { createRedisLog, type EventLog } from '../../src/eventlog';
import { redisForTests, uniquePrefix } from '../support/redis';
import { logContract } from './contract';

const redis = await redisForTests();
const skip = 'skip' in redis ? redis.skip : undefined;

describe.skipIf(skip !== undefined)(`Redis log${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  const opened: (EventLog | EventBus)[] = [];
  afterAll(async () => {
    for (const o of opened) await o.close();
  });
  logContract(() => {
    const url = 'url' in redis ? redis.url : '';
    const prefix = uniquePrefix('log');
    const log = createRedisLog({ url, prefix, reads: true });
    const bus = createRedisBus({ url, prefix });
    opened.push(log, bus);
    return Promise.resolve({ log, bus, advance: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) });
  });
});
