import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redisUrlOption } from './lib/args';
import { defaultFlushMs } from './lib/defaults';
import { runMain } from './lib/entry';
import { raiseFdLimitNote } from './lib/limits';
import { QUICK_PLAN } from './lib/plans';
import { renderResults } from './lib/report';
import { runSuite } from './lib/suite';

/** `npm run bench`: the quick suite (under 3 minutes); prints its report and writes bench/results/quick.{json,md}. */
async function main(): Promise<void> {
  // The quick suite must stay under 3 minutes: wait at most 5 s per run for a quiet machine.
  process.env.BENCH_QUIET_WAIT_MS ??= '5000';
  const outDir = join(__dirname, 'results');
  mkdirSync(outDir, { recursive: true });
  raiseFdLimitNote(4_000);
  const result = await runSuite(
    'quick',
    QUICK_PLAN,
    { redisUrl: redisUrlOption(), outDir, command: 'npm run bench', defaultFlushMs: defaultFlushMs() },
    (line) => console.log(line),
  );
  const report = renderResults(result, {}, '');
  writeFileSync(join(outDir, 'quick.json'), JSON.stringify(result, null, 2));
  writeFileSync(join(outDir, 'quick.md'), report);
  console.log(`\n${report}\nwritten ${join(outDir, 'quick.md')} (${result.elapsedS} s)`);
}

runMain(main);
