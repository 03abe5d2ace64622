import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Runs a bench script's `main`; a failure prints its message and exits 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

/** Writes `data` as `<outDir>/<kind>-<timestamp>.json`; returns the path. */
export function writeRunJson(outDir: string, kind: string, data: unknown): string {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${kind}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(data, null, 2));
  return file;
}
