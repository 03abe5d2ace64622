/** The dedup key of an envelope v1 message: its agent, its run and its `seq`. */
export interface RunKey {
  readonly agent: string;
  readonly run: string;
  readonly seq: number;
}

/** The field a run's last `seq` is kept under: `<agent>:<run>`. */
export function runField(key: RunKey): string {
  return `${key.agent}:${key.run}`;
}

/**
 * The run key of a message that is an envelope v1 event (`"v":1` with an id `<agent>:<run>:<seq>`
 * matching its `agent` and `seq`), or `undefined` for anything else — legacy messages and garbage
 * are deduplicated by content instead. Never throws. A message that starts the way our encoder writes
 * envelopes (`{"v":1,"id":"…","agent":"…","seq":N,`) is read from that start alone, without parsing
 * the rest (the bridge does this for every message it hears): a key repeated after that start, which
 * our encoder never writes, is not seen. Anything else is parsed as JSON.
 */
export function runKeyOf(message: string | Buffer): RunKey | undefined {
  const fast = canonicalRunKey(typeof message === 'string' ? Buffer.from(message) : message);
  return fast === null ? parsedRunKey(message) : fast;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const ZERO = 0x30;
const ASCII_MAX = 0x7f;
const PREFIX = Buffer.from('{"v":1,"id":"');
const AGENT = Buffer.from('","agent":"');
const SEQ = Buffer.from('","seq":');
/** Most digits of a `seq` read from the canonical start (beyond, the message is parsed whole). */
const MAX_SEQ_DIGITS = 15;

/**
 * The run key read from the canonical start of an envelope; `null` when the message does not start that
 * way. Byte loops only: the id, agent and seq are compared where they lie, and only the agent and the
 * run are made into strings (this runs for every message the bridge hears).
 */
function canonicalRunKey(bytes: Buffer): RunKey | undefined | null {
  if (!startsAt(bytes, PREFIX, 0)) return null;
  const idStart = PREFIX.length;
  const idEnd = stringEnd(bytes, idStart);
  if (idEnd < 0 || !startsAt(bytes, AGENT, idEnd)) return null;
  const agentStart = idEnd + AGENT.length;
  const agentEnd = stringEnd(bytes, agentStart);
  if (agentEnd < 0 || !startsAt(bytes, SEQ, agentEnd)) return null;
  let seq = 0;
  let i = agentEnd + SEQ.length;
  const digitsStart = i;
  for (; i < bytes.length && bytes[i] !== COMMA; i += 1) {
    const digit = (bytes[i] as number) - ZERO;
    if (digit < 0 || digit > 9 || i - digitsStart >= MAX_SEQ_DIGITS) return null;
    seq = seq * 10 + digit;
  }
  const digits = i - digitsStart;
  if (digits === 0 || i >= bytes.length || (bytes[digitsStart] === ZERO && digits > 1)) return null;
  if (seq < 1) return undefined;
  // The id must be `<agent>:<run>:<seq>`: the agent's bytes, a colon, a run of at least one byte, a colon, the seq's digits.
  const agentLength = agentEnd - agentStart;
  const runStart = idStart + agentLength + 1;
  const runEnd = idEnd - digits - 1;
  if (runEnd <= runStart || bytes[runStart - 1] !== COLON || bytes[runEnd] !== COLON) return undefined;
  if (!sameBytes(bytes, idStart, agentStart, agentLength) || !sameBytes(bytes, runEnd + 1, digitsStart, digits)) return undefined;
  // ASCII only (see stringEnd): latin1 reads it as UTF-8 would, without the decoder.
  return { agent: bytes.toString('latin1', agentStart, agentEnd), run: bytes.toString('latin1', runStart, runEnd), seq };
}

/**
 * The index of the quote closing a JSON string whose content starts at `from`; -1 when it never closes,
 * holds an escape or a byte beyond ASCII (then the message is parsed whole: bytes compare as the text
 * JSON.parse reads only when each byte is a character).
 */
function stringEnd(bytes: Buffer, from: number): number {
  for (let i = from; i < bytes.length; i += 1) {
    const byte = bytes[i] as number;
    if (byte === QUOTE) return i;
    if (byte === BACKSLASH || byte > ASCII_MAX) return -1;
  }
  return -1;
}

/** Whether `bytes` holds `pattern` at `at`. */
function startsAt(bytes: Buffer, pattern: Buffer, at: number): boolean {
  if (at + pattern.length > bytes.length) return false;
  for (let i = 0; i < pattern.length; i += 1) if (bytes[at + i] !== pattern[i]) return false;
  return true;
}

/** Whether the `length` bytes at `a` equal those at `b`. */
function sameBytes(bytes: Buffer, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i += 1) if (bytes[a + i] !== bytes[b + i]) return false;
  return true;
}

/** `id`, `agent` and `seq` as a run key, when the id is `<agent>:<run>:<seq>`. */
function keyOf(id: string, agent: string, seq: number): RunKey | undefined {
  if (!Number.isSafeInteger(seq) || seq < 1) return undefined;
  const suffix = `:${seq}`;
  if (!id.startsWith(`${agent}:`) || !id.endsWith(suffix) || id.length <= agent.length + 1 + suffix.length) return undefined;
  return { agent, run: id.slice(agent.length + 1, id.length - suffix.length), seq };
}

/** The run key of any JSON message: parsed whole. */
export function parsedRunKey(message: string | Buffer): RunKey | undefined {
  let json: unknown;
  try {
    json = JSON.parse(typeof message === 'string' ? message : message.toString());
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const { v, id, agent, seq } = json as Record<string, unknown>;
  if (v !== 1 || typeof id !== 'string' || typeof agent !== 'string' || typeof seq !== 'number') return undefined;
  return keyOf(id, agent, seq);
}
