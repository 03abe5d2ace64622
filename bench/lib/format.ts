import type { LoadResult } from './loadResult';
import { TARGET_LABELS } from './targets';

/** Rounds for tables: 3 significant digits, thousands kept whole. */
export function fmt(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return Number(n.toPrecision(3)).toString();
}

/** Bytes/s as MB/s. */
export function mbps(n: number): string {
  return `${fmt(n / 1e6)} MB/s`;
}

/** A markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** The columns of a load-run table. */
export const LOAD_HEADER = [
  'server',
  'workload',
  'clients',
  'flush ms',
  'events/s published',
  'events/s ingested',
  'lost',
  'frames/s delivered',
  'bytes/s delivered',
  'p50 ms',
  'p99 ms',
  'p999 ms',
  'server CPU (cores)',
  'clients CPU',
  'Redis CPU',
  'kernel irq CPU',
  'other CPU',
  'server CPU ms / 1k frames',
  'server CPU ms / 1k events',
  'converged',
  'background cores before',
  'bounded by',
] as const;

/** One row of the load-run table. */
export function loadRow(r: LoadResult): string[] {
  const o = r.options;
  return [
    o.target === 'ours' ? `pm-arb${o.proposal ? ` + ${o.proposal} (proposed)` : ''}` : (TARGET_LABELS[o.target].split(' (')[0] ?? o.target),
    o.workload,
    fmt(r.connected) + (r.connectFailed > 0 ? ` (${r.connectFailed} failed)` : ''),
    o.target === 'ours' ? `${o.flushMs === undefined ? 'default' : String(o.flushMs)}${o.fixedTick === true ? ', fixed' : ''}` : 'n/a',
    fmt(r.publishedPerS),
    fmt(r.ingestedPerS),
    fmt(r.lost),
    fmt(r.framesPerS),
    mbps(r.bytesPerS),
    // No sample: no event published after the warm-up reached a client within the run (a zero would read as instant).
    ...(r.latency.count === 0 ? ['–', '–', '–'] : [fmt(r.latency.p50), fmt(r.latency.p99), fmt(r.latency.p999)]),
    fmt(r.cpu.server),
    fmt(r.cpu.clients),
    fmt(r.cpu.redis),
    fmt(r.cpu.kernelIrq),
    fmt(r.cpu.other),
    fmt(r.serverCpuMsPer1kFrames),
    fmt(r.serverCpuMsPer1kEvents),
    r.convergence ? `${r.convergence.equal}/${r.convergence.fullClients}` : 'n/a',
    fmt(r.backgroundCores),
    r.bound,
  ];
}
