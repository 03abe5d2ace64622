import type { AppendRequest } from '../../src/eventlog';

/**
 * Stands for the publish time in prepared events: a valid timestamp (the events are encoded through
 * their codecs) that no generated value contains otherwise, as long as any `toISOString()` (24 bytes).
 */
export const TS_PLACEHOLDER = '1999-12-31T23:59:59.999Z';
const PLACEHOLDER = Buffer.from(TS_PLACEHOLDER);

/** Bytes per storage chunk: messages are copied into a few large buffers, not kept as strings. */
const CHUNK_BYTES = 16 * 1024 * 1024;

/**
 * Events made before a publish phase and taken in order during it, kept off the JavaScript heap: the
 * messages are bytes in a few large buffers, the rest in typed arrays. A million prepared events held
 * as strings made the publisher's heap ~800 MB, and the full collection that came a few seconds into
 * a run paused it for ~220 ms (then it sent the events it owed in one burst). Buffers and typed arrays
 * cost the collector nothing to mark however many events they hold.
 */
export class PreparedEvents {
  private readonly chunks: (Buffer | undefined)[] = [];
  private readonly chunkOf: Uint32Array;
  private readonly startOf: Uint32Array;
  private readonly lengthOf: Uint32Array;
  private readonly seqOf: Float64Array;
  private readonly channelOf: Uint32Array;
  private readonly runOf: Uint32Array;
  /** Channel and run names, each once (events refer to them by index). */
  private readonly names: string[] = [];
  private readonly nameIndex = new Map<string, number>();
  private used = Number.POSITIVE_INFINITY;
  private added = 0;
  private taken = 0;

  constructor(
    readonly capacity: number,
    private readonly chunkBytes = CHUNK_BYTES,
  ) {
    this.chunkOf = new Uint32Array(capacity);
    this.startOf = new Uint32Array(capacity);
    this.lengthOf = new Uint32Array(capacity);
    this.seqOf = new Float64Array(capacity);
    this.channelOf = new Uint32Array(capacity);
    this.runOf = new Uint32Array(capacity);
  }

  /** Events added and not taken yet. */
  get remaining(): number {
    return this.added - this.taken;
  }

  /** Adds an event whose message holds `TS_PLACEHOLDER` where its publish time goes. */
  add(channel: string, message: string, run: string, seq: number): void {
    if (this.added >= this.capacity) throw new Error(`at most ${this.capacity} prepared events`);
    const length = Buffer.byteLength(message);
    if (this.used + length > (this.chunks[this.chunks.length - 1]?.length ?? 0)) {
      this.chunks.push(Buffer.allocUnsafeSlow(Math.max(this.chunkBytes, length)));
      this.used = 0;
    }
    const i = this.added;
    const chunk = this.chunks.length - 1;
    (this.chunks[chunk] as Buffer).write(message, this.used);
    this.chunkOf[i] = chunk;
    this.startOf[i] = this.used;
    this.lengthOf[i] = length;
    this.seqOf[i] = seq;
    this.channelOf[i] = this.nameOf(channel);
    this.runOf[i] = this.nameOf(run);
    this.used += length;
    this.added += 1;
  }

  /** The next event with `ts` (24 bytes, as from `toISOString()`) in place of the placeholder, or `undefined` when none is left. */
  take(ts: string): AppendRequest | undefined {
    if (ts.length !== PLACEHOLDER.length) throw new Error(`a publish time must be ${PLACEHOLDER.length} characters: ${ts}`);
    if (this.taken >= this.added) return undefined;
    const i = this.taken;
    this.taken += 1;
    const chunkIndex = this.chunkOf[i] as number;
    const chunk = this.chunks[chunkIndex] as Buffer;
    const start = this.startOf[i] as number;
    const message = Buffer.from(chunk.subarray(start, start + (this.lengthOf[i] as number)));
    for (let at = message.indexOf(PLACEHOLDER); at >= 0; at = message.indexOf(PLACEHOLDER, at + PLACEHOLDER.length)) message.write(ts, at, 'latin1');
    // A chunk the cursor has left is not read again: let it go.
    if (chunkIndex > 0) this.chunks[chunkIndex - 1] = undefined;
    return { channel: this.names[this.channelOf[i] as number] as string, message, run: this.names[this.runOf[i] as number] as string, seq: this.seqOf[i] as number };
  }

  private nameOf(name: string): number {
    let index = this.nameIndex.get(name);
    if (index === undefined) {
      index = this.names.length;
      this.names.push(name);
      this.nameIndex.set(name, index);
    }
    return index;
  }
}
