// `npm start`: build when dist/ is missing or older than the sources, then run the demo.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

const stamp = join(root, 'dist', '.built');
const stale =
  !existsSync(stamp) ||
  newestMtime(join(root, 'src')) > statSync(stamp).mtimeMs ||
  statSync(join(root, 'package.json')).mtimeMs > statSync(stamp).mtimeMs;

if (stale) {
  console.log('building (dist/ is missing or older than src/) ...');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), 'demo', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
// Signals to this launcher are passed on (Ctrl-C also reaches the child directly: it ignores the repeat).
process.on('SIGINT', () => child.kill('SIGINT'));
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
