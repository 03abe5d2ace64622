import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import type { ClientMessage } from '../client/protocol';
import { describeErrors } from '../events/report';

const Channels = t.array(t.string, 'Channels');

const Version = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'Version');

/** Where a reconnecting client stands: `{"epoch":"…","versions":{"risk.state":4711}}`. */
const Since = t.type({ epoch: t.string, versions: t.record(t.string, Version) }, 'Since');

/** Codecs for the client's messages, picked by `type` before decoding so errors name the field. */
const CODECS: Readonly<Record<ClientMessage['type'], t.Decoder<unknown, ClientMessage>>> = {
  ping: t.type({ type: t.literal('ping') }),
  subscribe: t.intersection([t.type({ type: t.literal('subscribe'), channels: Channels }), t.partial({ since: Since })]),
  unsubscribe: t.type({ type: t.literal('unsubscribe'), channels: Channels }),
  resync: t.type({ type: t.literal('resync'), channel: t.string }),
  refresh: t.type({ type: t.literal('refresh'), token: t.string }),
};

/** Text of a client frame → a message, or the sentence of a `bad_request` error. */
export function decodeClientMessage(text: string): E.Either<string, ClientMessage> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return E.left('Not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return E.left('Expecting a JSON object');
  const type = (json as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(CODECS, type)) {
    return E.left(`Unknown message type ${JSON.stringify(type) ?? 'undefined'}: expecting ping, subscribe, unsubscribe, resync or refresh`);
  }
  const decoded = CODECS[type as ClientMessage['type']].decode(json);
  return E.isLeft(decoded) ? E.left(describeErrors(decoded.left, '')) : decoded;
}
