/**
 * `npx tsx bench/logReadCompare.ts --other <checkout> [--entries N] [--passes P] [--redis URL]`: what
 * reading the log costs this checkout's reader against another checkout's, in one process. It appends N
 * trades-workload entries under a fresh prefix, then reads them all in batches of 1,000 through both
 * versions of `createRedisLog`, alternating, and prints each pass's CPU per entry (user + system) and the
 * medians. The prefix is deleted at the end.
 */
import * as path from 'node:path';
import Redis from 'ioredis';
import { createRedisLog } from '../src/eventlog';
import { numberOption, parseArgs, redisUrlOption } from './lib/args';
import { runMain } from './lib/entry';
import { readToHead } from './lib/readLog';
import { median } from './lib/stats';
import { createEventSource, workloadOf } from './lib/workloads';

const BATCH = 1_000;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const other = args.get('other');
  if (other === undefined) throw new Error('--other <checkout> is required: the checkout to compare with');
  const count = numberOption(args, 'entries', 200_000);
  const passes = numberOption(args, 'passes', 7);
  const url = redisUrlOption(args);
  const prefix = `bench-read-compare-${Date.now()}`;
  // The other checkout's module, loaded from its own sources (tsx compiles them as it does ours).
  const { createRedisLog: createOther } = (await import(path.resolve(other, 'src', 'eventlog', 'index.ts'))) as { createRedisLog: typeof createRedisLog };

  const writer = createRedisLog({ url, prefix });
  const source = createEventSource(workloadOf('trades'), 'read-compare');
  for (let i = 0; i < count; i += 200) {
    const requests = Array.from({ length: Math.min(200, count - i) }, () => {
      const out = source.next(new Date().toISOString());
      return { channel: out.channel, message: out.payload, key: out.key, publish: false };
    });
    await writer.appendMany(requests);
  }
  const logs = { this: createRedisLog({ url, prefix, reads: true }), other: createOther({ url, prefix, reads: true }) };
  const results: Record<'this' | 'other', number[]> = { this: [], other: [] };
  try {
    for (let pass = 0; pass < passes; pass++) {
      for (const which of ['other', 'this'] as const) {
        const { entries, cpuUs } = await readToHead(logs[which], BATCH);
        if (entries !== count) throw new Error(`${which} read ${entries} entries, expected ${count}`);
        results[which].push(cpuUs / entries);
      }
    }
  } finally {
    for (const log of [writer, logs.this, logs.other]) await log.close();
    const redis = new Redis(url);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
  for (const which of ['other', 'this'] as const) {
    console.log(`${which === 'this' ? 'this checkout ' : `${other}`}: ${results[which].map((us) => us.toFixed(2)).join(' ')} µs/entry, median ${median(results[which]).toFixed(2)}`);
  }
}

runMain(main);
