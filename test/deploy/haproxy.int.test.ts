import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getJson, rawClient, type RawClient } from '../server/harness';
import { portOf, runCli, type Cli } from '../support/cli';
import { freePort, redisForTests, uniquePrefix } from '../support/redis';

const CONFIG = path.resolve(__dirname, '..', '..', 'deploy', 'haproxy', 'haproxy.cfg');

/** Debian's haproxy (in /usr/sbin, often outside a user's PATH), else one on the PATH. */
function findHaproxy(): string | undefined {
  const dirs = ['/usr/sbin', ...(process.env.PATH ?? '').split(path.delimiter)];
  return dirs.map((dir) => path.join(dir, 'haproxy')).find((file) => existsSync(file));
}

const haproxy = findHaproxy();
// CI installs it (.ci/run): there, a missing haproxy is a failure, not a skip.
if (haproxy === undefined && process.env.CI === 'true') throw new Error('CI=true but haproxy is not installed (apt-get install haproxy)');
const noHaproxy = haproxy === undefined ? 'haproxy is not installed (Debian: apt-get install haproxy)' : undefined;
const redis = await redisForTests();
const noRedis = 'skip' in redis ? redis.skip : undefined;

/**
 * The committed configuration, pointed at processes on this machine: its listening port and its two
 * servers' addresses replaced, everything else (timeouts, health checks, balance) as shipped.
 */
function localConfig(port: number, servers: readonly [number, number]): string {
  const shipped = readFileSync(CONFIG, 'utf8');
  const replacements: [string, string][] = [
    ['bind :8080', `bind 127.0.0.1:${port}`],
    [' server:8000 ', ` 127.0.0.1:${servers[0]} `],
    [' server-2:8000 ', ` 127.0.0.1:${servers[1]} `],
  ];
  let config = shipped;
  for (const [from, to] of replacements) {
    if (!config.includes(from)) throw new Error(`${CONFIG} no longer contains "${from}": update this test with it`);
    config = config.replace(from, to);
  }
  return config;
}

describe.skipIf(noHaproxy !== undefined)(`haproxy configuration${noHaproxy === undefined ? '' : ` (skipped: ${noHaproxy})`}`, () => {
  it('is valid for haproxy -c', () => {
    const check = spawnSync(haproxy as string, ['-c', '-f', CONFIG], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    expect(`${check.stdout}${check.stderr}`).toContain('Configuration file is valid');
  });
});

const skip = noHaproxy ?? noRedis;
describe.skipIf(skip !== undefined)(`two servers behind haproxy${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  const children: (Cli | { child: ChildProcess })[] = [];
  const clients: RawClient[] = [];
  afterAll(async () => {
    for (const c of clients) c.socket.close();
    await Promise.all(
      children.map(({ child }) =>
        child.exitCode !== null || child.signalCode !== null ? undefined : new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM')),
      ),
    );
  });

  it('answers /health and spreads WebSockets over both instances, each starting with a snapshot', async () => {
    const url = 'url' in redis ? redis.url : '';
    const prefix = uniquePrefix('haproxy');
    const staticRoot = mkdtempSync(path.join(tmpdir(), 'pm-arb-static-'));
    const servers = [0, 1].map(() => runCli(['server', '--port', '0', '--redis', url, '--channel-prefix', prefix, '--static-root', staticRoot]));
    children.push(...servers);
    const ports = (await Promise.all(servers.map(portOf))) as [number, number];

    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'pm-arb-haproxy-'));
    const config = path.join(dir, 'haproxy.cfg');
    writeFileSync(config, localConfig(port, ports));
    const proxy = spawn(haproxy as string, ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let proxyOutput = '';
    proxy.stdout.on('data', (d: Buffer) => (proxyOutput += d.toString()));
    proxy.stderr.on('data', (d: Buffer) => (proxyOutput += d.toString()));
    children.push({ child: proxy });

    const http = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 10_000;
    let health: { status: number; body: unknown } | undefined;
    while (health?.status !== 200) {
      if (Date.now() > deadline || proxy.exitCode !== null) throw new Error(`no healthy answer through haproxy: ${proxyOutput}`);
      health = await getJson(`${http}/health`).catch(() => undefined);
      if (health?.status !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(health.body).toMatchObject({ status: 'healthy', log: 'live' });

    for (let i = 0; i < 2; i += 1) {
      const client = await rawClient(`ws://127.0.0.1:${port}/ws?channels=risk.state`);
      clients.push(client);
      const deadlineWs = Date.now() + 5_000;
      while (client.of('snapshot').length === 0 && Date.now() < deadlineWs) await new Promise((r) => setTimeout(r, 20));
      expect(client.of('snapshot')[0]).toMatchObject({ type: 'snapshot', channel: 'risk.state' });
    }
    // leastconn: the second socket went to the instance holding none.
    const perServer = await Promise.all(ports.map(async (p) => ((await getJson(`http://127.0.0.1:${p}/health`)).body as { connections: number }).connections));
    expect(perServer).toEqual([1, 1]);
  });
});
