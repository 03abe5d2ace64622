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
 * are deduplicated by content instead. Parses the JSON; never throws.
 */
export function runKeyOf(message: string | Buffer): RunKey | undefined {
  let json: unknown;
  try {
    json = JSON.parse(typeof message === 'string' ? message : message.toString());
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const { v, id, agent, seq } = json as Record<string, unknown>;
  if (v !== 1 || typeof id !== 'string' || typeof agent !== 'string' || typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
    return undefined;
  }
  const suffix = `:${seq}`;
  if (!id.startsWith(`${agent}:`) || !id.endsWith(suffix) || id.length <= agent.length + 1 + suffix.length) return undefined;
  return { agent, run: id.slice(agent.length + 1, id.length - suffix.length), seq };
}
