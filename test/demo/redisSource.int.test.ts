import { describe, expect, it } from 'vitest';
import { busFactory, describeBusSource, findBusSource } from '../../src/demo/redisSource';
import { freePort, hasRedisServer, pingRedisUrl } from '../../src/demo/redisProbe';
import { redisForTests } from '../support/redis';

const shared = await redisForTests();

describe('the demo finds a bus', () => {
  it.skipIf('skip' in shared)('uses the Redis that answers at the URL', async () => {
    if (!('url' in shared)) return;
    const source = await findBusSource(shared.url);
    expect(source).toEqual({ kind: 'redis', url: shared.url });
    expect(describeBusSource(source)).toContain(shared.url);
  });

  it.skipIf(!hasRedisServer())('starts a private redis-server when none answers, and stops it', async () => {
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    const source = await findBusSource(nobody);
    if (source.kind !== 'private-redis') throw new Error(`expected a private redis, got ${source.kind}`);
    expect(await pingRedisUrl(source.url)).toBe(true);
    await source.process.stop();
    expect(await pingRedisUrl(source.url)).toBe(false);
  });

  it('shares one memory bus between roles, so agents and server see each other', async () => {
    const make = busFactory({ kind: 'memory', reason: 'test' }, '');
    const server = make('server');
    const agents = make('agents');
    const got: string[] = [];
    await server.subscribe(['risk.state'], (_c, p) => got.push(p.toString()));
    await agents.publish('risk.state', 'hello');
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual(['hello']);
  });
});
