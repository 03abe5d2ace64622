import { fmt } from './format';
import type { CpuFigures, LoadResult } from './loadResult';

/** The p99 a run must stay under to count as keeping up: the server's default latency budget. */
export const P99_LIMIT_MS = 250;
/** Share of the target rate the publisher must reach for a point to count as measured at that rate. */
export const PUBLISHER_SHARE = 0.95;
/** CPU share (cores) at which one process counts as saturated: one event loop is one core. */
const SATURATED = 0.9;
/** Busy cores at which the two-core machine counts as full. */
const MACHINE_FULL = 1.8;

/** Whether the publisher reached the target rate (within `PUBLISHER_SHARE`). */
export function publisherOnTarget(r: Pick<LoadResult, 'publishedPerS' | 'options'>): boolean {
  return r.publishedPerS >= PUBLISHER_SHARE * r.options.rate;
}

/**
 * How far ingest was behind when the publisher finished, in ms of publishing (events not yet
 * taken from Redis over the target rate), or `undefined` when the run did not record it.
 */
export function ingestLagMs(r: Pick<LoadResult, 'ingestLag' | 'options'>): number | undefined {
  const events = r.ingestLag?.atPublishEnd;
  return events === undefined || r.options.rate <= 0 ? undefined : (Math.max(0, events) / r.options.rate) * 1000;
}

/** The criteria a run missed (empty: it passed): p99, losses, the publisher's rate, clients kept, convergence. */
export function failuresOf(r: Omit<LoadResult, 'bound'>): string[] {
  const failed: string[] = [];
  if (r.latency.count === 0) failed.push('no latency sample');
  else if (r.latency.p99 >= P99_LIMIT_MS) failed.push(`p99 ${fmt(r.latency.p99)} ms`);
  if (r.lost === undefined) failed.push('ingest count unknown');
  else if (r.lost > 0) failed.push(`${fmt(r.lost)} not ingested`);
  if (!publisherOnTarget(r)) failed.push(`published ${fmt((100 * r.publishedPerS) / r.options.rate)} % of target`);
  if (r.connectFailed > 0) failed.push(`${fmt(r.connectFailed)} clients failed to connect`);
  if (r.closedDuringRun > 0) failed.push(`${fmt(r.closedDuringRun)} clients closed`);
  const c = r.convergence;
  if (c !== undefined && c.equal !== c.fullClients) failed.push(`converged ${c.equal}/${c.fullClients}`);
  return failed;
}

/** Whether a run passed: p99 under the limit, nothing lost, the publisher on schedule, every client kept, every full client converged. */
export function passes(r: LoadResult): boolean {
  return failuresOf(r).length === 0;
}

/** The first saturated resource (server, a client process, the publisher, Redis, the whole machine), or `undefined`. */
export function saturatedResource(cpu: CpuFigures, clientProcs: number): string | undefined {
  if (cpu.server >= SATURATED) return `server CPU (${fmt(cpu.server)} cores)`;
  if (cpu.clientsMax >= SATURATED || cpu.clients >= SATURATED * clientProcs) return `client CPU (busiest process ${fmt(cpu.clientsMax)} cores)`;
  const publisherMax = cpu.publisherMax ?? cpu.publisher;
  if (publisherMax >= SATURATED) return `publisher CPU (${fmt(publisherMax)} cores in one process)`;
  if (cpu.redis >= SATURATED) return `Redis CPU (${fmt(cpu.redis)} cores)`;
  const total = cpu.server + cpu.clients + cpu.publisher + cpu.redis + cpu.kernelIrq + cpu.other;
  if (total < MACHINE_FULL) return undefined;
  if (cpu.other >= 0.5) return 'machine CPU (other programs on the machine)';
  if (cpu.kernelIrq >= 0.5) return 'machine CPU (kernel loopback network)';
  return 'machine CPU (2 cores shared)';
}

/**
 * What bounded a run, in order: the publisher short of the target (nothing past it was offered),
 * events not ingested or ingest behind the log, a saturated resource, then for our server a p99 over
 * the budget with the flush tick at its longest (its lever spent), a p99 over the budget with none
 * of these, else nothing (the publisher's schedule). A saturated resource is named with the first two.
 */
export function boundOf(r: Omit<LoadResult, 'bound'>): string {
  const resource = saturatedResource(r.cpu, r.clientProcs);
  const also = resource ? `; ${resource}` : '';
  if (!publisherOnTarget(r)) return `publisher short of target (${fmt(r.publishedPerS)}/s)${also}`;
  if (r.lost !== undefined && r.lost > 0) return `events not ingested (${fmt(r.lost)})${also}`;
  const lagMs = ingestLagMs(r);
  if (lagMs !== undefined && lagMs > P99_LIMIT_MS) return `ingest behind the log (${fmt(lagMs / 1000)} s at the end)${also}`;
  if (resource) return resource;
  if (r.latency.count > 0 && r.latency.p99 >= P99_LIMIT_MS) {
    const t = r.tick;
    if (t === undefined) return 'p99 over budget, no resource saturated';
    return t.medianMs >= t.maxMs ? `p99 over budget with the tick at its maximum (${fmt(t.maxMs)} ms)` : `p99 over budget, tick ${fmt(t.medianMs)} of ${fmt(t.maxMs)} ms`;
  }
  return 'not saturated (publisher schedule)';
}
