// Bundles the dashboard (src/dashboard/main.ts) with esbuild, and copies its HTML and CSS
// (uPlot's too) into dist/dashboard/, which the server serves at `/`.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** Builds the dashboard into `outdir` (default dist/dashboard); resolves to the output folder. */
export async function buildDashboard({ outdir = join(root, 'dist', 'dashboard'), minify = true } = {}) {
  const source = join(root, 'src', 'dashboard');
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: [join(source, 'main.ts')],
    outfile: join(outdir, 'main.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    minify,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
    tsconfig: join(root, 'tsconfig.json'),
  });
  await Promise.all([
    copyFile(join(source, 'index.html'), join(outdir, 'index.html')),
    copyFile(join(source, 'styles.css'), join(outdir, 'styles.css')),
    copyFile(require.resolve('uplot/dist/uPlot.min.css'), join(outdir, 'uPlot.min.css')),
  ]);
  return outdir;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildDashboard().then(
    (outdir) => console.log(`dashboard built into ${outdir}`),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
