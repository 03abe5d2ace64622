import * as E from 'fp-ts/Either';
import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisBus, type EventBus } from '../../src/bus';
import { decodeEvent, type Event, type Rejected } from '../../src/events';
import { TcpProxy } from '../support/tcpProxy';
import { privateRedisForTests, redisForTests, uniquePrefix } from '../support/redis';

const LEGACY_ALLOCATOR =
  '{"agent":"capital-allocator","type":"state_update","data":{"total_capital":"1000",' +
  '"strategies":{"oracle-sniper":{"total_pnl":"100","trades":3,"wins":2,"losses":1,"allocation_pct":"1.0"}}}}';

const shared = await redisForTests();
const restartable = await privateRedisForTests();

/** Resolves when `predicate` holds, polling; fails after `timeoutMs`. */
async function eventually(predicate: () => boolean, timeoutMs = 5_000, what = predicate.toString()): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`not met within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function collect(bus: EventBus, channels: string[]): Promise<{ events: Event[]; rejected: Rejected[] }> {
  const out = { events: [] as Event[], rejected: [] as Rejected[] };
  return bus
    .subscribe(channels, (channel, payload) => {
      const decoded = decodeEvent(channel, payload);
      if (E.isRight(decoded)) out.events.push(decoded.right);
      else out.rejected.push(decoded.left);
    })
    .then(() => out);
}

describe.skipIf('skip' in shared)(`redis bus on a real Redis${'skip' in shared ? ` (skipped: ${shared.skip})` : ''}`, () => {
  const url = 'url' in shared ? shared.url : '';
  const prefix = uniquePrefix('bus');
  const bus = createRedisBus({ url, prefix });
  const raw = new Redis(url);
  afterAll(async () => {
    await bus.close();
    raw.disconnect();
    if ('stop' in shared) await shared.stop();
  });

  it('delivers a plain PUBLISH of a legacy allocator message as a decoded event', async () => {
    const got = await collect(bus, ['agent.updates']);
    await eventually(() => bus.connected);
    // Connected means subscribed: Redis has exactly one receiver for this message.
    expect(await raw.publish(`${prefix}agent.updates`, LEGACY_ALLOCATOR)).toBe(1);
    await eventually(() => got.events.length + got.rejected.length === 1);
    expect(got.rejected).toEqual([]);
    const [event] = got.events;
    expect(event?.type).toBe('allocator.snapshot');
    expect(event?.channel).toBe('agent.updates');
    expect(event?.meta.agent).toBe('capital-allocator');
  });

  it('keeps a subscription asked for while the connection is still in its handshake', async () => {
    const proxy = new TcpProxy(Number(new URL(url).port || 6379), { holdReplies: true });
    await proxy.start();
    const earlyPrefix = uniquePrefix('bus-handshake');
    const early = createRedisBus({ url: `redis://127.0.0.1:${proxy.port}`, prefix: earlyPrefix });
    try {
      // Both connections are up and have sent their handshake; the proxy holds Redis's replies.
      await eventually(() => proxy.clientsTalking === 2);
      const subscribed = collect(early, ['agent.updates']);
      proxy.release();
      const got = await subscribed;
      await eventually(() => early.connected);
      expect(await raw.publish(`${earlyPrefix}agent.updates`, LEGACY_ALLOCATOR)).toBe(1);
      await eventually(() => got.events.length === 1);
    } finally {
      await early.close();
      await proxy.stop();
    }
  });

  it('hands a non-JSON publish over as bytes, which the decoder rejects', async () => {
    const got = await collect(bus, ['risk.state']);
    await raw.publish(`${prefix}risk.state`, 'not json at all');
    await eventually(() => got.rejected.length === 1);
    expect(got.rejected[0]).toMatchObject({ channel: 'risk.state', reason: 'not_json', sample: 'not json at all' });
  });

  it('applies the channel prefix on the Redis side only', async () => {
    const seen: string[] = [];
    await bus.subscribe(['trade.results'], (channel) => seen.push(channel));
    await raw.publish(`${uniquePrefix('other')}trade.results`, LEGACY_ALLOCATOR); // another deployment's traffic
    await bus.publish('trade.results', 'x');
    await eventually(() => seen.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual(['trade.results']);
  });

  it('hands each handler only the channels it subscribed to, like the memory bus', async () => {
    const a: string[] = [];
    const b: string[] = [];
    await bus.subscribe(['strategy.performance'], (channel) => a.push(channel));
    await bus.subscribe(['portfolio.summary'], (channel) => b.push(channel));
    await bus.publish('portfolio.summary', 'to b');
    await bus.publish('strategy.performance', 'to a');
    await eventually(() => a.length === 1 && b.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(a).toEqual(['strategy.performance']);
    expect(b).toEqual(['portfolio.summary']);
  });

  it('hands over the exact bytes of every payload: empty, binary with CRLF inside, and larger than a socket read', async () => {
    const payloads = [Buffer.alloc(0), Buffer.from('a\r\n$5\r\n*1\r\n\u0000\u00ff', 'latin1'), Buffer.alloc(300_000, 'x'), Buffer.from('{"é":"ü"}')];
    const got: [string, Buffer][] = [];
    // The bus hands a view of the received bytes: a handler keeping one past its call copies it.
    await bus.subscribe(['risk.state', 'trade.results'], (channel, payload) => got.push([channel, Buffer.from(payload)]));
    for (const [i, payload] of payloads.entries()) await raw.publish(`${prefix}${i % 2 === 0 ? 'risk.state' : 'trade.results'}`, payload);
    await eventually(() => got.length === payloads.length);
    expect(got.map(([channel]) => channel)).toEqual(['risk.state', 'trade.results', 'risk.state', 'trade.results']);
    expect(got.every(([, payload], i) => payload.equals(payloads[i] as Buffer))).toBe(true);
  });

  it('given a user without the right to a channel, then the subscription is refused (its promise rejects with why) and reported, and the bus never claims to be connected', async () => {
    const user = `bus-${process.pid}`;
    await raw.call('ACL', 'SETUSER', user, 'on', '>pw', 'resetchannels', '&allowed:*', '+@all', '~*');
    try {
      const port = new URL(url).port || '6379';
      const warnings: string[] = [];
      const logger = { warn: (o: { err?: string }) => warnings.push(String(o.err)), info: () => undefined, debug: () => undefined, error: () => undefined };
      const limited = createRedisBus({ url: `redis://${user}:pw@127.0.0.1:${port}`, prefix: 'denied:', logger: logger as never });
      const subscribed = limited.subscribe(['risk.state'], () => undefined).then(
        () => 'confirmed',
        (error: unknown) => (error as Error).message,
      );
      expect(await subscribed).toMatch(/NOPERM/);
      expect(warnings.some((w) => /NOPERM/.test(w))).toBe(true);
      expect(limited.connected).toBe(false);
      await limited.close();
    } finally {
      await raw.call('ACL', 'DELUSER', user);
    }
  });
});

describe.skipIf('skip' in restartable)(
  `redis bus across a Redis restart${'skip' in restartable ? ` (skipped: ${restartable.skip})` : ''}`,
  () => {
    it('resubscribes by itself after Redis restarts, and reports the outage', async () => {
      if (!('port' in restartable)) return;
      const bus = createRedisBus({ url: restartable.url, prefix: 'r:', maxRetryDelayMs: 100 });
      const statuses: boolean[] = [];
      bus.onStatus((c) => statuses.push(c));
      const got = await collect(bus, ['agent.updates']);
      await eventually(() => bus.connected);
      const publishRaw = async (): Promise<void> => {
        const raw = new Redis(restartable.url);
        await raw.publish('r:agent.updates', LEGACY_ALLOCATOR);
        raw.disconnect();
      };
      await publishRaw();
      await eventually(() => got.events.length === 1);

      await restartable.stop();
      await eventually(() => !bus.connected);
      await restartable.start();
      await eventually(() => bus.connected, 10_000);
      await publishRaw();
      await eventually(() => got.events.length === 2);
      expect(statuses).toEqual([true, false, true]);
      await bus.close();
      await restartable.stop();
    });
  },
);
