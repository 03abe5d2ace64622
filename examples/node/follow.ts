/**
 * Follows projections of a running pm-arb server with the `pm-arb/client` package, and prints one
 * line per change.
 *
 *   node follow.js --url ws://127.0.0.1:8000/ws --channel risk.state --channel trade.results
 *
 * With `--converge` it also checks its copies against the server: it keeps the last states it held,
 * compares them with `GET /snapshot/<channel>` at the same version, and exits 0 once every channel
 * has taken at least one delta and equals the server's state (1 on a difference or at the timeout).
 */
import { isDeepStrictEqual, parseArgs } from 'node:util';
import WebSocket from 'ws';
import { ProjectionClient, type ChannelChange } from 'pm-arb/client';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'ws://127.0.0.1:8000/ws' },
    channel: { type: 'string', multiple: true, default: ['risk.state', 'trade.results'] },
    converge: { type: 'boolean', default: false },
    'timeout-ms': { type: 'string', default: '30000' },
  },
});
const channels = values.channel;
/** The HTTP side of the same server: `ws://host:port/ws` → `http://host:port`. */
const http = values.url.replace(/^ws/, 'http').replace(/\/ws(\?.*)?$/, '');

const client = new ProjectionClient({ url: values.url, channels, WebSocket });

/** Per channel: the states held at recent versions, and how many deltas it took. */
const held = new Map(channels.map((channel) => [channel, { versions: new Map<number, unknown>(), deltas: 0 }]));
const KEEP = 500;

client.on('status', (status) => console.log(`status ${status}`));
client.on('serverError', (frame) => console.error(`server error ${frame.code}: ${frame.message}`));
client.on('change', (change: ChannelChange) => {
  console.log(`${change.cause} ${change.channel} v${change.version}`);
  const entry = held.get(change.channel);
  if (entry === undefined) return;
  if (change.cause === 'delta') entry.deltas += 1;
  entry.versions.set(change.version, change.state);
  // States are never mutated once handed out, so keeping references is enough.
  if (entry.versions.size > KEEP) entry.versions.delete(entry.versions.keys().next().value as number);
});

/** `true` once the channel took a delta and matches the server; throws on a difference. */
async function matches(channel: string): Promise<boolean> {
  const entry = held.get(channel);
  if (entry === undefined || entry.deltas === 0) return false;
  const server = (await (await fetch(`${http}/snapshot/${encodeURIComponent(channel)}`)).json()) as { version: number; state: unknown };
  const mine = entry.versions.get(server.version);
  if (mine === undefined) return false; // not there yet (or already moved past it): ask again
  if (!isDeepStrictEqual(mine, server.state)) throw new Error(`${channel} differs from the server's state at version ${server.version}`);
  return true;
}

async function converge(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(channels);
  while (pending.size > 0) {
    if (Date.now() > deadline) throw new Error(`not converged within ${timeoutMs} ms: ${[...pending].join(', ')}`);
    for (const channel of pending) if (await matches(channel)) pending.delete(channel);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

if (values.converge) {
  converge(Number(values['timeout-ms'])).then(
    () => {
      console.log(`converged ${channels.join(' ')}`);
      client.close();
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      client.close();
      process.exitCode = 1;
    },
  );
}
process.on('SIGINT', () => client.close());
