/** Runs the real `pm-arb` CLI (from src/, through tsx) as a child process, for tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { eventually } from '../server/harness';

const ROOT = path.resolve(__dirname, '..', '..');

/** The real CLI as a child process, with its output collected. */
export interface Cli {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function runCli(args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ADMIN_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const cli: Cli = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout?.on('data', (d: Buffer) => (cli.stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (cli.stderr += d.toString()));
  return cli;
}

/** Waits for the start-up banner and returns the port it printed. */
export async function portOf(cli: Cli): Promise<number> {
  await eventually(() => /listening on .*:(\d+)/.test(cli.stdout) || cli.child.exitCode !== null, 15_000, 'start-up banner');
  const match = /listening on .*:(\d+)/.exec(cli.stdout);
  if (match === null) throw new Error(`server did not start: ${cli.stderr}`);
  return Number(match[1]);
}


/** Waits for the start-up banner and returns the admin listener's port (the `metrics` line). */
export async function adminPortOf(cli: Cli): Promise<number> {
  const line = /metrics +http:\/\/[^\s]*:(\d+)\/metrics/;
  await eventually(() => line.test(cli.stdout) || cli.child.exitCode !== null, 15_000, 'start-up banner');
  const match = line.exec(cli.stdout);
  if (match === null) throw new Error(`server did not start: ${cli.stderr}`);
  return Number(match[1]);
}
