import { createMemoryLog, type EventLog } from '../../src/eventlog';
import { LEGACY, nthEvent, type Outgoing } from '../server/fixtures';

/**
 * A mixed stream: v1 events of two runs over every channel, with the legacy messages among them.
 * Each call makes new runs, so its events are never duplicates of another call's.
 */
export function mixedMessages(count: number): Outgoing[] {
  const messages: Outgoing[] = [];
  const runs = [`e${Math.random().toString(36).slice(2, 8)}`, `o${Math.random().toString(36).slice(2, 8)}`];
  for (let n = 0; n < count; n += 1) {
    messages.push(nthEvent(n, runs[n % 2] as string));
    if (n % 10 === 5) messages.push(LEGACY[Math.floor(n / 10) % LEGACY.length] as Outgoing);
  }
  return messages;
}

/** A memory log holding `messages`, appended as the agents append them, stamped a second apart. */
export async function memoryLogWith(messages: readonly Outgoing[], start = Date.parse('2026-11-30T05:00:00Z')): Promise<EventLog> {
  let now = start;
  const log = createMemoryLog({ now: () => now });
  for (const m of messages) {
    await log.append({ channel: m.channel, message: m.payload });
    now += 1000;
  }
  return log;
}

/** Every entry of a log, read at once (small logs in tests only). */
export async function allEntries(log: EventLog) {
  return (await log.read(0, 1_000_000, 0)).entries;
}
