/**
 * `npx tsx bench/pipelineCompare.ts --other <checkout> [--events N] [--rounds R]`: the server path of
 * `bench:pipeline` (decode, reduce in place, one diff per channel per tick) in this checkout against
 * another, as CPU per event. Both run the same N generated events, each checkout in two child processes
 * of their own (A, B, B, A): each takes both places in the order, and no process loads both checkouts.
 * A round runs one pass in every child, one child at a time, in alternating order; its ratio is the mean
 * of this checkout's two children over the other's.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { numberOption, parseArgs } from './lib/args';
import { BenchChild } from './lib/child';
import { runMain } from './lib/entry';
import type { ChildMessage } from './lib/ipc';
import { serverPath, type Message, type ServerPathModules } from './lib/serverPath';
import { median } from './lib/stats';

const WARM_UP_PASSES = 3;
/** Longest wait for a child's setup (loading, reading the events, warm-up) or for one pass. */
const CHILD_TIMEOUT_MS = 300_000;

/**
 * A child: loads `root`'s modules and no others of `src/`, reads the events the parent generated (both
 * sides reduce the very same stream), warms up, then runs a pass per request.
 */
async function child(root: string, eventsFile: string): Promise<void> {
  const load = async <T>(dir: string): Promise<T> => (await import(path.resolve(root, 'src', dir, 'index.ts'))) as T;
  const ev = await load<typeof import('../src/events')>('events');
  const pl = await load<typeof import('../src/pipeline')>('pipeline');
  const modules: ServerPathModules = { decodeEvent: ev.decodeEvent, AGENT_CHANNELS: ev.AGENT_CHANNELS, ProjectionStates: pl.ProjectionStates, diff: pl.diff };
  const stored = JSON.parse(readFileSync(eventsFile, 'utf8')) as [string, string][];
  const messages: Message[] = stored.map(([channel, base64]) => ({ channel, raw: Buffer.from(base64, 'base64') }));
  const pass = (): number => {
    const before = process.cpuUsage();
    if (serverPath(modules, messages) === 0) throw new Error('no deltas');
    const used = process.cpuUsage(before);
    return (used.user + used.system) / messages.length;
  };
  for (let i = 0; i < WARM_UP_PASSES; i++) pass();
  const send = (report: ChildMessage): boolean => process.send?.(report) ?? false;
  process.on('message', (m: { type: string }) => {
    if (m.type === 'pass') send({ type: 'pass', usPerEvent: pass() });
    else process.exit(0);
  });
  send({ type: 'ready' });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const childRoot = args.get('child');
  if (childRoot !== undefined) return child(childRoot, args.get('events-file') ?? '');
  const events = numberOption(args, 'events', 100_000);
  const other = args.get('other');
  if (other === undefined) throw new Error('--other <checkout> is required: the checkout to compare with');
  const rounds = numberOption(args, 'rounds', 10);
  const ours = path.resolve(__dirname, '..');
  const roots = [ours, path.resolve(other), path.resolve(other), ours];
  const dir = mkdtempSync(path.join(tmpdir(), 'pipeline-compare-'));
  const eventsFile = path.join(dir, 'events.json');
  // Imported here only: a child loads no module of this checkout's src/ but those of the one it runs.
  const { generate } = await import('./pipeline');
  writeFileSync(eventsFile, JSON.stringify(generate(events).map((m) => [m.channel, m.raw.toString('base64')])));
  const children = roots.map((root) => new BenchChild('pipelineCompare.ts', ['--child', root, '--events-file', eventsFile]));
  try {
    for (const c of children) await c.next('ready', CHILD_TIMEOUT_MS);
    const times: { ours: number; other: number }[] = [];
    for (let round = 0; round < rounds; round++) {
      const us: number[] = [];
      const order = round % 2 === 0 ? [0, 1, 2, 3] : [3, 2, 1, 0];
      for (const i of order) {
        const c = children[i] as (typeof children)[number];
        c.send({ type: 'pass' });
        us[i] = (await c.next('pass', CHILD_TIMEOUT_MS)).usPerEvent;
      }
      const [a0 = 0, b0 = 0, b1 = 0, a1 = 0] = us;
      times.push({ ours: (a0 + a1) / 2, other: (b0 + b1) / 2 });
    }
    const fmt = (xs: readonly number[]): string => xs.map((x) => x.toFixed(2)).join(' ');
    const ratios = times.map((t) => t.ours / t.other);
    console.log(`this checkout   µs/event: ${fmt(times.map((t) => t.ours))}  median ${median(times.map((t) => t.ours)).toFixed(3)}`);
    console.log(`${other}  µs/event: ${fmt(times.map((t) => t.other))}  median ${median(times.map((t) => t.other)).toFixed(3)}`);
    console.log(`this / other, per round: median ${median(ratios).toFixed(3)} (min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)}); ${events.toLocaleString('en-US')} events, ${rounds} rounds`);
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

runMain(main);
