import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { choiceOption, numberOption, parseArgs, redisUrlOption, targetsOption } from './lib/args';
import { runMain, writeRunJson } from './lib/entry';
import { LOAD_HEADER, loadRow, table } from './lib/format';
import { raiseFdLimitNote } from './lib/limits';
import { runLoad, type LoadResult } from './lib/scenario';
import { TARGET_NAMES } from './lib/targets';
import { WORKLOAD_NAMES } from './lib/workloads';

/**
 * `npm run bench:load -- --clients N --events-per-sec R --duration S --workload W [--target ours|socketio|uws|all]
 * [--flush-ms F] [--full-clients K] [--client-procs P] [--publishers Q] [--sample E] [--cpu-prof] [--proposal NAME] [--redis URL]`:
 * one load run per target, same machine, same workload; prints a table and writes JSON.
 */
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const targets = targetsOption(args, TARGET_NAMES, 'all');
  const clients = numberOption(args, 'clients', 100);
  const outDir = join(__dirname, 'results');
  mkdirSync(outDir, { recursive: true });
  raiseFdLimitNote(clients);
  const results: LoadResult[] = [];
  for (const target of targets) {
    const flush = args.get('flush-ms');
    const result = await runLoad({
      target,
      workload: choiceOption(args, 'workload', WORKLOAD_NAMES, 'trades'),
      clients,
      rate: numberOption(args, 'events-per-sec', 1_000),
      durationS: numberOption(args, 'duration', 10),
      flushMs: flush === undefined ? undefined : Number(flush),
      fixedTick: args.has('fixed-tick') ? true : undefined,
      fullClients: numberOption(args, 'full-clients', Math.min(10, clients)),
      clientProcs: args.has('client-procs') ? numberOption(args, 'client-procs', 2) : undefined,
      publishers: args.has('publishers') ? numberOption(args, 'publishers', 1) : undefined,
      sampleEvery: numberOption(args, 'sample', 1),
      redisUrl: redisUrlOption(args),
      outDir,
      cpuProf: args.has('cpu-prof'),
      runId: `${process.pid}`,
      proposal: args.get('proposal'),
    });
    results.push(result);
    console.log(table(LOAD_HEADER, [loadRow(result)]));
    if (args.has('verbose')) console.log(result.timeline, result.serverFaults);
    if (result.convergence && result.convergence.mismatches.length > 0) console.log('mismatches:', result.convergence.mismatches);
  }
  console.log('\n' + table(LOAD_HEADER, results.map(loadRow)));
  console.log(`\nwritten ${writeRunJson(outDir, 'load', results)}`);
}

runMain(main);
