/**
 * `npx tsx bench/pipelineCompare.ts --other <checkout> [--events N] [--rounds R]`: the server path of
 * `bench:pipeline` (decode, reduce in place, one diff per channel per tick) in this checkout against
 * another, as CPU per event. Both run the same N generated events, each checkout in two child processes
 * of their own (A, B, B, A): each takes both places in the order, and no process loads both checkouts.
 * A round runs one pass in every child, one child at a time, in alternating order; its ratio is the mean
 * of this checkout's two children over the other's.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { numberOption, parseArgs } from './lib/args';
import { runMain } from './lib/entry';
import { serverPath, type Message, type ServerPathModules } from './lib/serverPath';

/** Child → parent. */
type Report = { readonly type: 'ready' } | { readonly type: 'pass'; readonly usPerEvent: number };

const WARM_UP_PASSES = 3;

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

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
  const send = (report: Report): boolean => process.send?.(report) ?? false;
  process.on('message', (m: { type: string }) => {
    if (m.type === 'pass') send({ type: 'pass', usPerEvent: pass() });
    else process.exit(0);
  });
  send({ type: 'ready' });
}

/** A forked child, with a wait for its next report. */
function spawn(root: string, eventsFile: string): { proc: ChildProcess; next: () => Promise<Report> } {
  const proc = fork(__filename, ['--child', root, '--events-file', eventsFile], {
    execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: Report[] = [];
  let waiting: { resolve: (r: Report) => void; reject: (e: Error) => void } | undefined;
  proc.on('message', (r: Report) => {
    const w = waiting;
    waiting = undefined;
    if (w === undefined) inbox.push(r);
    else w.resolve(r);
  });
  proc.on('exit', (code) => waiting?.reject(new Error(`a child for ${root} exited (${code})`)));
  const next = (): Promise<Report> => {
    const r = inbox.shift();
    if (r !== undefined) return Promise.resolve(r);
    return new Promise((resolve, reject) => {
      waiting = { resolve, reject };
    });
  };
  return { proc, next };
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
  const children = roots.map((root) => spawn(root, eventsFile));
  try {
    for (const c of children) await c.next();
    const times: { ours: number; other: number }[] = [];
    for (let round = 0; round < rounds; round++) {
      const us: number[] = [];
      const order = round % 2 === 0 ? [0, 1, 2, 3] : [3, 2, 1, 0];
      for (const i of order) {
        const c = children[i] as (typeof children)[number];
        c.proc.send({ type: 'pass' });
        const r = await c.next();
        if (r.type !== 'pass') throw new Error(`expected a pass, got ${r.type}`);
        us[i] = r.usPerEvent;
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
    for (const c of children) c.proc.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

runMain(main);
