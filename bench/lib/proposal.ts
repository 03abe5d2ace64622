import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * A copy of our src/ with proposed server changes (bench/proposals/<name>.patch; `a+b` applies both),
 * under bench/results/: measures a fix before it lands, without touching src/. Returns its cli.ts.
 */
export function prepareProposal(name: string): string {
  const dir = join(ROOT, 'bench', 'results', `proposal-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
  for (const part of name.split('+'))
    execFileSync('patch', ['-s', '-p1', '-d', dir, '-i', join(ROOT, 'bench', 'proposals', `${part}.patch`)]);
  return join(dir, 'src', 'cli.ts');
}
