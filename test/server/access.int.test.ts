import { generateKeyPairSync } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/mint';
import { runCli } from '../support/cli';
import { redisForTests } from '../support/redis';
import { eventually, getJson, rawClient, startHarness, type Harness, type RawClient } from './harness';

const redis = await redisForTests();
const skip = 'skip' in redis ? redis.skip : undefined;
const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

const token = (channels: readonly string[], ttlSec = 300, sub = 'tester', secret = SECRET): Promise<string> =>
  mintToken({ sub, channels, ttlSec, key: { secret } });

/** An unsigned token (`alg: none`) with valid claims. */
function unsignedToken(): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'x', exp: Math.floor(Date.now() / 1000) + 300, channels: ['*'] })}.`;
}

/** A raw HTTP/1.1 GET (fetch cannot set Host), resolving to status, headers and body. */
function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(skip !== undefined)(`access control over real sockets${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  const url = 'url' in redis ? redis.url : '';
  let h: Harness;
  const open: RawClient[] = [];
  const client = async (path: string, protocols?: string[], headers?: Record<string, string>): Promise<RawClient> => {
    const c = await rawClient(`${h.ws}${path}`, protocols, headers === undefined ? undefined : { headers });
    open.push(c);
    return c;
  };
  /** The close a refused connection gets right after it opened. */
  const refusal = async (path: string, protocols?: string[], headers?: Record<string, string>): Promise<{ code: number; reason: string }> =>
    (await client(path, protocols, headers)).closed;

  beforeAll(async () => {
    h = await startHarness(url, 'access', { '--auth-secret': SECRET, '--allowed-origins': 'https://dash.example.com' });
  });
  afterAll(async () => {
    for (const c of open) c.socket.close();
    await h.stop();
  });

  describe('WebSocket upgrade', () => {
    it('closes 4401 without a token', async () => {
      expect(await refusal('?channels=risk.state')).toEqual({ code: 4401, reason: 'token required' });
    });

    it('closes 4401 for a bad signature, alg none, a wrong algorithm and an expired token', async () => {
      expect(await refusal(`?token=${await token(['*'], 300, 'x', 'another-secret-that-is-long-enough-0123456789')}`)).toEqual({ code: 4401, reason: 'bad token signature' });
      expect(await refusal(`?token=${unsignedToken()}`)).toEqual({ code: 4401, reason: 'token algorithm not allowed' });
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const rs256 = await mintToken({ sub: 'x', channels: ['*'], ttlSec: 300, key: { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() } });
      expect(await refusal(`?token=${rs256}`)).toEqual({ code: 4401, reason: 'token algorithm not allowed' });
      const expired = await mintToken({ sub: 'x', channels: ['*'], ttlSec: 60, key: { secret: SECRET }, now: () => Date.now() - 120_000 });
      expect(await refusal(`?token=${expired}`)).toEqual({ code: 4401, reason: 'token expired' });
      expect(await refusal('?token=not.a-jwt')).toEqual({ code: 1008, reason: 'bad query: token is not a JWT' });
    });

    it('takes the token as the bearer.<jwt> subprotocol and echoes only pm-arb.v1', async () => {
      const jwt = await token(['risk.state']);
      const c = await client('?channels=risk.state', ['pm-arb.v1', `bearer.${jwt}`]);
      expect(c.socket.protocol).toBe('pm-arb.v1');
      await eventually(() => c.of('snapshot').length === 1);
      const q = await client(`?channels=risk.state&token=${jwt}`);
      await eventually(() => q.of('snapshot').length === 1);
    });

    it('answers channels outside the claim with ONE forbidden error, and * with the covered channels only', async () => {
      const c = await client('', ['pm-arb.v1', `bearer.${await token(['risk.state', 'system'])}`]);
      c.send({ type: 'subscribe', channels: ['risk.state', 'trade.results', 'agent.updates'] });
      await eventually(() => c.of('snapshot').length === 1);
      expect(c.of('error')).toEqual([
        { type: 'error', code: 'forbidden', message: '2 forbidden channels (see channels)', channel: 'trade.results', channels: ['trade.results', 'agent.updates'] },
      ]);
      expect(c.of('subscribed')[0]).toEqual({ type: 'subscribed', channels: ['risk.state'], epoch: h.server.log.epoch });
      c.send({ type: 'subscribe', channels: ['*'] });
      await eventually(() => c.of('subscribed').length === 2);
      expect(c.of('subscribed')[1]).toEqual({ type: 'subscribed', channels: ['risk.state', 'system'], epoch: h.server.log.epoch });
      expect(c.of('error')).toHaveLength(1);
      expect(c.of('snapshot').every((s) => s.channel === 'risk.state' || s.channel === 'system')).toBe(true);
    });

    it('keeps a connection whose token is refreshed before exp, and drops channels the new token does not cover', async () => {
      const c = await client('?channels=risk.state,system', ['pm-arb.v1', `bearer.${await token(['*'], 2)}`]);
      await eventually(() => c.of('snapshot').length === 2);
      c.send({ type: 'refresh', token: await token(['risk.state'], 300) });
      await eventually(() => c.of('unsubscribed').length === 1);
      expect(c.of('unsubscribed')[0]).toEqual({ type: 'unsubscribed', channels: ['system'] });
      expect(c.of('error')[0]).toMatchObject({ code: 'forbidden', channels: ['system'] });
      await new Promise((r) => setTimeout(r, 2_500));
      expect(c.socket.readyState).toBe(c.socket.OPEN);
    });

    it('closes 4401 at exp without a refresh, and on a refresh for another subject', async () => {
      const started = Date.now();
      const c = await client('', ['pm-arb.v1', `bearer.${await token(['*'], 2)}`]);
      expect(await c.closed).toEqual({ code: 4401, reason: 'token expired' });
      expect(Date.now() - started).toBeGreaterThan(900);
      const d = await client('', ['pm-arb.v1', `bearer.${await token(['*'])}`]);
      d.send({ type: 'refresh', token: await token(['*'], 300, 'somebody-else') });
      expect(await d.closed).toEqual({ code: 4401, reason: 'refresh refused: refresh token for another subject' });
    });

    it('closes 4403 for an Origin or a Host not allowed; a missing Origin is let in', async () => {
      const jwt = await token(['*']);
      expect(await refusal(`?token=${jwt}`, undefined, { Origin: 'http://evil.example' })).toEqual({ code: 4403, reason: 'origin not allowed' });
      expect(await refusal(`?token=${jwt}`, undefined, { Host: 'attacker.example' })).toEqual({ code: 4403, reason: 'host not allowed' });
      const allowed = await client(`?channels=system&token=${jwt}`, undefined, { Origin: 'https://dash.example.com' });
      await eventually(() => allowed.of('snapshot').length === 1);
    });
  });

  it('lets in a token minted by pm-arb token, for the channels it names', async () => {
    const cli = runCli(['token', '--channels', 'risk.state', '--ttl', '1h', '--sub', 'ops'], { AUTH_SECRET: SECRET });
    expect((await cli.exited).code).toBe(0);
    const c = await client(`?channels=risk.state,system&token=${cli.stdout.trim()}`);
    await eventually(() => c.of('snapshot').length === 1);
    expect(c.of('error')[0]).toMatchObject({ code: 'forbidden', channel: 'system' });
    const bad = runCli(['token', '--ttl', 'soon'], { AUTH_SECRET: SECRET });
    expect((await bad.exited).code).toBe(2);
    expect(bad.stderr).toContain('--ttl');
    // A server given a secret too short, or two keys, stops with 2 and names the option.
    const short = runCli(['server', '--port', '0'], { AUTH_SECRET: 'short' });
    expect((await short.exited).code).toBe(2);
    expect(short.stderr).toContain('--auth-secret must be at least 32 characters');
    const proxies = runCli(['server', '--port', '0', '--trusted-proxies', 'proxy.example']);
    expect((await proxies.exited).code).toBe(2);
    expect(proxies.stderr).toContain('--trusted-proxies');
  });

  describe('HTTP routes', () => {
    it('leaves /health open and asks a covering token for /snapshot/<channel>', async () => {
      expect((await get(h.server.port, '/health')).status).toBe(200);
      const none = await get(h.server.port, '/snapshot/risk.state');
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="pm-arb"');
      expect(JSON.parse(none.body)).toEqual({ error: 'unauthorized', message: 'token required' });
      const bad = await get(h.server.port, '/snapshot/risk.state', { Authorization: `Bearer ${await token(['*'], 300, 'x', 'another-secret-that-is-long-enough-0123456789')}` });
      expect(JSON.parse(bad.body)).toEqual({ error: 'unauthorized', message: 'bad token signature' });
      const narrow = await get(h.server.port, '/snapshot/risk.state', { Authorization: `Bearer ${await token(['system'])}` });
      expect(narrow.status).toBe(403);
      expect(JSON.parse(narrow.body)).toEqual({ error: 'forbidden', message: 'the token does not cover "risk.state"' });
      const ok = await get(h.server.port, '/snapshot/risk.state', { Authorization: `Bearer ${await token(['risk.state'])}` });
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body)).toMatchObject({ channel: 'risk.state' });
    });

    it('refuses a foreign Host or Origin with 403', async () => {
      const jwt = `Bearer ${await token(['*'])}`;
      expect((await get(h.server.port, '/snapshot/risk.state', { Authorization: jwt, Host: 'attacker.example' })).status).toBe(403);
      expect(JSON.parse((await get(h.server.port, '/', { Host: 'attacker.example:8000' })).body)).toEqual({ error: 'forbidden', message: 'host not allowed' });
      expect(JSON.parse((await get(h.server.port, '/snapshot/system', { Authorization: jwt, Origin: 'http://evil.example' })).body)).toEqual({ error: 'forbidden', message: 'origin not allowed' });
    });

    it('serves /metrics and /rejected on the admin listener only', async () => {
      expect((await get(h.server.port, '/metrics')).status).toBe(404);
      expect((await get(h.server.port, '/rejected')).status).toBe(404);
      expect((await get(h.server.adminPort, '/metrics')).body).toContain('pmarb_handler_faults_total');
      expect((await getJson(`${h.admin}/rejected`)).status).toBe(200);
      // A loopback admin listener answers loopback names only: a rebinding name is refused.
      expect((await get(h.server.adminPort, '/metrics', { Host: 'attacker.example:9464' })).status).toBe(403);
    });
  });
});

describe.skipIf(skip !== undefined)(`connection caps${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  const url = 'url' in redis ? redis.url : '';
  const servers: Harness[] = [];
  const sockets: RawClient[] = [];
  const start = async (options: Record<string, string>): Promise<Harness> => {
    const h = await startHarness(url, 'caps', options);
    servers.push(h);
    return h;
  };
  const connect = async (h: Harness, path = ''): Promise<RawClient> => {
    const c = await rawClient(`${h.ws}${path}`);
    sockets.push(c);
    return c;
  };
  afterAll(async () => {
    for (const c of sockets) c.socket.close();
    for (const h of servers) await h.stop();
  });

  it('closes 4429 past the per-address cap, and lets in again once one closed', async () => {
    const h = await start({ '--max-connections-per-ip': '3' });
    const first = await Promise.all([connect(h), connect(h), connect(h)]);
    expect(await (await connect(h)).closed).toEqual({ code: 4429, reason: 'too many connections from this address' });
    first[0]?.socket.close();
    await first[0]?.closed;
    const again = await connect(h, '?channels=system');
    await eventually(() => again.of('snapshot').length === 1);
  });

  it('counts the X-Forwarded-For client behind a trusted proxy, and ignores the header from anyone else', async () => {
    const h = await start({ '--max-connections-per-ip': '1', '--trusted-proxies': '127.0.0.1' });
    const from = async (forwarded: string): Promise<RawClient> => {
      const c = await rawClient(h.ws, undefined, { headers: { 'X-Forwarded-For': forwarded } });
      sockets.push(c);
      return c;
    };
    const a = await from('203.0.113.7');
    const b = await from('198.51.100.9, 203.0.113.8');
    await new Promise((r) => setTimeout(r, 100));
    expect(a.socket.readyState).toBe(a.socket.OPEN);
    expect(b.socket.readyState).toBe(b.socket.OPEN);
    expect(await (await from('10.9.9.9, 203.0.113.7')).closed).toEqual({ code: 4429, reason: 'too many connections from this address' });
    const untrusted = await start({ '--max-connections-per-ip': '1' });
    await connect(untrusted);
    const spoofed = await rawClient(untrusted.ws, undefined, { headers: { 'X-Forwarded-For': '192.0.2.1' } });
    sockets.push(spoofed);
    expect((await spoofed.closed).code).toBe(4429);
  });

  it('closes 4429 past the total cap', async () => {
    const h = await start({ '--max-connections': '2' });
    await Promise.all([connect(h), connect(h)]);
    expect(await (await connect(h)).closed).toEqual({ code: 4429, reason: 'too many connections' });
  });

  it('makes an address closed for abuse wait before it is let back in', async () => {
    const h = await start({ '--abuse-wait': '2', '--max-strikes': '3' });
    const abuser = await connect(h);
    for (let i = 0; i < 3; i += 1) abuser.send('garbage');
    expect((await abuser.closed).code).toBe(1008);
    const early = await (await connect(h)).closed;
    expect(early.code).toBe(4429);
    expect(early.reason).toMatch(/^closed for abuse: retry in [12] s$/);
    await new Promise((r) => setTimeout(r, 2_100));
    const later = await connect(h, '?channels=system');
    await eventually(() => later.of('snapshot').length === 1);
  });
});
