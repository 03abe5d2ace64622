import { readFileSync } from 'node:fs';
import { connect as connectTcp, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { RespClient } from '../../src/redis/client';
import { encodeCommand, type ReplyCursor } from '../../src/redis/resp';
import { redisForTests, uniquePrefix, type TestRedis } from '../support/redis';

const redis = await redisForTests();
const skip = 'skip' in redis ? redis.skip : undefined;

/** A value of `bytes` bytes that differs from any other value and at every offset (a view of the wrong bytes cannot match it). */
function valueOf(tag: string, bytes: number): Buffer {
  const value = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i += 16) value.write(`${tag}${(i % 1e9).toString(36).padStart(8, '0')}`.slice(0, 16).padEnd(16, '.'), i, 'latin1');
  return value;
}

/** A bulk reply's bytes as a view of the received bytes (what the log's reader keeps of an entry). */
function bulkView(cursor: ReplyCursor): Buffer {
  const n = cursor.bulk();
  return cursor.buf.subarray(cursor.start, cursor.start + n);
}

describe.skipIf(skip !== undefined)(`replies read where they landed${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  const server = redis as TestRedis;
  const prefix = uniquePrefix('slabs');
  const cleanups: (() => unknown)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await server.stop();
  });

  function client(url: string): RespClient {
    const c = new RespClient({ url, connectionName: 'test-slabs', onStatus: () => undefined, onError: () => undefined });
    cleanups.push(() => c.close());
    return c;
  }

  /** Stores a few values (one larger than a receive slab), reads each many times pipelined, keeps every reply as a view, then checks them all. */
  async function readAndKeep(c: RespClient): Promise<void> {
    const values = new Map([
      [`${prefix}:small`, valueOf('s', 700)],
      [`${prefix}:mid`, valueOf('m', 300_000)],
      [`${prefix}:large`, valueOf('L', 2_500_000)],
    ]);
    for (const [key, value] of values) await c.request(encodeCommand(['SET', key, value]), 1, ([r]) => r?.status(), () => undefined);
    cleanups.push(() => c.request(encodeCommand(['DEL', ...values.keys()]), 1, () => undefined, () => undefined).catch(() => undefined));
    const keys = [...values.keys()];
    const reads = Array.from({ length: 36 }, (_, i) => keys[i % keys.length] as string);
    const get = (key: string): Promise<Buffer> => c.request(encodeCommand(['GET', key]), 1, ([r]) => bulkView(r as ReplyCursor), () => Buffer.alloc(0));
    // Half of them pipelined (replies back to back, split anywhere by the reads), half one at a time (each read ends with a reply).
    const kept = await Promise.all(reads.slice(0, 18).map(get));
    for (const key of reads.slice(18)) kept.push(await get(key));
    // About 34 MB went through since the first of them was received: each is still the value it was.
    kept.forEach((view, i) => expect(view.equals(values.get(reads[i] as string) as Buffer), `read ${i} (${reads[i]})`).toBe(true));
  }

  it('keeps every reply handed out intact while later reads go on, a reply larger than a slab included', async () => {
    await readAndKeep(client(server.url));
  });

  it('does the same over TLS, where decrypted chunks are copied in', async () => {
    const dir = join(__dirname, '..', 'support', 'tls');
    const target = new URL(server.url);
    const tls: TlsServer = createTlsServer({ key: readFileSync(join(dir, 'localhost.key')), cert: readFileSync(join(dir, 'localhost.crt')) }, (down) => {
      const up: Socket = connectTcp(Number(target.port || 6379), target.hostname);
      down.pipe(up).pipe(down);
      for (const s of [down, up]) s.on('error', () => s.destroy());
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => tls.close(resolve)));
    const address = tls.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    // The test certificate is its own issuer: trust it for this connection only.
    const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      const c = client(`rediss://localhost:${port}`);
      await readAndKeep(c);
    } finally {
      if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
    }
  });
});
