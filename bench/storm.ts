import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { numberOption, parseArgs, redisUrlOption, targetsOption } from './lib/args';
import { runMain, writeRunJson } from './lib/entry';
import { raiseFdLimitNote } from './lib/limits';
import { stormTable } from './lib/report';
import { runStorm, type StormResult } from './lib/storm';
import { TARGET_NAMES } from './lib/targets';

/**
 * `npm run bench:storm -- [--target ours|socketio|uws|all] [--idle N] [--storm N] [--populate-events E]
 * [--repeat K] [--proposal NAME] [--redis URL]`: only the idle-memory and late-join storm step of the suites.
 */
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const targets = targetsOption(args, TARGET_NAMES, 'ours');
  const idleClients = numberOption(args, 'idle', 10_000);
  const stormClients = numberOption(args, 'storm', 1_000);
  const repeat = Math.max(1, numberOption(args, 'repeat', 1));
  const outDir = join(__dirname, 'results');
  mkdirSync(outDir, { recursive: true });
  raiseFdLimitNote(idleClients + stormClients);
  const results: StormResult[] = [];
  for (let round = 0; round < repeat; round += 1) {
    for (const target of targets) {
      const result = await runStorm({
        target,
        idleClients,
        stormClients,
        populateEvents: numberOption(args, 'populate-events', 2_000),
        redisUrl: redisUrlOption(args),
        outDir,
        runId: `${process.pid}`,
        proposal: args.get('proposal'),
      });
      results.push(result);
      console.log(`${target}${result.proposal ? ` (${result.proposal})` : ''}: ${result.rssPerClientKb} KB RSS per idle client, storm ${result.stormMs} ms`);
    }
  }
  console.log('\n' + stormTable(results));
  console.log(`\nwritten ${writeRunJson(outDir, 'storm', results)}`);
}

runMain(main);
