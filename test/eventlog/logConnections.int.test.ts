import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisLog, logKeys, type EventLog } from '../../src/eventlog';
import { RedisLogReader, type RedisLogReaderOptions } from '../../src/eventlog/redisLogReader';
import { privateRedisForTests, type PrivateRedis } from '../support/redis';
import { TcpProxy } from '../support/tcpProxy';

const redis = await privateRedisForTests();
const skip = 'skip' in redis ? redis.skip : undefined;

describe.skipIf(skip !== undefined)(`the log's own connections (reads, appends)${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  const server = redis as PrivateRedis;
  const cleanups: (() => unknown)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await server.stop();
  });

  /** A reader of the log at `prefix` on `url`, with every status change and fault it reports. */
  function openReader(url: string, prefix: string, extra: Partial<RedisLogReaderOptions> = {}): { reader: RedisLogReader; statuses: boolean[]; errors: string[] } {
    const keys = logKeys(prefix);
    const statuses: boolean[] = [];
    const errors: string[] = [];
    const reader = new RedisLogReader({
      url,
      streamKey: keys.stream,
      metaKey: keys.meta,
      connectionName: 'test-log-read',
      maxRetryDelayMs: 100,
      onStatus: (ready) => statuses.push(ready),
      onError: (error) => errors.push(error.message),
      ...extra,
    });
    cleanups.push(() => reader.close());
    return { reader, statuses, errors };
  }

  function openLog(url: string, prefix: string): EventLog {
    const log = createRedisLog({ url, prefix });
    cleanups.push(() => log.close());
    return log;
  }

  /** A log at `prefix` holding one entry, `one`, and a ready reader of it behind a proxy the test can cut or hold. */
  async function readerBehindProxy(prefix: string, extra: Partial<RedisLogReaderOptions> = {}): Promise<ReturnType<typeof openReader> & { proxy: TcpProxy }> {
    const log = openLog(server.url, prefix);
    await log.append({ channel: 'risk.state', message: 'one', publish: false });
    const proxy = new TcpProxy(server.port);
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const opened = openReader(`redis://127.0.0.1:${proxy.port}`, prefix, extra);
    await until(() => opened.reader.isReady, 'the reader to be ready');
    return { ...opened, proxy };
  }

  async function until(condition: () => boolean, what: string): Promise<void> {
    for (let i = 0; !condition(); i++) {
      if (i > 400) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('given entries larger than a socket read, then a batch of them comes back with every byte, channel and position', async () => {
    const log = openLog(server.url, 'big:');
    const messages = Array.from({ length: 40 }, (_, i) => Buffer.from(`{"n":${i},"pad":"${String.fromCharCode(97 + (i % 26)).repeat(60_000 + i)}"}`));
    await log.appendMany(messages.map((message, i) => ({ channel: i % 2 === 0 ? 'trade.results' : 'risk.state', message, publish: false })));
    const { reader } = openReader(server.url, 'big:');
    const read = await reader.read(0, 100, 0);
    expect(read.head).toBe(40);
    expect(read.epoch).toMatch(/^[0-9a-f]{16}$/);
    expect(read.entries.map((e) => e.pos)).toEqual(messages.map((_, i) => i + 1));
    expect(read.entries.map((e) => e.channel)).toEqual(messages.map((_, i) => (i % 2 === 0 ? 'trade.results' : 'risk.state')));
    expect(read.entries.every((e, i) => e.message.equals(messages[i] as Buffer))).toBe(true);
    expect(read.entries.every((e) => e.time > 1_700_000_000_000)).toBe(true);
    // Positions after the last: nothing, and a blocking read waits for the next append.
    expect((await reader.read(40, 100, 0)).entries).toEqual([]);
    const waiting = reader.read(40, 100, 2_000);
    await log.append({ channel: 'agent.updates', message: 'next', publish: false });
    expect((await waiting).entries.map((e) => [e.pos, e.message.toString()])).toEqual([[41, 'next']]);
  });

  it('given a password, a user and a database in the URL, then it authenticates and reads that database (named or not); a wrong password is reported and retried', async () => {
    const admin = new Redis(server.url);
    cleanups.push(() => admin.disconnect());
    await admin.call('ACL', 'SETUSER', 'reader', 'on', '>s3cret', '~*', '+@all');
    const url = `redis://reader:s3cret@127.0.0.1:${server.port}/3`;
    const log = createRedisLog({ url, prefix: 'db3:' });
    cleanups.push(() => log.close());
    await log.append({ channel: 'risk.state', message: 'in db 3', publish: false });
    expect(await admin.exists(logKeys('db3:').stream)).toBe(0);
    const { reader } = openReader(url, 'db3:');
    expect((await reader.read(0, 10, 0)).entries.map((e) => e.message.toString())).toEqual(['in db 3']);

    // A user who may not name its connection still reads.
    await admin.call('ACL', 'SETUSER', 'unnamed', 'on', '>pw', '~*', '+@all', '-client|setname');
    const unnamed = openReader(`redis://unnamed:pw@127.0.0.1:${server.port}/3`, 'db3:');
    expect((await unnamed.reader.read(0, 10, 0)).entries.map((e) => e.message.toString())).toEqual(['in db 3']);

    const wrong = openReader(`redis://reader:nope@127.0.0.1:${server.port}`, 'db3:');
    await until(() => wrong.errors.length > 0, 'an authentication error');
    expect(wrong.errors[0]).toMatch(/WRONGPASS/);
    expect(wrong.reader.isReady).toBe(false);
  });

  it('given the connection cut mid-read, then that read fails, the status goes down and up again, and the next read is answered', async () => {
    const { reader, statuses, proxy } = await readerBehindProxy('cut:');
    const blocked = reader.read(1, 10, 5_000);
    await new Promise((r) => setTimeout(r, 50));
    proxy.drop();
    await expect(blocked).rejects.toThrow(/connection to Redis was lost/);
    await until(() => statuses.length >= 3, 'the reader to reconnect');
    expect(statuses).toEqual([true, false, true]);
    expect((await reader.read(0, 10, 0)).entries.map((e) => e.message.toString())).toEqual(['one']);
  });

  it('given Redis stops answering, then a read is given up once its blocking time and the grace have passed, and reading goes on after a reconnect', async () => {
    const { reader, errors, proxy } = await readerBehindProxy('mute:', { answerGraceMs: 200 });
    proxy.hold();
    const started = Date.now();
    await expect(reader.read(0, 10, 100)).rejects.toThrow(/connection to Redis was lost/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(errors).toContain('Redis did not answer in time');
    proxy.release();
    await until(() => reader.isReady, 'the reader to reconnect');
    expect((await reader.read(0, 10, 0)).entries.map((e) => e.message.toString())).toEqual(['one']);
  });

  it('given Redis without the append scripts cached (flushed), then appends load them again and go on in order', async () => {
    const log = openLog(server.url, 'flushed:');
    await log.append({ channel: 'risk.state', message: 'one', publish: false });
    const admin = new Redis(server.url);
    cleanups.push(() => admin.disconnect());
    await admin.script('FLUSH');
    const outcomes = await Promise.all([
      log.append({ channel: 'risk.state', message: 'two', publish: false }),
      log.appendMany([
        { channel: 'risk.state', message: 'three', publish: false },
        { channel: 'risk.state', message: 'four', publish: false },
      ]),
    ]);
    expect(outcomes.flat().map((o) => (o.outcome === 'appended' ? o.pos : 0))).toEqual([2, 3, 4]);
    const { reader } = openReader(server.url, 'flushed:');
    expect((await reader.read(0, 10, 0)).entries.map((e) => e.message.toString())).toEqual(['one', 'two', 'three', 'four']);
  });

  it('given reads waiting while Redis is down, then they are sent once it is back; a read pending at close resolves empty', async () => {
    const log = openLog(server.url, 'down:');
    await log.append({ channel: 'risk.state', message: 'one', publish: false });
    const proxy = new TcpProxy(server.port, { holdReplies: true });
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const { reader } = openReader(`redis://127.0.0.1:${proxy.port}`, 'down:');
    const early = reader.read(0, 10, 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(reader.isReady).toBe(false);
    proxy.release();
    const first = await early;
    expect(first.entries.map((e) => e.message.toString())).toEqual(['one']);
    const pending = reader.read(1, 10, 5_000);
    reader.close();
    expect(await pending).toEqual({ epoch: first.epoch, head: 1, entries: [] });
    await expect(reader.read(0, 10, 0)).rejects.toThrow(/closed/);
  });
});
