import { afterAll, describe, expect, it } from 'vitest';
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

  it('given a batch whose second message fails (a time that is no number), then the call fails and the first stays appended and counted: the next calls continue after it, refuse its seq and accept the failed message', async () => {
    const log = createRedisLog({ url: 'url' in redis ? redis.url : '', prefix: uniquePrefix('logfail'), reads: true });
    opened.push(log);
    const event = JSON.stringify({ v: 1, id: 'a:r:1', agent: 'a', seq: 1, ts: '2026-01-01T00:00:00.000Z', type: 'agent.heartbeat', data: {} });
    await expect(
      log.appendMany([
        { channel: 'agent.updates', message: event, run: 'a:r', seq: 1 },
        { channel: 'risk.state', message: 'legacy', time: Number.NaN },
      ]),
    ).rejects.toThrow(/entry time is not a number/);
    expect((await log.bounds()).head).toBe(1);
    expect((await log.read(0, 10, 0)).entries.map((e) => e.channel)).toEqual(['agent.updates']);
    expect(await log.append({ channel: 'agent.updates', message: event, run: 'a:r', seq: 1 })).toMatchObject({ outcome: 'duplicate' });
    expect(await log.append({ channel: 'risk.state', message: 'legacy' })).toMatchObject({ outcome: 'appended', pos: 2 });
  });
});
