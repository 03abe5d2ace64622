import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, hasRedisServer, pingRedisUrl } from '../../src/demo/redisProbe';
import { portOf, runCli, type Cli } from '../support/cli';
import { redisForTests, uniquePrefix } from '../support/redis';

const redis = await redisForTests();
const running: Cli[] = [];
afterAll(() => {
  for (const cli of running) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
});

/** Starts `pm-arb demo` fast enough to trade within seconds, and waits for its banner. */
async function startDemo(args: string[], env: Record<string, string> = {}): Promise<{ cli: Cli; http: string }> {
  const cli = runCli(['demo', '--port', '0', '--speed', '600', ...args], env);
  running.push(cli);
  const port = await portOf(cli);
  return { cli, http: `http://127.0.0.1:${port}` };
}

/** Waits until /snapshot/trade.results shows a trade. */
async function tradesShow(http: string): Promise<number> {
  let count = 0;
  const deadline = Date.now() + 20_000;
  while (count === 0 && Date.now() < deadline) {
    const body = (await (await fetch(`${http}/snapshot/trade.results`)).json()) as { state: { trade_count: number } };
    count = body.state.trade_count;
    if (count === 0) await new Promise((r) => setTimeout(r, 100));
  }
  return count;
}

async function stopCleanly(cli: Cli): Promise<void> {
  cli.child.kill('SIGINT');
  const exit = await cli.exited;
  expect(exit).toEqual({ code: 0, signal: null });
}

describe('pm-arb demo (the real CLI process)', () => {
  it.skipIf('skip' in redis)('uses the Redis that answers, and shows trades', async () => {
    if (!('url' in redis)) return;
    const { cli, http } = await startDemo(['--redis', redis.url, '--channel-prefix', uniquePrefix('demo')]);
    expect(cli.stdout).toContain(`events     Redis at ${redis.url}`);
    expect(await tradesShow(http)).toBeGreaterThan(0);
    await stopCleanly(cli);
  });

  it.skipIf(!hasRedisServer())('starts a private redis-server when none answers, and stops it on Ctrl-C', async () => {
    const { cli, http } = await startDemo(['--redis', `redis://127.0.0.1:${await freePort()}`]);
    const match = /a private redis-server at (redis:\/\/\S+)/.exec(cli.stdout);
    expect(match).not.toBeNull();
    const privateUrl = match?.[1] ?? '';
    expect(await pingRedisUrl(privateUrl)).toBe(true);
    expect(await tradesShow(http)).toBeGreaterThan(0);
    await stopCleanly(cli);
    expect(await pingRedisUrl(privateUrl)).toBe(false);
  });

  it('falls back to the in-process memory bus, says so, and still shows trades', async () => {
    // A PATH with node alone on it: no redis-server to be found.
    const bin = mkdtempSync(join(tmpdir(), 'pm-arb-path-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const { cli, http } = await startDemo(['--redis', `redis://127.0.0.1:${await freePort()}`], { PATH: bin });
    expect(cli.stdout).toContain('the in-process memory bus');
    expect(await tradesShow(http)).toBeGreaterThan(0);
    await stopCleanly(cli);
  });
});
