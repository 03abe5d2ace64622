import Redis from 'ioredis';
import type { PublishCommand, PublishReport } from './lib/ipc';
import { createEventSource, workloadOf, type WorkloadName } from './lib/workloads';

/**
 * The load publisher, a child process of the orchestrator: puts workload events on Redis
 * at a steady rate, stamping `ts` with the publish wall time. argv: redisUrl prefix workload run.
 */
const [redisUrl = 'redis://127.0.0.1:6379', prefix = 'bench:', workload = 'mixed', run = 'r0'] = process.argv.slice(2);
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
const source = createEventSource(workloadOf(workload as WorkloadName), run);
// Writes in flight; bounded so a slow Redis makes the publisher fall behind visibly instead of buffering without end.
let inFlight = 0;
const MAX_IN_FLIGHT = 20_000;

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
      const pipeline = redis.pipeline();
      for (let i = 0; i < batch; i += 1) {
        const out = source.next(ts);
        pipeline.publish(prefix + out.channel, out.payload);
      }
      inFlight += batch;
      void pipeline.exec().then(() => {
        inFlight -= batch;
      });
      sent += batch;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 1));
  return { type: 'published', count: sent, elapsedMs: performance.now() - start, total: source.published(), maxBehind };
}

process.on('message', (message: PublishCommand | { type: 'exit' }) => {
  if (message.type === 'exit') {
    void redis.quit().finally(() => process.exit(0));
    return;
  }
  void publish(message.rate, message.durationMs).then((report) => process.send?.(report));
});
process.on('disconnect', () => process.exit(0));
void redis.ping().then(() => process.send?.({ type: 'ready' }));
