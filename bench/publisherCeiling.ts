import { BenchChild } from './lib/child';
import { parseArgs, numberOption, choiceOption, redisUrlOption } from './lib/args';
import { runMain } from './lib/entry';
import { fmt, table } from './lib/format';
import { coreShare, sampleProc } from './lib/procStats';
import { deleteRunKeys } from './lib/runKeys';
import { publishersFor, redisPid, split } from './lib/scenario';
import { WORKLOAD_NAMES } from './lib/workloads';

/**
 * `npx tsx bench/publisherCeiling.ts [--events-per-sec 50000,100000,150000] [--duration 5] [--workload trades] [--publishers Q] [--redis URL]`:
 * the bench publishers alone (no server, no clients; as many processes as a load run uses at that
 * rate unless `--publishers`) against each target rate: what they reached, and the CPU they and Redis
 * spent per event. This is the ceiling of the trades sweep's offered load on this machine.
 */
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const rates = (args.get('events-per-sec') ?? '50000,100000,150000').split(',').map(Number);
  if (rates.some((r) => !Number.isFinite(r) || r <= 0)) throw new Error('--events-per-sec must be a comma list of positive rates');
  const durationMs = numberOption(args, 'duration', 5) * 1000;
  const workload = choiceOption(args, 'workload', WORKLOAD_NAMES, 'trades');
  const redisUrl = redisUrlOption(args);
  const rPid = await redisPid(redisUrl);
  const rows: string[][] = [];
  for (const rate of rates) {
    const run = `${process.pid}-${rate}`;
    const prefix = `bench-ceiling-${run}-${Math.random().toString(36).slice(2, 8)}:`;
    const count = args.has('publishers') ? Math.max(1, numberOption(args, 'publishers', 1)) : publishersFor(rate);
    const publishers = Array.from({ length: count }, (_, i) => new BenchChild('publisher.ts', [redisUrl, prefix, workload, `${run}p${i}`, String(i)]));
    try {
      await Promise.all(publishers.map((p) => p.next('ready', 30_000)));
      const rates = split(rate, count);
      publishers.forEach((p, i) => p.send({ type: 'prepare', count: Math.round(((rates[i] ?? 0) * durationMs) / 1000) }));
      await Promise.all(publishers.map((p) => p.next('prepared', 300_000)));
      const before = { publishers: publishers.map((p) => sampleProc(p.pid)), redis: rPid === undefined ? undefined : sampleProc(rPid) };
      publishers.forEach((p, i) => p.send({ type: 'publish', rate: rates[i], durationMs }));
      const reports = await Promise.all(publishers.map((p) => p.next('published', durationMs * 2 + 60_000)));
      const after = { publishers: publishers.map((p) => sampleProc(p.pid)), redis: rPid === undefined ? undefined : sampleProc(rPid) };
      const perS = (reports.reduce((s, r) => s + r.count, 0) / Math.max(...reports.map((r) => r.elapsedMs))) * 1000;
      const pubCores = publishers.reduce((sum, _, i) => {
        const [b, a] = [before.publishers[i], after.publishers[i]];
        return sum + (a && b ? coreShare(b, a) : NaN);
      }, 0);
      const redisCores = before.redis && after.redis ? coreShare(before.redis, after.redis) : NaN;
      const behind = reports.reduce((s, r) => s + r.maxBehind, 0);
      rows.push([fmt(rate), String(count), `${fmt(perS)} (${fmt((100 * perS) / rate)} %)`, fmt(behind), fmt(pubCores), fmt((pubCores * 1e6) / perS), fmt(redisCores), fmt((redisCores * 1e6) / perS)]);
      console.log(`${rate}/s: ${count} publishers, published ${Math.round(perS)}/s, publishers ${fmt(pubCores)} cores, Redis ${fmt(redisCores)} cores`);
    } finally {
      await Promise.all(publishers.map((p) => p.stop({ type: 'exit' })));
      await deleteRunKeys(redisUrl, prefix);
    }
  }
  console.log(
    '\n' +
      table(['target events/s', 'publishers', 'published/s (of target)', 'most behind schedule (events)', 'publisher cores (all)', 'publisher µs CPU / event', 'Redis cores', 'Redis µs CPU / event'], rows),
  );
}

runMain(main);
