#!/usr/bin/env node
import { runAgentsCommand } from './agents/main';
import { runTokenCommand } from './auth/main';
import { runDemoCommand } from './demo/main';
import { exitOnEscapedErrors } from './fatal';
import { logger } from './log';
import { runLogCommand } from './logtools/logCommand';
import { runReplayCommand } from './logtools/replayCommand';
import { runServerCommand } from './server/main';
import { runSimCommand } from './agents/simCommand';

/** A subcommand: takes its own arguments, resolves to an exit code once it has finished. */
type Subcommand = (argv: readonly string[]) => Promise<number>;

/** `pm-arb <name> ...`: add a subcommand by adding a row. */
const SUBCOMMANDS: Readonly<Record<string, { readonly run: Subcommand; readonly summary: string }>> = {
  demo: { run: runDemoCommand, summary: 'agents + server + dashboard in one process (what npm start runs)' },
  server: { run: runServerCommand, summary: 'the projection server: Redis events in, WebSocket deltas out' },
  agents: { run: runAgentsCommand, summary: 'the simulated trading agents, publishing to Redis' },
  sim: { run: runSimCommand, summary: 'the simulation without Redis at full speed: a P&L and risk report per seed' },
  replay: { run: runReplayCommand, summary: 'rebuild every projection from the log (or an export) offline and print it as JSON' },
  log: { run: runLogCommand, summary: 'log export | log import: the log as NDJSON, for backups and moves between Redis instances' },
  token: { run: runTokenCommand, summary: 'mints an access token: pm-arb token --channels a,b --ttl 1h' },
};

function usage(): string {
  const rows = Object.entries(SUBCOMMANDS).map(([name, { summary }]) => `  ${name.padEnd(10)} ${summary}`);
  return ['Usage: pm-arb <command> [options]', '', 'Commands:', ...rows, '', 'pm-arb <command> --help lists its options.', ''].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = SUBCOMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`pm-arb: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

exitOnEscapedErrors(logger);
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`pm-arb: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
