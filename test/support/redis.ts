import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';

/** A Redis the tests may use. */
export interface TestRedis {
  readonly url: string;
  /** Ends a Redis this helper started; leaves a shared one alone. */
  stop(): Promise<void>;
}

/** A Redis this process owns: it can be stopped and started again on the same port. */
export interface PrivateRedis extends TestRedis {
  readonly port: number;
  start(): Promise<void>;
}

const REQUIRED = process.env.REQUIRE_REDIS === '1';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something answers Redis's PING at host:port. */
export function pingRedis(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** Whether `redis-server` is installed. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Starts a private `redis-server` on a free port, keeping nothing on disk. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100; i += 1) {
      if (await pingRedis('127.0.0.1', port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not answer on port ${port}`);
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop };
}

/**
 * The Redis for integration tests: `REDIS_URL`, else the local one at 6379, else a private
 * `redis-server`. When none can be had, a reason to skip — or a failure under `REQUIRE_REDIS=1`.
 */
export async function redisForTests(): Promise<TestRedis | { skip: string }> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv !== undefined && fromEnv !== '') return { url: fromEnv, stop: () => Promise.resolve() };
  if (await pingRedis('127.0.0.1', 6379)) return { url: 'redis://127.0.0.1:6379', stop: () => Promise.resolve() };
  if (hasRedisServer()) return startPrivateRedis();
  return noRedis('no Redis answers at 127.0.0.1:6379 and redis-server is not installed');
}

/** A private Redis (for tests that stop and restart it), or a reason to skip. */
export async function privateRedisForTests(): Promise<PrivateRedis | { skip: string }> {
  if (hasRedisServer()) return startPrivateRedis();
  return noRedis('redis-server is not installed, so this test cannot restart a Redis of its own');
}

function noRedis(reason: string): { skip: string } {
  if (REQUIRED) throw new Error(`REQUIRE_REDIS=1 but ${reason}`);
  return { skip: reason };
}

/** A channel prefix no other test file uses. */
export function uniquePrefix(name: string): string {
  return `test-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}:`;
}
