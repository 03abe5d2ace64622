import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createRedisLog, runKeyOf, type AppendRequest } from '../src/eventlog';
import { numberOption, parseArgs, redisUrlOption } from './lib/args';
import { runMain } from './lib/entry';
import { freePort, getJson, sleep, waitFor } from './lib/net';
import { createEventSource, workloadOf } from './lib/workloads';

/**
 * The amplification attack of the hostile-client review, measured: a victim subscribed to every
 * channel measures its delta latency (from ts_first) while the publisher sends a steady mix; then
 * `--hostile` clients join, each opening with a ~120 KB `?channels=` list of unknown names and
 * sending 16 KB subscribes of unknown names at 20 per second, reconnecting 100 ms after every close.
 * Reports the hostile clients' bytes out per byte in and the victim's p50/p99 before and during.
 *
 *   npm run bench:amplification -- [--root DIR] [--hostile 4] [--duration 10] [--events-per-sec 200] [--query-bytes 120000]
 *
 * `--query-bytes 0` leaves the query out, so every hostile byte goes through `subscribe` frames.
 * `--root` runs the server from another checkout (e.g. the code before the fix) for a comparison.
 */

const ROOT = join(__dirname, '..');

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);
}

/** Unknown channel names, comma-joined, about `bytes` long. */
function unknownNames(bytes: number, tag: string): string[] {
  const names: string[] = [];
  for (let i = 0, size = 0; size < bytes; i += 1) {
    const name = `${tag}.${i}`;
    names.push(name);
    size += name.length + 3;
  }
  return names;
}

runMain(async () => {
  const args = parseArgs(process.argv.slice(2));
  const root = args.get('root') ?? ROOT;
  const hostileCount = numberOption(args, 'hostile', 4);
  const durationMs = numberOption(args, 'duration', 10) * 1000;
  const rate = numberOption(args, 'events-per-sec', 200);
  const queryBytes = numberOption(args, 'query-bytes', 120_000);
  const redisUrl = redisUrlOption(args);
  const prefix = `bench-amp-${process.pid}:`;
  const port = await freePort();
  const entry = join(root, 'src', 'cli.ts');
  if (!existsSync(entry)) throw new Error(`no ${entry}: --root must be a checkout of this project`);
  // A checkout with the admin listener needs a port for it; an older one does not know the flag.
  const adminFlags = readFileSync(join(root, 'src', 'config.ts'), 'utf8').includes('adminPort') ? ['--admin-port', String(await freePort())] : [];
  const server = spawn(process.execPath, ['--import', 'tsx', entry, 'server', '--port', String(port), '--redis', redisUrl, '--channel-prefix', prefix, ...adminFlags], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  try {
    if (!(await waitFor(async () => (await getJson(`http://127.0.0.1:${port}/health`, 1_000)) !== undefined, 30_000))) throw new Error('server did not start');
    // Appended to the durable log (its script also PUBLISHes, so a checkout without the log hears them too).
    const log = createRedisLog({ url: redisUrl, prefix });
    const source = createEventSource(workloadOf('mixed'), `amp${process.pid}`);
    const publisher = setInterval(() => {
      const ts = new Date().toISOString();
      const requests: AppendRequest[] = [];
      for (let i = 0; i < rate / 100; i += 1) {
        const m = source.next(ts);
        const key = runKeyOf(m.payload);
        requests.push(key === undefined ? { channel: m.channel, message: m.payload } : { channel: m.channel, message: m.payload, run: `${key.agent}:${key.run}`, seq: key.seq });
      }
      void log.appendMany(requests);
    }, 10);

    const latencies: { quiet: number[]; attack: number[] } = { quiet: [], attack: [] };
    let phase: 'warmup' | 'quiet' | 'attack' | 'done' = 'warmup';
    const victim = new WebSocket(`ws://127.0.0.1:${port}/ws?channels=*`);
    victim.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { type: string; ts_first?: string };
      if (frame.type === 'delta' && frame.ts_first !== undefined && (phase === 'quiet' || phase === 'attack')) {
        latencies[phase].push(Date.now() - Date.parse(frame.ts_first));
      }
    });
    await new Promise((resolve, reject) => victim.once('open', resolve).once('error', reject));
    await sleep(2_000);
    phase = 'quiet';
    await sleep(durationMs);

    const hostile = { bytesIn: 0, bytesOut: 0, framesOut: 0, connections: 0, closes: new Map<number, number>() };
    const query = queryBytes === 0 ? '' : `channels=${unknownNames(queryBytes, 'q').join(',')}`;
    const frame = JSON.stringify({ type: 'subscribe', channels: unknownNames(16_000 - 40, 'u') });
    const attacker = async (i: number): Promise<void> => {
      while (phase === 'attack') {
        hostile.connections += 1;
        hostile.bytesIn += query.length;
        const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?${query}`, { localAddress: `127.0.0.${2 + i}`, maxPayload: 0 });
        let timer: ReturnType<typeof setInterval> | undefined;
        ws.on('open', () => {
          timer = setInterval(() => {
            if (ws.readyState !== WebSocket.OPEN || phase !== 'attack') return;
            hostile.bytesIn += frame.length;
            ws.send(frame);
          }, 50);
        });
        ws.on('message', (data: Buffer) => {
          hostile.bytesOut += data.length;
          hostile.framesOut += 1;
        });
        await new Promise<void>((resolve) => {
          ws.on('close', (code, reason) => {
            hostile.bytesOut += 2 + reason.length;
            hostile.closes.set(code, (hostile.closes.get(code) ?? 0) + 1);
            resolve();
          });
          ws.on('error', () => undefined);
        });
        clearInterval(timer);
        await sleep(100);
      }
    };
    phase = 'attack';
    const attackers = Array.from({ length: hostileCount }, (_, i) => attacker(i));
    await sleep(durationMs);
    phase = 'done';
    await Promise.all(attackers.map((a) => Promise.race([a, sleep(3_000)])));
    clearInterval(publisher);
    victim.close();
    await log.close();

    const quiet = [...latencies.quiet].sort((a, b) => a - b);
    const attack = [...latencies.attack].sort((a, b) => a - b);
    const result = {
      root,
      hostile_clients: hostileCount,
      duration_s: durationMs / 1000,
      events_per_s: rate,
      query_bytes: queryBytes,
      hostile_bytes_in: hostile.bytesIn,
      hostile_bytes_out: hostile.bytesOut,
      hostile_frames_out: hostile.framesOut,
      out_per_in: Math.round((hostile.bytesOut / Math.max(1, hostile.bytesIn)) * 1000) / 1000,
      hostile_connections: hostile.connections,
      hostile_closes: Object.fromEntries(hostile.closes),
      victim_deltas: { quiet: quiet.length, attack: attack.length },
      victim_p50_ms: { quiet: percentile(quiet, 50), attack: percentile(attack, 50) },
      victim_p99_ms: { quiet: percentile(quiet, 99), attack: percentile(attack, 99) },
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    server.kill('SIGTERM');
    await Promise.race([exited, sleep(5_000)]);
  }
});
