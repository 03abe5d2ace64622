import Redis from 'ioredis';
import { createServer, connect, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisLog, logKeys, type EventLog } from '../../src/eventlog';
import { Publisher } from '../../src/eventlog';
import { RespClient } from '../../src/redis/client';
import { encodeCommand } from '../../src/redis/resp';
import { privateRedisForTests, type PrivateRedis } from '../support/redis';
import { TcpProxy } from '../support/tcpProxy';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, pingRedis } from '../../src/demo/redisProbe';

const redis = await privateRedisForTests();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A proxy that hands what Redis answers to the client in order, a chunk holding NOSCRIPT split into its lines, `gapMs` apart (TCP may split anywhere). */
async function lineByLineProxy(targetPort: number, gapMs: number): Promise<{ port: number; stop(): void }> {
  const sockets: Socket[] = [];
  const server = createServer((down) => {
    const up = connect(targetPort, '127.0.0.1');
    sockets.push(down, up);
    down.pipe(up);
    const lines: Buffer[] = [];
    let pumping = false;
    const pump = (): void => {
      const line = lines.shift();
      if (line === undefined) {
        pumping = false;
        return;
      }
      down.write(line);
      setTimeout(pump, gapMs);
    };
    up.on('data', (chunk: Buffer) => {
      if (!chunk.includes('NOSCRIPT')) {
        lines.push(chunk);
        if (!pumping) {
          pumping = true;
          pump();
        }
        return;
      }
      let from = 0;
      for (let i = chunk.indexOf('\r\n'); i >= 0; i = chunk.indexOf('\r\n', from)) {
        lines.push(chunk.subarray(from, i + 2));
        from = i + 2;
      }
      if (from < chunk.length) lines.push(chunk.subarray(from));
      if (!pumping) {
        pumping = true;
        pump();
      }
    });
    for (const s of [down, up]) s.on('error', () => s.destroy());
    up.on('close', () => down.destroy());
    down.on('close', () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    stop: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

describe.skipIf('skip' in redis)(`Redis connections under faults${'skip' in redis ? ` (skipped: ${redis.skip})` : ''}`, () => {
  const server = redis as PrivateRedis;
  const cleanups: (() => unknown)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await server.stop();
  });

  async function until(condition: () => boolean, what: string): Promise<void> {
    for (let i = 0; !condition(); i++) {
      if (i > 400) throw new Error(`timed out waiting for ${what}`);
      await sleep(10);
    }
  }

  function openLog(url: string, prefix: string): EventLog {
    const log = createRedisLog({ url, prefix, maxRetryDelayMs: 100 });
    cleanups.push(() => log.close());
    return log;
  }

  async function loggedSeqs(prefix: string): Promise<string[]> {
    const admin = new Redis(server.url);
    try {
      const entries = await admin.xrange(logKeys(prefix).stream, '-', '+');
      return entries.map(([, fields]) => fields[fields.indexOf('message') + 1] as string);
    } finally {
      admin.disconnect();
    }
  }

  it('given a refused SELECT or AUTH, then the connection never reports ready and a request waits (abandoned at close)', async () => {
    for (const url of [`redis://127.0.0.1:${server.port}/99`, `redis://nobody:wrong@127.0.0.1:${server.port}`]) {
      const statuses: boolean[] = [];
      const client = new RespClient({ url, connectionName: 'test-refused', maxRetryDelayMs: 2_000, onStatus: (r) => statuses.push(r), onError: () => undefined });
      cleanups.push(() => client.close());
      const outcome = client
        .request(encodeCommand(['PING']), 1, () => 'answered', () => 'abandoned')
        .then(
          (v) => v,
          (e: unknown) => `rejected: ${(e as Error).message}`,
        );
      await sleep(1_000);
      client.close();
      expect({ url, statuses: statuses.slice(0, 6), outcome: await outcome }).toEqual({ url, statuses: [], outcome: 'abandoned' });
    }
  });

  it('given appends in flight when the append connection is killed and a later append of the run made meanwhile, then all are logged in seq order', async () => {
    const prefix = 'killed:';
    const log = openLog(server.url, prefix);
    await log.append({ channel: 'c', message: 'seq0', run: 'a:r', seq: 0 + 1000, publish: false }); // scripts cached, run exists
    const publisher = new Publisher(log, { publish: false, retryDelayMs: 50 });
    cleanups.push(() => publisher.close());
    const admin = new Redis(server.url);
    cleanups.push(() => admin.disconnect());
    const key = (seq: number) => ({ agent: 'a', run: 'r', seq: 1000 + seq });
    await admin.call('CLIENT', 'PAUSE', '300', 'WRITE');
    const first = [publisher.publish('c', 'seq1', key(1)), publisher.publish('c', 'seq2', key(2))];
    await sleep(30);
    const list = (await admin.call('CLIENT', 'LIST')) as string;
    const id = /id=(\d+) .*name=pm-arb-log-append /.exec(list)?.[1];
    await admin.call('CLIENT', 'KILL', 'ID', id as string);
    await sleep(5);
    const later = publisher.publish('c', 'seq3', key(3)); // e.g. the bridge hearing the next message of the run
    const outcomes = (await Promise.all([...first, later])).map((o) => o.outcome);
    expect({ outcomes, logged: await loggedSeqs(prefix) }).toEqual({ outcomes: ['appended', 'appended', 'appended'], logged: ['seq0', 'seq1', 'seq2', 'seq3'] });
  });

  it('given the scripts flushed and NOSCRIPT replies split across reads, then no later append runs before an earlier one', async () => {
    const prefix = 'flushed-split:';
    const admin = new Redis(server.url);
    cleanups.push(() => admin.disconnect());
    await admin.script('FLUSH');
    const proxy = await lineByLineProxy(server.port, 30);
    cleanups.push(() => proxy.stop());
    const log = openLog(`redis://127.0.0.1:${proxy.port}`, prefix);
    await until(() => log.connected, 'the log to connect');
    await sleep(200);
    const a1 = log.append({ channel: 'c', message: 'seq1', run: 'a:r', seq: 1, publish: false });
    const a2 = log.append({ channel: 'c', message: 'seq2', run: 'a:r', seq: 2, publish: false });
    await sleep(15);
    const a3 = log.append({ channel: 'c', message: 'seq3', run: 'a:r', seq: 3, publish: false });
    const outcomes = (await Promise.all([a1, a2, a3])).map((o) => o.outcome);
    expect({ outcomes, logged: await loggedSeqs(prefix) }).toEqual({ outcomes: ['appended', 'appended', 'appended'], logged: ['seq1', 'seq2', 'seq3'] });
  });

  it('given a batch whose script is not cached and a later single append, then the batch is logged first', async () => {
    const prefix = 'flushed-batch:';
    const admin = new Redis(server.url);
    cleanups.push(() => admin.disconnect());
    const log = openLog(server.url, prefix);
    await log.append({ channel: 'c', message: 'warm', publish: false }); // APPEND cached
    await admin.script('FLUSH');
    await log.append({ channel: 'c', message: 'warm2', publish: false }); // APPEND cached again, APPEND_BATCH not
    const many = log.appendMany([
      { channel: 'c', message: 'seq1', run: 'a:r', seq: 1, publish: false },
      { channel: 'c', message: 'seq2', run: 'a:r', seq: 2, publish: false },
    ]);
    const one = log.append({ channel: 'c', message: 'seq3', run: 'a:r', seq: 3, publish: false });
    const outcomes = [...(await many), await one].map((o) => o.outcome);
    expect(outcomes).toEqual(['appended', 'appended', 'appended']);
  });

  it('given Redis that stops answering, then each request is given up at its own deadline (blocking time + grace), not a grace later', async () => {
    const proxy = new TcpProxy(server.port);
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const late: number[] = [];
    for (const blockMs of [0, 150, 50]) {
      const client = new RespClient({ url: `redis://127.0.0.1:${proxy.port}`, connectionName: 'test-silent', answerGraceMs: 300, onStatus: () => undefined, onError: () => undefined });
      await until(() => client.isReady, 'the client to be ready');
      proxy.hold();
      const started = Date.now();
      await client.request(encodeCommand(['PING']), 1, () => 'x', () => 'x', blockMs).catch(() => undefined);
      late.push(Date.now() - started - (blockMs + 300));
      client.close();
      proxy.release();
    }
    expect(late.map((ms) => ms > -20 && ms < 150)).toEqual([true, true, true]);
  });

  it('given Redis still loading its data after a restart, then the append connection waits until it answers, and the append is logged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pm-arb-loading-'));
    const children: ChildProcess[] = [];
    cleanups.push(() => {
      for (const child of children) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });
    const port = await freePort();
    const start = (): ChildProcess => {
      const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--enable-debug-command', 'yes'], { stdio: 'ignore' });
      children.push(child);
      return child;
    };
    const first = start();
    while (!(await pingRedis('127.0.0.1', port))) await sleep(20);
    const admin = new Redis(port, '127.0.0.1');
    await admin.call('DEBUG', 'POPULATE', '2000000', 'k', '100');
    await admin.call('SAVE');
    admin.disconnect();
    const exited = new Promise((resolve) => first.once('exit', resolve));
    first.kill('SIGKILL');
    await exited;
    start();
    await sleep(30);
    const log = createRedisLog({ url: `redis://127.0.0.1:${port}`, prefix: 'loading:', maxRetryDelayMs: 20 });
    const outcome = await log.append({ channel: 'c', message: 'm', run: 'a:r', seq: 1, publish: false }).then(
      (o) => o.outcome,
      (error: unknown) => `rejected: ${(error as Error).message}`,
    );
    await log.close();
    expect(outcome).toBe('appended');
  }, 60_000);
});
