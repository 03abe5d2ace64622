import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, redisUrlOption } from './lib/args';
import { defaultFlushMs } from './lib/defaults';
import { runMain } from './lib/entry';
import { raiseFdLimitNote } from './lib/limits';
import { FULL_PLAN, planMinutes } from './lib/plans';
import { plotPage, renderPng, type Series } from './lib/plot';
import { renderResults, sweepLabel, type Plots } from './lib/report';
import { runSuite, type Sweep, type SuiteResult } from './lib/suite';
import { P99_LIMIT_MS } from './lib/verdict';

/**
 * `npm run bench:results`: runs the full suite (at most `planMinutes(FULL_PLAN)`, ~17 min on a quiet
 * machine; each run first waits up to a minute for quiet on a busy one), then writes bench/RESULTS.json, bench/RESULTS.md and the
 * plots bench/p99-vs-rate.png and bench/tick-vs-rate.png. `-- --from-json` only re-renders from
 * RESULTS.json; `--json FILE` reads another result (e.g. bench/results/quick.json) and `--out DIR`
 * writes RESULTS.md and the plots there instead (to check a rendering without touching bench/).
 */
const BENCH = __dirname;
const P99_PLOT = 'p99-vs-rate.png';
const TICK_PLOT = 'tick-vs-rate.png';
const COLORS = { ours: '#1f77b4', socketio: '#d62728', uws: '#2ca02c' } as const;

/** p99 against the event rate for every sweep. */
async function p99Plot(result: SuiteResult, file: string): Promise<void> {
  const series: Series[] = result.sweeps.map((s) => ({
    label: sweepLabel(s),
    color: s.flushMs !== undefined ? '#ff7f0e' : s.proposal ? '#9467bd' : COLORS[s.target],
    points: s.points.filter((p) => p.latency.count > 0).map((p) => [p.options.rate, Math.max(p.latency.p99, 0.1)] as const),
  }));
  const clients = result.sweeps[0]?.points[0]?.options.clients ?? '';
  await renderPng(plotPage(`p99 latency against event rate — trades, ${clients} clients, same machine`, 'events/s published', 'p99 latency (ms)', series, P99_LIMIT_MS), file);
}

/** Our server's flush tick (median and highest over each run) and p99 against the event rate, default flush; `false` when no run recorded a tick. */
async function tickPlot(sweep: Sweep | undefined, file: string): Promise<boolean> {
  const points = sweep?.points.filter((p) => p.tick !== undefined) ?? [];
  if (points.length === 0) return false;
  const maxMs = points[0]?.tick?.maxMs ?? 0;
  // The longest tick first, so the tick lines draw over it where they reach it.
  const series: Series[] = [
    { label: `longest tick (half the budget, ${maxMs} ms)`, color: '#ccc', points: points.map((p) => [p.options.rate, maxMs] as const) },
    { label: 'p99 latency', color: COLORS.ours, points: points.filter((p) => p.latency.count > 0).map((p) => [p.options.rate, Math.max(p.latency.p99, 0.1)] as const) },
    { label: 'flush tick, highest sample', color: '#9467bd', points: points.map((p) => [p.options.rate, p.tick?.highestMs ?? 0] as const) },
    { label: 'flush tick, median over the run', color: '#ff7f0e', points: points.map((p) => [p.options.rate, p.tick?.medianMs ?? 0] as const) },
  ];
  const clients = points[0]?.options.clients ?? '';
  await renderPng(plotPage(`pm-arb: flush tick and p99 against event rate — trades, ${clients} clients`, 'events/s published', 'ms', series, P99_LIMIT_MS), file);
  return true;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const outDir = join(BENCH, 'results');
  const target = args.get('out') ?? BENCH;
  const jsonFile = args.get('json') ?? join(BENCH, 'RESULTS.json');
  mkdirSync(outDir, { recursive: true });
  mkdirSync(target, { recursive: true });
  let result: SuiteResult;
  if (args.has('from-json') || args.has('json')) {
    result = JSON.parse(readFileSync(jsonFile, 'utf8')) as SuiteResult;
  } else {
    raiseFdLimitNote(10_000);
    console.log(`full plan: at most ~${planMinutes(FULL_PLAN)} min (every sweep rate run; sweeps usually stop earlier)`);
    result = await runSuite(
      'full',
      FULL_PLAN,
      { redisUrl: redisUrlOption(args), outDir, command: 'npm run bench:results', defaultFlushMs: defaultFlushMs() },
      (line) => console.log(line),
    );
    writeFileSync(jsonFile, JSON.stringify(result, null, 2));
  }
  const written = [join(target, 'RESULTS.md')];
  let plots: Plots = {};
  if (result.sweeps.length > 0) {
    await p99Plot(result, join(target, P99_PLOT));
    plots = { p99: P99_PLOT };
    written.push(join(target, P99_PLOT));
  }
  const ours = result.sweeps.find((s) => s.target === 'ours' && s.proposal === undefined && s.flushMs === undefined);
  if (await tickPlot(ours, join(target, TICK_PLOT))) {
    plots = { ...plots, tick: TICK_PLOT };
    written.push(join(target, TICK_PLOT));
  }
  const notesFile = join(BENCH, 'analysis.md');
  const notes = existsSync(notesFile) ? readFileSync(notesFile, 'utf8') : '';
  writeFileSync(join(target, 'RESULTS.md'), renderResults(result, plots, notes));
  console.log(`written ${written.join(', ')}${args.has('from-json') || args.has('json') ? '' : `, ${jsonFile}`}`);
}

runMain(main);
