import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { privateRedisForTests, redisForTests, uniquePrefix } from '../support/redis';
import { eventually } from './harness';

const ROOT = path.resolve(__dirname, '..', '..');
const redis = await redisForTests();
const skip = 'skip' in redis ? redis.skip : undefined;

/** The real CLI as a child process, with its output collected. */
interface Cli {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runCli(args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const cli: Cli = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout?.on('data', (d: Buffer) => (cli.stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (cli.stderr += d.toString()));
  return cli;
}

/** Waits for the start-up banner and returns the port it printed. */
async function portOf(cli: Cli): Promise<number> {
  await eventually(() => /listening on .*:(\d+)/.test(cli.stdout) || cli.child.exitCode !== null, 15_000, 'start-up banner');
  const match = /listening on .*:(\d+)/.exec(cli.stdout);
  if (match === null) throw new Error(`server did not start: ${cli.stderr}`);
  return Number(match[1]);
}

const running: Cli[] = [];
afterAll(() => {
  for (const cli of running) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
});

describe('pm-arb server (the real CLI process)', () => {
  it('stops with exit code 2 and names the option on a bad value', async () => {
    const cases = [
      { cli: runCli(['server', '--port', 'abc']), names: '--port' },
      { cli: runCli(['server'], { IDLE_TIMEOUT: '5' }), names: 'IDLE_TIMEOUT' },
      { cli: runCli(['server'], { REDIS_URL: '::nonsense' }), names: 'REDIS_URL' },
    ];
    for (const { cli, names } of cases) {
      expect((await cli.exited).code).toBe(2);
      expect(cli.stderr).toContain(names);
    }
  });

  it('refuses to start on the JS fallback of uWebSockets.js', async () => {
    const cli = runCli(['server', '--port', '0'], { UWS_USE_FALLBACK: '1' });
    expect((await cli.exited).code).toBe(1);
    expect(cli.stderr).toContain('native binary');
  });

  it.skipIf(skip !== undefined)('prints its URLs, and on SIGTERM closes clients with 1001 and exits 0 within 5 s', async () => {
    const cli = runCli(['server', '--port', '0', '--redis', 'url' in redis ? redis.url : '', '--channel-prefix', uniquePrefix('cli')]);
    running.push(cli);
    const port = await portOf(cli);
    expect(cli.stdout).toContain(`ws://127.0.0.1:${port}/ws`);
    expect(cli.stdout).toContain(`http://127.0.0.1:${port}/health`);
    expect(cli.stdout).toContain(`http://127.0.0.1:${port}/`);
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws?channels=risk.state`);
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.once('message', resolve));
    const signalledAt = Date.now();
    cli.child.kill('SIGTERM');
    expect(await closed).toBe(1001);
    const exit = await cli.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
  });

  it('answers /health with 503 while Redis is unreachable, and 200 once it comes back', async () => {
    const own = await privateRedisForTests();
    if ('skip' in own) return;
    await own.stop();
    const cli = runCli(['server', '--port', '0', '--redis', own.url, '--channel-prefix', uniquePrefix('cli-down')]);
    running.push(cli);
    const port = await portOf(cli);
    const health = async (): Promise<{ status: number; body: { status: string } }> => {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      return { status: res.status, body: (await res.json()) as { status: string } };
    };
    expect(await health()).toMatchObject({ status: 503, body: { status: 'degraded' } });
    await own.start();
    let last = await health();
    for (let i = 0; i < 100 && last.status !== 200; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      last = await health();
    }
    expect(last).toMatchObject({ status: 200, body: { status: 'healthy' } });
    cli.child.kill('SIGINT');
    expect((await cli.exited).code).toBe(0);
    await own.stop();
  });
});
