import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { choiceOption, numberOption, parseArgs } from './lib/args';
import { raiseFdLimitNote } from './lib/limits';
import { stormTable } from './lib/report';
import { runStorm, type StormResult } from './lib/storm';
import { TARGET_NAMES, type TargetName } from './lib/targets';

/**
 * `npm run bench:storm -- [--target ours|socketio|uws|all] [--idle N] [--storm N] [--populate-events E]
 * [--repeat K] [--proposal NAME] [--redis URL]`: only the idle-memory and late-join storm step of the suites.
 */
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const targetArg = args.get('target') ?? 'ours';
  const targets: TargetName[] = targetArg === 'all' ? [...TARGET_NAMES] : targetArg.split(',').map((t) => choiceOption(new Map([['target', t]]), 'target', TARGET_NAMES, 'ours'));
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
        redisUrl: args.get('redis') ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        outDir,
        runId: `${process.pid}`,
        proposal: args.get('proposal'),
      });
      results.push(result);
      console.log(`${target}${result.proposal ? ` (${result.proposal})` : ''}: ${result.rssPerClientKb} KB RSS per idle client, storm ${result.stormMs} ms`);
    }
  }
  console.log('\n' + stormTable(results));
  const file = join(outDir, `storm-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(`\nwritten ${file}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
