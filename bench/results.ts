import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, redisUrlOption } from './lib/args';
import { defaultFlushMs } from './lib/defaults';
import { runMain } from './lib/entry';
import { raiseFdLimitNote } from './lib/limits';
import { FULL_PLAN } from './lib/plans';
import { plotPage, renderPng, type Series } from './lib/plot';
import { renderResults, sweepLabel } from './lib/report';
import { runSuite, type SuiteResult } from './lib/suite';

/**
 * `npm run bench:results`: runs the full suite (about 20 minutes), then writes bench/RESULTS.json,
 * bench/RESULTS.md and the plot bench/p99-vs-rate.png. `-- --from-json` only re-renders from RESULTS.json.
 */
const BENCH = __dirname;
const JSON_FILE = join(BENCH, 'RESULTS.json');
const PLOT_FILE = 'p99-vs-rate.png';
const COLORS = { ours: '#1f77b4', socketio: '#d62728', uws: '#2ca02c' } as const;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const outDir = join(BENCH, 'results');
  mkdirSync(outDir, { recursive: true });
  let result: SuiteResult;
  if (args.has('from-json')) {
    result = JSON.parse(readFileSync(JSON_FILE, 'utf8')) as SuiteResult;
  } else {
    raiseFdLimitNote(10_000);
    result = await runSuite(
      'full',
      FULL_PLAN,
      { redisUrl: redisUrlOption(args), outDir, command: 'npm run bench:results', defaultFlushMs: defaultFlushMs() },
      (line) => console.log(line),
    );
    writeFileSync(JSON_FILE, JSON.stringify(result, null, 2));
  }
  let plot: string | undefined;
  if (result.sweeps.length > 0) {
    const series: Series[] = result.sweeps.map((s) => ({
      label: sweepLabel(s),
      color: s.flushMs !== undefined ? '#ff7f0e' : s.proposal ? '#9467bd' : COLORS[s.target],
      points: s.points.filter((p) => p.latency.count > 0).map((p) => [p.options.rate, Math.max(p.latency.p99, 0.1)] as const),
    }));
    await renderPng(
      plotPage(`p99 latency against event rate — trades, ${result.sweeps[0]?.points[0]?.options.clients ?? ''} clients, same machine`, 'events/s published', 'p99 latency (ms)', series, 250),
      join(BENCH, PLOT_FILE),
    );
    plot = PLOT_FILE;
  }
  const notesFile = join(BENCH, 'analysis.md');
  const notes = existsSync(notesFile) ? readFileSync(notesFile, 'utf8') : '';
  writeFileSync(join(BENCH, 'RESULTS.md'), renderResults(result, plot, notes));
  console.log(`written ${join(BENCH, 'RESULTS.md')}, ${JSON_FILE}${plot ? `, ${join(BENCH, PLOT_FILE)}` : ''}`);
}

runMain(main);
