// Builds the package's public entry points (`pm-arb/client`, `pm-arb/events`, ...) into dist/entries/:
// for each, an ES module (.mjs) and a CommonJS one (.cjs), bundled by esbuild with the dependencies
// left as imports, and one self-contained declaration file per format (.d.mts, .d.cts).
// package.json maps `pm-arb/<name>` to these files by one wildcard, so ENTRIES is the only list.
import { build } from 'esbuild';
import { generateDtsBundle } from 'dts-bundle-generator';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** `pm-arb/<name>` → its source: a thin index.ts over one folder. One line per entry point. */
export const ENTRIES = {
  client: 'src/client/index.ts',
  events: 'src/events/index.ts',
  publisher: 'src/eventlog/index.ts',
};

/** Where the entry files go, relative to the package root (package.json's `exports` says the same). */
export const ENTRIES_DIR = 'dist/entries';

/**
 * fp-ts has no `exports` map, so Node's ES module loader cannot resolve `fp-ts/Either` (a folder):
 * ES modules and their declarations name the file instead. CommonJS resolves either form.
 */
function esmSpecifier(specifier) {
  const folder = /^fp-ts\/(\w+)$/.exec(specifier);
  return folder === null ? specifier : `fp-ts/lib/${folder[1]}.js`;
}

const esmSpecifiers = {
  name: 'esm-specifiers',
  setup(plugin) {
    plugin.onResolve({ filter: /^fp-ts\/\w+$/ }, (args) => ({ path: esmSpecifier(args.path), external: true }));
  },
};

async function bundle(name, source, format, outdir) {
  await build({
    entryPoints: [join(root, source)],
    outfile: join(outdir, `${name}.${format === 'esm' ? 'mjs' : 'cjs'}`),
    bundle: true,
    format,
    platform: 'neutral',
    // The client runs in browsers: ES2022, what every current browser and Node 20 run.
    target: ['es2022'],
    packages: 'external',
    plugins: format === 'esm' ? [esmSpecifiers] : [],
    legalComments: 'none',
    logLevel: 'warning',
    tsconfig: join(root, 'tsconfig.json'),
  });
}

/** Rewrites the bare specifiers of a declaration bundle's imports as `esmSpecifier` does. */
function declarationsFor(text) {
  return text.replace(/from '([^']+)'/g, (_, specifier) => `from '${esmSpecifier(specifier)}'`);
}

/** Builds every entry point; resolves to the output folder. */
export async function buildEntries({ entries = ENTRIES, outdir = join(root, ENTRIES_DIR) } = {}) {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const names = Object.keys(entries);
  await Promise.all(names.flatMap((name) => ['esm', 'cjs'].map((format) => bundle(name, entries[name], format, outdir))));
  const declarations = generateDtsBundle(
    names.map((name) => ({ filePath: join(root, entries[name]), output: { noBanner: true, exportReferencedTypes: false } })),
    { preferredConfigPath: join(root, 'tsconfig.json') },
  );
  await Promise.all(
    names.flatMap((name, i) => {
      const text = declarationsFor(declarations[i]);
      return [writeFile(join(outdir, `${name}.d.mts`), text), writeFile(join(outdir, `${name}.d.cts`), text)];
    }),
  );
  return outdir;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildEntries().then(
    (outdir) => console.log(`entry points built into ${outdir}`),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
