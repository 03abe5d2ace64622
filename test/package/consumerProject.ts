/** A fresh project that installs the packed package from its tarball, as a user would. */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = join(__dirname, '..', '..');

/** What a build or an install makes: never copied into the staging copy. */
const NOT_SOURCES = ['.git', 'node_modules', 'dist', 'coverage', join('test', 'artifacts'), join('bench', 'results')];

/** The version of a package installed in this repository (so that npm finds it in its cache). */
export function repoVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Packs the package as `npm publish` would (its `prepack` cleans and builds), from a copy of the
 * sources in `workDir`, so the repository's own dist/ is left alone. Resolves to the tarball's path.
 */
export async function packPackage(workDir: string): Promise<string> {
  const staging = join(workDir, 'source');
  cpSync(ROOT, staging, {
    recursive: true,
    filter: (path) => !NOT_SOURCES.some((skip) => relative(ROOT, path) === skip || relative(ROOT, path).startsWith(skip + sep)),
  });
  symlinkSync(join(ROOT, 'node_modules'), join(staging, 'node_modules'), 'dir');
  await run('npm', ['pack', '--pack-destination', workDir, '--silent'], { cwd: staging });
  const tarball = readdirSync(workDir).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack made no tarball');
  return join(workDir, tarball);
}

/**
 * Makes an ES-module project in `dir`, installs the tarball and `extra` packages into it (each at this
 * repository's version, from npm's cache when it has them), and copies `sources` (file → name) into its src/.
 */
export async function consumerProject(dir: string, tarball: string, extra: readonly string[], sources: Record<string, string>): Promise<void> {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pm-arb-consumer', private: true, type: 'module' }));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, outDir: 'out', rootDir: 'src', types: ['node'], skipLibCheck: false },
      include: ['src'],
    }),
  );
  const packages = extra.map((name) => `${name}@${repoVersion(name)}`);
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', tarball, ...packages], { cwd: dir });
  for (const [from, to] of Object.entries(sources)) cpSync(from, join(dir, 'src', to));
}

/** Type-checks and compiles the project's src/ into out/ with this repository's TypeScript; rejects with tsc's report. */
export async function compile(dir: string): Promise<void> {
  try {
    await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`tsc failed in the consumer project:\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
  }
}
