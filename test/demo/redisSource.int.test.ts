import { describe, expect, it } from 'vitest';
import { describeBusSource, findBusSource, transportFactory } from '../../src/demo/redisSource';
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

  it('shares one memory bus and log between roles: what agents append, the server reads and hears', async () => {
    const make = transportFactory({ kind: 'memory', reason: 'test' }, '');
    const server = make('server', true);
    const agents = make('agents', false);
    const got: string[] = [];
    await server.bus.subscribe(['risk.state'], (_c, p) => got.push(p.toString()));
    expect(await agents.log.append({ channel: 'risk.state', message: 'hello' })).toMatchObject({ outcome: 'appended', pos: 1 });
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual(['hello']);
    const read = await server.log.read(0, 10, 0);
    expect(read.entries.map((e) => [e.pos, e.channel, e.message.toString()])).toEqual([[1, 'risk.state', 'hello']]);
  });
});
