/** What each public entry point pulls in: the client nothing but its own folder, so it runs in browsers. */
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ENTRIES } from '../../scripts/buildEntries.mjs';
import { ROOT } from './consumerProject';

/** What a browser bundle of `source` is made of: its own files, the packages, and the Node built-ins it imports. */
async function browserBundleInputs(source: string): Promise<{ files: string[]; packages: string[]; builtins: string[] }> {
  const result = await build({
    entryPoints: [join(ROOT, source)],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    metafile: true,
    logLevel: 'silent',
    // Left out rather than failing the build, so that the metafile lists them.
    external: [...builtinModules, 'node:*'],
    loader: { '.node': 'empty' },
  });
  const builtins = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) for (const i of input.imports) if (i.external === true) builtins.add(i.path);
  const inputs = Object.keys(result.metafile.inputs).map((file) => relative(ROOT, join(ROOT, file)));
  const packages = new Set<string>();
  for (const file of inputs) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (match?.[1] !== undefined) packages.add(match[1]);
  }
  return { files: inputs.filter((f) => !f.includes('node_modules')), packages: [...packages].sort(), builtins: [...builtins].sort() };
}

describe('package entry points', () => {
  it('given pm-arb/client, then a browser bundle of it holds only src/client files and no package at all', async () => {
    const { files, packages, builtins } = await browserBundleInputs(ENTRIES.client ?? '');
    expect(packages).toEqual([]);
    expect(builtins).toEqual([]);
    expect(files.filter((f) => !f.startsWith('src/client/'))).toEqual([]);
  });

  it('given pm-arb/events, then it needs only the codec and decimal libraries, never the server, Redis or uWS', async () => {
    const { files, packages } = await browserBundleInputs(ENTRIES.events ?? '');
    expect(packages).toEqual(['big.js', 'fp-ts', 'io-ts']);
    expect(files.filter((f) => !f.startsWith('src/events/'))).toEqual([]);
  });

  it('given the CLI (server and Redis bus), then the same check sees ioredis, uWS and Node built-ins', async () => {
    // The same check on a module known to need them: proves it would catch such an import in an entry.
    const { packages, builtins } = await browserBundleInputs('src/cli.ts');
    expect(packages).toEqual(expect.arrayContaining(['ioredis', 'uWebSockets.js']));
    expect(builtins.length).toBeGreaterThan(0);
  });
});
