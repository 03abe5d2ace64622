import fc from 'fast-check';
import { startHarness } from '../server/harness';
import { redisForTests } from '../support/redis';
import { assertConverges, fuzzProperties, startObserver } from './properties';

/**
 * `npm run fuzz -- --minutes N`: the fuzz properties of test/fuzz for N minutes (default 5) against one
 * server, rotating between HTTP, WebSocket and Redis, checking convergence after each round and the
 * process's heap (after a full GC) every round: it fails if the heap keeps growing.
 */
async function main(): Promise<number> {
  const flag = process.argv.indexOf('--minutes');
  const minutes = flag === -1 ? 5 : Number(process.argv[flag + 1]);
  if (!Number.isFinite(minutes) || minutes <= 0) throw new Error('--minutes takes a positive number');
  const gc = (globalThis as { gc?: () => void }).gc;
  const redis = await redisForTests();
  if ('skip' in redis) throw new Error(`no Redis: ${redis.skip}`);
  const h = await startHarness(redis.url, 'fuzz-long', { '--rate-limit': '1000', '--rate-burst': '1000' });
  const observer = await startObserver(h);
  const deadline = Date.now() + minutes * 60_000;
  const heap: number[] = [];
  let round = 0;
  let cases = 0;
  try {
    while (Date.now() < deadline) {
      round += 1;
      const properties = fuzzProperties(h);
      const runs = 200;
      const params = { numRuns: runs, seed: Date.now() ^ round, verbose: 1 } as const;
      const checks: [string, () => Promise<void>][] = [
        ['http', () => fc.assert(properties.http, params)],
        ['websocket', () => fc.assert(properties.websocket, params)],
        ['redis', () => fc.assert(properties.redis, params)],
      ];
      for (const [name, check] of checks) {
        await check();
        cases += runs;
        process.stdout.write(`round ${round} ${name}: ${runs} cases ok\n`);
      }
      await assertConverges(h, observer, `round-${round}`);
      gc?.();
      const used = process.memoryUsage();
      heap.push(used.heapUsed);
      process.stdout.write(`round ${round}: ${cases} cases, heap ${(used.heapUsed / 1e6).toFixed(1)} MB, rss ${(used.rss / 1e6).toFixed(1)} MB, ${Math.round((deadline - Date.now()) / 1000)} s left\n`);
    }
  } finally {
    observer.close();
    await h.stop();
  }
  // Past the first rounds (warm-up), the heap should hold steady: allow 50% and 32 MB of noise.
  const settled = heap[Math.min(2, heap.length - 1)] ?? 0;
  const last = heap.at(-1) ?? 0;
  if (gc !== undefined && last > settled * 1.5 + 32e6) {
    process.stderr.write(`heap grew from ${(settled / 1e6).toFixed(1)} MB to ${(last / 1e6).toFixed(1)} MB over ${round} rounds\n`);
    return 1;
  }
  process.stdout.write(`fuzz: ${cases} cases in ${round} rounds, no fault, observer converged every round${gc === undefined ? ' (heap not checked: run with --expose-gc)' : ''}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`fuzz: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
