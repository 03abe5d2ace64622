import { readFileSync } from 'node:fs';

/** CPU time (user + system, ms) and resident memory (bytes) of one process, read from /proc. */
export interface ProcSample {
  readonly atMs: number;
  readonly cpuMs: number;
  readonly rssBytes: number;
}

// Linux reports utime/stime in clock ticks; USER_HZ is 100 on every mainstream kernel build.
const TICK_MS = 10;

/** Samples a process, or `undefined` when it is gone (or /proc is unreadable). */
export function sampleProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { atMs: performance.now(), cpuMs: (utime + stime) * TICK_MS, rssBytes: rssKb * 1024 };
  } catch {
    return undefined;
  }
}

/** CPU use between two samples, as a fraction of one core (1 = one core fully busy). */
export function coreShare(from: ProcSample, to: ProcSample): number {
  const wall = to.atMs - from.atMs;
  return wall > 0 ? (to.cpuMs - from.cpuMs) / wall : 0;
}

/** Machine-wide CPU time (ms, all cores) from /proc/stat: all busy time, and the part spent in interrupts. */
export interface MachineSample {
  readonly busyMs: number;
  /** irq + softirq: on loopback this is mostly the kernel's network stack, charged to no process. */
  readonly irqMs: number;
}

/** Samples /proc/stat. */
export function sampleMachine(): MachineSample {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [user = 0, nice = 0, system = 0, _idle = 0, _iowait = 0, irq = 0, softirq = 0, steal = 0] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return { busyMs: (user + nice + system + irq + softirq + steal) * TICK_MS, irqMs: (irq + softirq) * TICK_MS };
  } catch {
    return { busyMs: 0, irqMs: 0 };
  }
}

/** Machine-wide busy CPU time (ms, all cores). */
export function sampleMachineBusyMs(): number {
  return sampleMachine().busyMs;
}

/** Machine-wide CPU in use over `ms` (cores). */
export async function machineLoad(ms: number): Promise<number> {
  const b0 = sampleMachineBusyMs();
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (sampleMachineBusyMs() - b0) / (performance.now() - t0);
}

/**
 * Waits (at most `maxWaitMs`) until the machine is nearly idle before a measurement, since other
 * programs on these two cores skew every figure; returns the load it finally saw (cores).
 */
export async function awaitQuietMachine(maxWaitMs: number, threshold = 0.35): Promise<number> {
  const until = Date.now() + maxWaitMs;
  let load = await machineLoad(1_000);
  while (load > threshold && Date.now() < until) load = await machineLoad(1_000);
  return load;
}
