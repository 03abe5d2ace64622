import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/mint';
import { ProjectionClient, type ClientStatus, type Denial } from '../../src/client';
import { eventually, rawClient, startHarness, type Harness, type RawClient } from '../server/harness';
import { redisForTests } from '../support/redis';

const redis = await redisForTests();
const skip = 'skip' in redis ? redis.skip : undefined;
const SECRET = 'the-client-test-secret-0123456789abcdef';
const token = (channels: readonly string[], ttlSec = 300): Promise<string> => mintToken({ sub: 'client', channels, ttlSec, key: { secret: SECRET } });

/** `ws` that sends an Origin header, as a page on another site would. */
class FromEvilOrigin extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols, { headers: { Origin: 'http://evil.example' } });
  }
}

describe.skipIf(skip !== undefined)(`the reference client against a server with access control${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  const url = 'url' in redis ? redis.url : '';
  let h: Harness;
  let full: Harness;
  const clients: ProjectionClient[] = [];
  const raws: RawClient[] = [];
  const make = (options: Partial<ConstructorParameters<typeof ProjectionClient>[0]>, server = (): Harness => h): ProjectionClient => {
    const c = new ProjectionClient({ url: server().ws, WebSocket, backoff: { initialMs: 100, maxMs: 10_000, factor: 2 }, ...options });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    h = await startHarness(url, 'client-access', { '--auth-secret': SECRET });
    full = await startHarness(url, 'client-full', { '--auth-secret': SECRET, '--max-connections': '1' });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    for (const r of raws) r.socket.close();
    await h.stop();
    await full.stop();
  });

  it('sends its token as a subprotocol and reads the channels it covers', async () => {
    const c = make({ channels: ['*'], token: await token(['risk.state', 'system']) });
    await c.whenLive();
    expect(c.channels().sort()).toEqual(['risk.state', 'system']);
  });

  it('stops reconnecting after 4401 and says why', async () => {
    const denials: Denial[] = [];
    const statuses: ClientStatus[] = [];
    const c = make({ channels: ['system'], autoConnect: false });
    c.on('denied', (d) => denials.push(d));
    c.on('status', (s) => statuses.push(s));
    c.connect();
    await eventually(() => denials.length === 1);
    expect(denials[0]).toEqual({ code: 4401, reason: 'token required' });
    expect(c.status).toBe('denied');
    expect(c.denied).toEqual({ code: 4401, reason: 'token required' });
    await new Promise((r) => setTimeout(r, 800));
    expect(c.stats.connects).toBe(1);
    expect(statuses.at(-1)).toBe('denied');
    // A new token after a denial: the client connects again with it.
    c.refresh(await token(['system']));
    await c.whenLive();
    expect(c.denied).toBeUndefined();
  });

  it('stops reconnecting after 4403', async () => {
    const c = make({ channels: ['system'], token: await token(['*']), WebSocket: FromEvilOrigin as never });
    await eventually(() => c.status === 'denied');
    expect(c.denied).toEqual({ code: 4403, reason: 'origin not allowed' });
  });

  it("keeps its connection through the first token's exp when refreshed before it", async () => {
    const c = make({ channels: ['system'], token: await token(['*'], 2) });
    await c.whenLive();
    c.refresh(await token(['*'], 300));
    await new Promise((r) => setTimeout(r, 2_500));
    expect(c.status).toBe('live');
    expect(c.stats.reconnects).toBe(0);
  });

  it('backs off after 4429 and gets in once there is room', async () => {
    const holder = await rawClient(`${full.ws}?token=${await token(['*'])}`);
    raws.push(holder);
    const c = make({ channels: ['system'], token: await token(['*']), autoConnect: false }, () => full);
    const started = Date.now();
    c.connect();
    await eventually(() => c.stats.connects >= 1, 5_000, 'first attempt');
    holder.socket.close();
    await c.whenLive();
    // Backoff attempt 5 with a 100 ms base: at least 1.6 s before the second try.
    expect(Date.now() - started).toBeGreaterThan(1_500);
    expect(c.stats.connects).toBe(2);
  }, 20_000);
});
