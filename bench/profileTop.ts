import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * `tsx bench/profileTop.ts <dir-or-.cpuprofile> [N] [FROM-TO]`: the functions with the most self time in a
 * V8 CPU profile (as written by `--cpu-prof`, e.g. from `npm run bench:load -- --cpu-prof`). With a window
 * `FROM-TO` (seconds, e.g. `0-0.5`), only the samples that many seconds after the first one in `decodeWith`
 * (the server's first event decoded) count: what the server did, and how idle it was, while traffic started.
 */
interface Node {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly Node[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [arg = '.', topArg = '25', windowArg] = process.argv.slice(2);
const window = windowArg === undefined ? undefined : windowArg.split('-').map(Number);
if (window !== undefined && (window.length !== 2 || window.some((x) => !Number.isFinite(x)))) throw new Error(`a window is FROM-TO in seconds, e.g. 0-0.5; got "${windowArg}"`);
const file = statSync(arg).isDirectory()
  ? readdirSync(arg)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(arg, f))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]
  : arg;
if (file === undefined) throw new Error(`no .cpuprofile in ${arg}`);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0;
/** Microseconds since the profile started, at the current sample; and at the first sample in `decodeWith`. */
let at = 0;
let firstDecode: number | undefined;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  at += dt;
  const node = byId.get(id);
  if (!node) return;
  if (window !== undefined) {
    if (firstDecode === undefined && node.callFrame.functionName === 'decodeWith') firstDecode = at;
    const since = firstDecode === undefined ? -1 : (at - firstDecode) / 1e6;
    if (since < (window[0] ?? 0) || since >= (window[1] ?? 0)) return;
  }
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.startsWith('file://') ? relative(process.cwd(), url.slice(7)) : url;
  const key = `${functionName || '(anonymous)'}  ${where}:${lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
});
const idle = [...self.entries()].filter(([k]) => k.startsWith('(idle)')).reduce((s, [, v]) => s + v, 0);
if (total === 0) throw new Error(window === undefined ? `no samples in ${file}` : `no samples ${windowArg} s after the first decodeWith sample in ${file}`);
const span = window === undefined ? '' : ` (${windowArg} s after the first event decoded)`;
console.log(`${file}${span}: ${(total / 1e6).toFixed(1)} s sampled, ${(((total - idle) / total) * 100).toFixed(0)}% busy; share of busy time:`);
const busy = [...self.entries()].filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(program)'));
for (const [key, us] of busy.sort((a, b) => b[1] - a[1]).slice(0, Number(topArg)))
  console.log(`${((us / (total - idle)) * 100).toFixed(1).padStart(5)}%  ${key}`);
