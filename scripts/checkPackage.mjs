// `npm run check:package`: packs the package as `npm publish` would (prepack builds it), then lints the
// tarball with publint (strict: warnings fail too) and checks every entry point's types in every
// module resolution mode with @arethetypeswrong/cli. Exits non-zero on any problem.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENTRIES } from './buildEntries.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);

function run(command, args) {
  console.log(`$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const out = mkdtempSync(join(tmpdir(), 'pm-arb-pack-'));
try {
  run('npm', ['pack', '--pack-destination', out, '--silent']);
  const tarball = join(out, readdirSync(out).find((f) => f.endsWith('.tgz')));
  run(bin('publint'), ['run', tarball, '--strict']);
  // Wildcard exports cannot be discovered: name each entry point. The CLI's `--no-color`
  // keeps CI logs readable.
  run(bin('attw'), [tarball, '--no-color', '--entrypoints', ...Object.keys(ENTRIES).map((name) => `./${name}`)]);
} finally {
  rmSync(out, { recursive: true, force: true });
}
