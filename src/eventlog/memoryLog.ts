import { createHash } from 'node:crypto';
import type { EventBus } from '../bus/eventBus';
import { StatusListeners } from '../bus/eventBus';
import {
  CHECKPOINT_HOLD_MS,
  LEGACY_DEDUP_WINDOW_MS,
  newEpoch,
  type AppendOutcome,
  type AppendRequest,
  type EventLog,
  type LogEntry,
  type StoredCheckpoint,
} from './eventLog';

/** Options of the in-process log. */
export interface MemoryLogOptions {
  /** Where appends publish their message (what Redis PUBLISH does for the Redis log). */
  readonly bus?: EventBus;
  /** The clock entries are stamped with (ms). */
  readonly now?: () => number;
}

/**
 * The log in this process, with the Redis log's rules (positions, `seq` and legacy dedup, checkpoints
 * holding trimming back), for the demo without Redis and for tests: one code path either way.
 * Reads resolve asynchronously, never inside `append`.
 */
export function createMemoryLog(options: MemoryLogOptions = {}): EventLog {
  const now = options.now ?? Date.now;
  let epoch = newEpoch();
  let entries: LogEntry[] = [];
  let head = 0;
  const seqs = new Map<string, number>();
  const recent = new Map<string, number>();
  const checkpoints = new Map<string, StoredCheckpoint & { readonly at: number }>();
  const waiters = new Set<() => void>();
  const status = new StatusListeners();
  let closed = false;

  const wake = (): void => {
    for (const waiter of [...waiters]) waiter();
  };
  const after = (pos: number, count: number): LogEntry[] => {
    // Positions are dense from the first entry held: index arithmetic, no search.
    const first = entries[0]?.pos ?? head + 1;
    const start = Math.max(0, pos + 1 - first);
    return entries.slice(start, start + count);
  };

  const appendOne = (request: AppendRequest): AppendOutcome => {
    const at = request.time ?? now();
    const message = typeof request.message === 'string' ? Buffer.from(request.message) : Buffer.from(request.message);
    if (request.run !== undefined && request.seq !== undefined) {
      if (request.seq <= (seqs.get(request.run) ?? 0)) return { outcome: 'duplicate', epoch };
      seqs.set(request.run, request.seq);
    } else {
      const digest = createHash('sha1').update(request.channel).update('\n').update(message).digest('hex');
      for (const [key, time] of recent) if (time <= at - LEGACY_DEDUP_WINDOW_MS) recent.delete(key);
      if (recent.has(digest)) return { outcome: 'duplicate', epoch };
      recent.set(digest, at);
    }
    head += 1;
    entries.push({ pos: head, channel: request.channel, message, time: at });
    if (request.publish !== false) options.bus?.publish(request.channel, message).catch(() => undefined);
    return { outcome: 'appended', pos: head, epoch };
  };

  return {
    get connected() {
      return !closed;
    },
    append(request) {
      if (closed) return Promise.reject(new Error('memory log is closed'));
      const outcome = appendOne(request);
      setImmediate(wake);
      return Promise.resolve(outcome);
    },
    appendMany(requests) {
      if (closed) return Promise.reject(new Error('memory log is closed'));
      const outcomes = requests.map(appendOne);
      setImmediate(wake);
      return Promise.resolve(outcomes);
    },
    read(pos, count, blockMs) {
      if (closed) return Promise.reject(new Error('memory log is closed'));
      const ready = after(pos, count);
      if (ready.length > 0 || blockMs <= 0) return Promise.resolve({ epoch, head, entries: ready });
      return new Promise((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve({ epoch, head, entries: closed ? [] : after(pos, count) });
        };
        const timer = setTimeout(done, blockMs);
        waiters.add(done);
      });
    },
    bounds() {
      return Promise.resolve({ epoch, head, first: entries[0]?.pos ?? head + 1 });
    },
    renewEpoch(followed) {
      if (followed === epoch) epoch = newEpoch();
      return Promise.resolve(epoch);
    },
    loadCheckpoint(schema) {
      const held = checkpoints.get(schema);
      return Promise.resolve(held === undefined ? undefined : { epoch: held.epoch, pos: held.pos, data: held.data });
    },
    saveCheckpoint(schema, checkpoint) {
      const held = checkpoints.get(schema);
      if (held === undefined || held.epoch !== checkpoint.epoch || held.pos < checkpoint.pos) checkpoints.set(schema, { ...checkpoint, at: now() });
      return Promise.resolve();
    },
    trim(maxEntries) {
      let upto = head - maxEntries;
      for (const held of checkpoints.values()) {
        if (held.epoch === epoch && now() - held.at <= CHECKPOINT_HOLD_MS) upto = Math.min(upto, held.pos);
      }
      if (upto > 0) entries = entries.filter((entry) => entry.pos > upto);
      return Promise.resolve();
    },
    onStatus(listener) {
      return status.add(listener);
    },
    close() {
      if (!closed) {
        closed = true;
        wake();
        status.emit(false);
      }
      return Promise.resolve();
    },
  };
}
