import type { EventLog } from '../../src/eventlog';

/**
 * Reads `log` from its first entry to its head in batches of `batch`, as a follower that is behind
 * does (no waiting): how many entries it read and this process's CPU for it (user + system, µs).
 */
export async function readToHead(log: EventLog, batch: number): Promise<{ entries: number; cpuUs: number }> {
  const cpu = process.cpuUsage();
  let position = 0;
  let entries = 0;
  for (;;) {
    const read = await log.read(position, batch, 0);
    const last = read.entries[read.entries.length - 1];
    if (last === undefined) break;
    entries += read.entries.length;
    position = last.pos;
  }
  const used = process.cpuUsage(cpu);
  return { entries, cpuUs: used.user + used.system };
}
