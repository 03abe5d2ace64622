import { createRedisLog, runField, type AppendRequest } from '../src/eventlog';
import type { PrepareCommand, PublishCommand, PublishReport } from './lib/ipc';
import { PreparedEvents, TS_PLACEHOLDER } from './lib/prepared';
import { createEventSource, workloadOf, type Outgoing, type WorkloadName } from './lib/workloads';

/**
 * The load publisher, a child process of the orchestrator: appends workload events to the durable
 * log at a steady rate (batched: one append script call per batch, which also PUBLISHes each event, so
 * the peers that listen on pub/sub get the same stream; calls pipelined, many in flight), stamping
 * `ts` with the publish wall time. Each event's run key comes from the generator, not from parsing
 * the message back. `npx tsx bench/publisherCeiling.ts` measures how fast it goes with no server.
 * argv: redisUrl prefix workload run [index] — index i of several publishers at once (its own run, seed and id range).
 */
const [redisUrl = 'redis://127.0.0.1:6379', prefix = 'bench:', workload = 'mixed', run = 'r0', indexArg = '0'] = process.argv.slice(2);
const index = Number(indexArg);
const log = createRedisLog({ url: redisUrl, prefix });
/** Events per append call: large enough to amortise the call, small enough to keep latency low (Redis runs one call ~1–2 ms). */
const APPEND_BATCH = 200;
const source = createEventSource(workloadOf(workload as WorkloadName), run, 1 + index, index * 1_000_000_000);
// Writes in flight; bounded so a slow Redis makes the publisher fall behind visibly instead of buffering without end.
let inFlight = 0;
const MAX_IN_FLIGHT = 20_000;

/** An append of one event, with its run and seq (so the log judges duplicates as it does for the agents). */
function requestOf(out: Outgoing): AppendRequest {
  return { channel: out.channel, message: out.payload, run: runField(out.key), seq: out.key.seq };
}

/** Events made by `prepare`, taken in order by `publish` before it makes any more (off the heap: see `PreparedEvents`). */
let prepared = new PreparedEvents(0);
/** Events sent through every publish phase so far. */
let publishedTotal = 0;

function prepare(count: number): void {
  prepared = new PreparedEvents(count);
  for (let i = 0; i < count; i += 1) {
    const out = source.next(TS_PLACEHOLDER);
    prepared.add(out.channel, out.payload, runField(out.key), out.key.seq);
  }
}

/** The next event, stamped with `ts`: a prepared one while any is left. */
function nextRequest(ts: string): AppendRequest {
  return prepared.take(ts) ?? requestOf(source.next(ts));
}

async function publish(rate: number, durationMs: number): Promise<PublishReport> {
  const start = performance.now();
  let sent = 0;
  let maxBehind = 0;
  const total = Math.round((rate * durationMs) / 1000);
  while (sent < total) {
    const elapsed = performance.now() - start;
    const due = Math.min(total, Math.floor((elapsed * rate) / 1000));
    maxBehind = Math.max(maxBehind, due - sent);
    if (elapsed > durationMs * 2 + 5_000) break; // never run away: stop at twice the planned time
    const batch = Math.min(due - sent, MAX_IN_FLIGHT - inFlight);
    if (batch > 0) {
      const ts = new Date().toISOString();
      for (let done = 0; done < batch; done += APPEND_BATCH) {
        const requests: AppendRequest[] = [];
        for (let i = done; i < Math.min(batch, done + APPEND_BATCH); i += 1) requests.push(nextRequest(ts));
        inFlight += requests.length;
        void log.appendMany(requests).then(() => {
          inFlight -= requests.length;
        });
      }
      sent += batch;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 1));
  return { type: 'published', count: sent, elapsedMs: performance.now() - start, total: (publishedTotal += sent), maxBehind };
}

process.on('message', (message: PrepareCommand | PublishCommand | { type: 'exit' }) => {
  if (message.type === 'exit') {
    void log.close().finally(() => process.exit(0));
    return;
  }
  if (message.type === 'prepare') {
    prepare(message.count);
    process.send?.({ type: 'prepared' });
    return;
  }
  void publish(message.rate, message.durationMs).then((report) => process.send?.(report));
});
process.on('disconnect', () => process.exit(0));
void log.bounds().then(() => process.send?.({ type: 'ready' }));
