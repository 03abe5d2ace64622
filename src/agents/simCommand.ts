import { type ReportOptions, type SeedResult, formatReport, runSeed } from './simReport';

const HELP = `Usage: pm-arb sim [options]   (npm run sim -- [options])

Runs the simulated market and agents without Redis, as fast as they compute, and prints per seed and
in total: trades, win rate, return on marked equity, max drawdown (marked), halts, fees, each rule's count.

Options:
  --seeds <list>            seeds: 1..50, 3,7,9 or 9 (default 1..10)
  --hours <n>               simulated hours per seed, 1 to 168 (default 12)
  --bankroll <dollars>      initial bankroll (default 500)
  --kelly-fraction <f>      fraction of full Kelly the strategies stake, in (0, 1] (default 0.25)
  --polymarket-fee <rate>   taker fee rate of Polymarket markets (default 0: standard markets)
  --help                    this text
`;

/** Parsed `sim` options, or the reason they are wrong. */
export type SimArgs = { seeds: number[]; hours: number; options: ReportOptions } | { error: string } | { help: true };

/** `1..50`, `3,7,9` or `9` → seeds; anything else is an error naming the option. */
function parseSeeds(text: string): number[] | string {
  const range = /^(\d+)\.\.(\d+)$/.exec(text);
  if (range !== null) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (to < from || to - from >= 10_000) return `--seeds range must go up, at most 10000 seeds, got "${text}"`;
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }
  const list = text.split(',');
  if (list.every((s) => /^\d+$/.test(s))) return list.map(Number);
  return `--seeds must be a range (1..50) or a comma-separated list of whole numbers, got "${text}"`;
}

/** Reads the `sim` command's arguments. */
export function parseSimArgs(argv: readonly string[]): SimArgs {
  let seeds: number[] = Array.from({ length: 10 }, (_, i) => i + 1);
  let hours = 12;
  const options: { bankroll?: string; kellyFraction?: string; polymarketTakerRate?: string } = {};
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i] ?? '';
    if (flag === '--help' || flag === '-h') return { help: true };
    const [name, inline] = flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = inline ?? argv[(i += 1)];
    if (value === undefined) return { error: `${name} needs a value` };
    switch (name) {
      case '--seeds': {
        const parsed = parseSeeds(value);
        if (typeof parsed === 'string') return { error: parsed };
        seeds = parsed;
        break;
      }
      case '--hours':
        hours = Number(value);
        if (!Number.isInteger(hours) || hours < 1 || hours > 168) return { error: `--hours must be a whole number from 1 to 168, got "${value}"` };
        break;
      case '--bankroll':
        options.bankroll = value;
        break;
      case '--kelly-fraction':
        options.kellyFraction = value;
        break;
      case '--polymarket-fee':
        options.polymarketTakerRate = value;
        break;
      default:
        return { error: `unknown option "${name}" (see --help)` };
    }
  }
  return { seeds, hours, options };
}

/** `pm-arb sim`: the report over many seeds; exit code 2 on bad options. */
export function runSimCommand(argv: readonly string[]): Promise<number> {
  const args = parseSimArgs(argv);
  if ('help' in args) {
    process.stdout.write(HELP);
    return Promise.resolve(0);
  }
  if ('error' in args) {
    process.stderr.write(`pm-arb sim: ${args.error}\n`);
    return Promise.resolve(2);
  }
  const results: SeedResult[] = [];
  try {
    for (const seed of args.seeds) {
      results.push(runSeed(seed, args.hours, args.options));
      process.stderr.write(`\rseed ${seed} done (${results.length}/${args.seeds.length})`);
    }
  } catch (error) {
    // Options are validated by the simulation's config: its message names the option.
    process.stderr.write(`\npm-arb sim: ${error instanceof Error ? error.message : String(error)}\n`);
    return Promise.resolve(2);
  }
  process.stderr.write('\n');
  process.stdout.write(formatReport(results, args.hours));
  return Promise.resolve(0);
}
