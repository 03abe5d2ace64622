import { createHash } from 'node:crypto';
import { LEGACY_DEDUP_WINDOW_MS, type AppendOutcome } from './eventLog';
import { runKeyOf, type RunKey } from './runKey';

/** What the bridge needs from the process that follows the log. */
export interface BridgeDeps {
  /** Appends without publishing (the message was published already). */
  append(channel: string, message: Buffer, key: RunKey | undefined): Promise<AppendOutcome>;
  /** Number of log reads issued so far (see `LogFollower.readsIssued`). */
  readsIssued(): number;
  /** The last `seq` the log holds for an agent's run, as far as this process has read it. */
  loggedSeq(agent: string, run: string): number | undefined;
  /** Counts what happened to each message: `skipped` (already logged), `appended`, `duplicate` (refused by the log), `failed`. */
  count(outcome: BridgeOutcome): void;
  /**
   * Whether the follower is behind the head of the log (its last read did not reach it). A message heard
   * then cannot be found logged yet, so it is queued unread: the loop's time goes to catching up, and the
   * message is read when it is decided. Absent: never behind.
   */
  behind?(): boolean;
}

/** What a message is known by: its run key (v1), or else its digest (legacy messages, garbage). */
interface Identity {
  readonly key: RunKey | undefined;
  readonly digest: string | undefined;
}

interface Waiting {
  readonly channel: string;
  readonly message: Buffer;
  /** Read when the message arrived, or (heard while the follower was behind) when it is decided. */
  identity: Identity | undefined;
  /** The read count when it arrived: it is decided after a later read has brought the follower to the head. */
  readonly ticket: number;
}

/** What the bridge did with a message it heard. */
export const BRIDGE_OUTCOMES = ['skipped', 'appended', 'duplicate', 'failed', 'dropped'] as const;
export type BridgeOutcome = (typeof BRIDGE_OUTCOMES)[number];

/**
 * Most messages waiting for a decision. Beyond, the follower is far behind the head (the messages it
 * has not read yet are nearly all logged ones): the oldest is skipped if the log is known to hold it,
 * else dropped and counted (`dropped`) — appending them all would flood the log with appends it refuses
 * and put ingest further behind. Only PUBLISH-only producers can lose a message this way, as they
 * could on plain pub/sub; another server's bridge may still append it.
 */
export const MAX_WAITING = 100_000;

/**
 * Most messages one `settle` decides: after a catch-up, tens of thousands may wait, each to be read;
 * the rest are decided by the next reads (at the head, one every few ms), so no call holds the loop long.
 */
export const SETTLE_CHUNK = 4_096;

/**
 * Bridges PUBLISH-only producers into the log. A message seen on pub/sub may have been appended by the
 * log's own script (which publishes what it logs) — then appending it again is wasted work — or only
 * published. The log entry is written before its PUBLISH, so once a read issued after the message
 * arrived has brought the follower to the head, the follower has seen the entry if there is one: only
 * then is the message appended, and only if it was not seen (v1: its `seq` is not yet logged for its run;
 * legacy: no identical message was logged within the dedup window). Several bridges appending the same
 * message append it once: the log refuses the rest.
 */
export class Bridge {
  /** Messages waiting, oldest first, from `head` on (a queue: taking the oldest is O(1)). */
  private waiting: Waiting[] = [];
  private head = 0;
  /** Digests of legacy messages the log held recently, with when they were seen. */
  private readonly recentLegacy = new Map<string, number>();

  constructor(
    private readonly deps: BridgeDeps,
    private readonly now: () => number = Date.now,
  ) {}

  /** A message received on pub/sub. */
  offer(channel: string, message: Buffer): void {
    let identity: Identity | undefined;
    if (this.deps.behind?.() !== true) {
      identity = identify(channel, message);
      if (this.known(identity)) {
        this.deps.count('skipped');
        return;
      }
    }
    this.waiting.push({ channel, message, identity, ticket: this.deps.readsIssued() });
    if (this.pending > MAX_WAITING) {
      const oldest = this.waiting[this.head] as Waiting;
      this.head += 1;
      this.deps.count(this.logged(oldest) ? 'skipped' : 'dropped');
      this.compact();
    }
  }

  /** A log entry without `seq` (legacy or not an event at all), as the follower read it. */
  sawLegacy(channel: string, message: Buffer): void {
    const now = this.now();
    this.recentLegacy.set(digestOf(channel, message), now);
    if (this.recentLegacy.size > 1024) {
      for (const [digest, at] of this.recentLegacy) if (at <= now - LEGACY_DEDUP_WINDOW_MS) this.recentLegacy.delete(digest);
    }
  }

  /**
   * After read number `read`: when it brought the follower to the head, decides the messages that arrived
   * before it was issued, oldest first, at most `SETTLE_CHUNK` of them.
   */
  settle(read: number, atHead: boolean): void {
    if (!atHead) return;
    const end = Math.min(this.waiting.length, this.head + SETTLE_CHUNK);
    while (this.head < end && (this.waiting[this.head] as Waiting).ticket < read) {
      const w = this.waiting[this.head] as Waiting;
      this.head += 1;
      if (this.logged(w)) this.deps.count('skipped');
      else this.send(w);
    }
    this.compact();
  }

  /**
   * Forgets what waits and what was seen: the log was replaced (a new epoch), and messages heard for
   * the old one must not be appended to the new one.
   */
  reset(): void {
    this.waiting = [];
    this.head = 0;
    this.recentLegacy.clear();
  }

  /** Messages waiting for a decision. */
  get pending(): number {
    return this.waiting.length - this.head;
  }

  /** Whether the log is known to hold the message (see `known`), reading it first if it was queued unread. */
  private logged(w: Waiting): boolean {
    w.identity ??= identify(w.channel, w.message);
    return this.known(w.identity);
  }

  /** Whether the log is known to hold a message of this identity: its run's seq was read, or an identical legacy message. */
  private known({ key, digest }: Identity): boolean {
    return key !== undefined ? (this.deps.loggedSeq(key.agent, key.run) ?? 0) >= key.seq : this.recentLegacy.has(digest as string);
  }

  /** Drops the taken part of the queue once it is most of the array. */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
  }

  /** Appends a message `logged` has read and found not logged. */
  private send(w: Waiting): void {
    this.deps.append(w.channel, w.message, w.identity?.key).then(
      (outcome) => this.deps.count(outcome.outcome === 'appended' ? 'appended' : 'duplicate'),
      () => this.deps.count('failed'),
    );
  }
}

/** A message's identity: its run key when it is an envelope v1 event, else the digest of its channel and bytes. */
function identify(channel: string, message: Buffer): Identity {
  const key = runKeyOf(message);
  return { key, digest: key === undefined ? digestOf(channel, message) : undefined };
}

function digestOf(channel: string, message: Buffer): string {
  return createHash('sha1').update(channel).update('\n').update(message).digest('hex');
}
