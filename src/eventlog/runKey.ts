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
 * the rest (the bridge does this for every message it hears); anything else is parsed as JSON.
 */
export function runKeyOf(message: string | Buffer): RunKey | undefined {
  const fast = canonicalRunKey(typeof message === 'string' ? Buffer.from(message) : message);
  return fast === null ? parsedRunKey(message) : fast;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const PREFIX = Buffer.from('{"v":1,"id":"');
const AGENT = Buffer.from('","agent":"');
const SEQ = Buffer.from('","seq":');

/** The run key read from the canonical start of an envelope; `null` when the message does not start that way. */
function canonicalRunKey(bytes: Buffer): RunKey | undefined | null {
  if (!startsAt(bytes, PREFIX, 0)) return null;
  const idEnd = bytes.indexOf(QUOTE, PREFIX.length);
  if (idEnd < 0 || bytes.subarray(PREFIX.length, idEnd).includes(BACKSLASH) || !startsAt(bytes, AGENT, idEnd)) return null;
  const agentStart = idEnd + AGENT.length;
  const agentEnd = bytes.indexOf(QUOTE, agentStart);
  if (agentEnd < 0 || bytes.subarray(agentStart, agentEnd).includes(BACKSLASH) || !startsAt(bytes, SEQ, agentEnd)) return null;
  let seq = 0;
  let i = agentEnd + SEQ.length;
  const digitsStart = i;
  for (; i < bytes.length && bytes[i] !== COMMA; i += 1) {
    const digit = (bytes[i] as number) - 0x30;
    if (digit < 0 || digit > 9 || i - digitsStart >= 15) return null;
    seq = seq * 10 + digit;
  }
  if (i === digitsStart || i >= bytes.length || (bytes[digitsStart] === 0x30 && i - digitsStart > 1)) return null;
  return keyOf(bytes.toString('utf8', PREFIX.length, idEnd), bytes.toString('utf8', agentStart, agentEnd), seq);
}

/** Whether `bytes` holds `pattern` at `at`. */
function startsAt(bytes: Buffer, pattern: Buffer, at: number): boolean {
  return at + pattern.length <= bytes.length && bytes.compare(pattern, 0, pattern.length, at, at + pattern.length) === 0;
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
