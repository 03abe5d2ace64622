import * as E from 'fp-ts/Either';

/** The longest `/ws` query accepted, in bytes (as sent, before percent-decoding). */
export const MAX_QUERY_BYTES = 4096;

/** What `/ws?channels=a,b&epoch=...&since=a:1,b:2&token=...` says. */
export interface WsQuery {
  /** Channels to subscribe to at connect time (`*` for all); empty when absent. */
  readonly channels: readonly string[];
  /** The log epoch the client's `since` versions belong to. */
  readonly epoch: string | undefined;
  /** Channel → the version the client holds, to resume from. */
  readonly since: ReadonlyMap<string, number> | undefined;
  /** A bearer token (a JWT), when sent in the query rather than as a subprotocol. */
  readonly token: string | undefined;
}

const PARAMETERS = ['channels', 'epoch', 'since', 'token'] as const;
const EPOCH = /^[\x21-\x7e]{1,128}$/;
const TOKEN = /^[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]*\.[A-Za-z0-9_=-]*$/;

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** A comma-separated list → its non-empty entries, percent-decoded one by one. */
function list(text: string): string[] | undefined {
  const out: string[] = [];
  for (const part of text.split(',')) {
    if (part === '') continue;
    const name = decode(part);
    if (name === undefined) return undefined;
    out.push(name);
  }
  return out;
}

/**
 * The `/ws` query string (without `?`) → its typed values, or why it is refused: over
 * `MAX_QUERY_BYTES`, a parameter given twice, a malformed escape, more channels than the
 * `channelCount` that exist, a `since` entry that is not `<channel>:<version>` of a known channel.
 * Unknown parameters are ignored (future ones may be added).
 */
export function parseWsQuery(query: string, isChannel: (name: string) => boolean, channelCount: number): E.Either<string, WsQuery> {
  if (Buffer.byteLength(query) > MAX_QUERY_BYTES) return E.left(`query over ${MAX_QUERY_BYTES} bytes`);
  const raw = new Map<string, string>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq === -1 ? pair : pair.slice(0, eq));
    if (name === undefined) return E.left('malformed escape in a parameter name');
    if (!(PARAMETERS as readonly string[]).includes(name)) continue;
    if (raw.has(name)) return E.left(`parameter "${name}" given more than once`);
    raw.set(name, eq === -1 ? '' : pair.slice(eq + 1));
  }
  const channels = list(raw.get('channels') ?? '');
  if (channels === undefined) return E.left('malformed escape in channels');
  if (channels.length > channelCount) return E.left(`channels names ${channels.length} channels; there are ${channelCount}`);

  let epoch: string | undefined;
  if (raw.has('epoch')) {
    epoch = decode(raw.get('epoch') as string);
    if (epoch === undefined || !EPOCH.test(epoch)) return E.left('epoch must be 1 to 128 printable characters');
  }

  let since: Map<string, number> | undefined;
  if (raw.has('since')) {
    const entries = list(raw.get('since') as string);
    if (entries === undefined) return E.left('malformed escape in since');
    if (entries.length > channelCount) return E.left(`since names ${entries.length} channels; there are ${channelCount}`);
    since = new Map();
    for (const entry of entries) {
      const colon = entry.lastIndexOf(':');
      const channel = entry.slice(0, colon);
      const version = entry.slice(colon + 1);
      if (colon <= 0 || !/^\d{1,16}$/.test(version) || !Number.isSafeInteger(Number(version))) {
        return E.left('since entries are <channel>:<version>, the version a whole number');
      }
      if (!isChannel(channel)) return E.left(`since names an unknown channel "${channel.slice(0, 64)}"`);
      if (since.has(channel)) return E.left(`since names "${channel}" twice`);
      since.set(channel, Number(version));
    }
  }

  let token: string | undefined;
  if (raw.has('token')) {
    token = decode(raw.get('token') as string);
    if (token === undefined || !TOKEN.test(token)) return E.left('token is not a JWT');
  }
  return E.right({ channels, epoch, since, token });
}
