import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');

describe('an exception that escapes every handler', () => {
  it('is logged at fatal and ends the process with exit code 1', () => {
    const script = [
      "const { exitOnEscapedErrors } = require('./src/fatal.ts');",
      "const pino = require('pino');",
      'exitOnEscapedErrors(pino());',
      "setTimeout(() => { throw new Error('escaped on purpose'); }, 0);",
      'setTimeout(() => process.exit(0), 2000);',
    ].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 15_000 });
    expect(run.status).toBe(1);
    const line = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { level: number; msg: string; err?: { message: string } };
    expect(line.level).toBe(60);
    expect(line.msg).toContain('escaped every handler');
    expect(line.err?.message).toBe('escaped on purpose');
  });
});
