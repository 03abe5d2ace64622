import type { LogEntry } from '../../src/eventlog';
import type { Outgoing } from '../server/fixtures';

/** Messages as log entries at positions `from`, `from` + 1, …, stamped a second apart from `time`. */
export function entriesOf(messages: readonly Outgoing[], from = 1, time = Date.parse('2026-11-30T05:00:00Z')): LogEntry[] {
  return messages.map((m, i) => ({ pos: from + i, channel: m.channel, message: Buffer.from(m.payload), time: time + i * 1000 }));
}
