import * as E from 'fp-ts/Either';
import type { Grant } from '../auth/grant';
import { CLOSE_FORBIDDEN, CLOSE_POLICY_VIOLATION, CLOSE_TOO_MANY, CLOSE_UNAUTHORIZED } from '../client/protocol';
import { readSubprotocols, type Access, type Refusal } from './access';
import { isProjectionChannel, PROJECTION_CHANNELS } from './channels';
import { parseWsQuery, type WsQuery } from './wsQuery';

/** What an upgrade request shows, copied out of uWS's request. */
export interface UpgradeFacts {
  readonly query: string;
  readonly host: string;
  readonly origin: string;
  readonly peer: string;
  readonly forwardedFor: string;
  readonly protocols: string;
}

/** The outcome of an upgrade: the connection is accepted either way (browsers see a refused upgrade only as 1006), then closed at once when `refusal` is set. */
export interface Admitted {
  /** The address per-IP rules count it under. */
  readonly address: string;
  /** Whether it holds a slot in the connection caps (given back when it closes). */
  readonly slot: boolean;
  readonly query: WsQuery;
  readonly grant: Grant | undefined;
  /** The subprotocol to answer with: `pm-arb.v1` or nothing, never the token. */
  readonly echo: string;
  readonly refusal: { readonly code: number; readonly reason: string } | undefined;
}

const CLOSE_CODES: Readonly<Record<Refusal['kind'], number>> = {
  unauthorized: CLOSE_UNAUTHORIZED,
  forbidden: CLOSE_FORBIDDEN,
  too_many: CLOSE_TOO_MANY,
};

const EMPTY_QUERY: WsQuery = { channels: [], epoch: undefined, since: undefined, token: undefined };

/**
 * The access rules at the upgrade, in order: Host and Origin (4403), the query's grammar (1008),
 * the connection caps and the wait after abuse (4429), the token (4401). Synchronous unless a token
 * must be verified.
 */
export function admit(access: Access, facts: UpgradeFacts, now: number): Admitted | Promise<Admitted> {
  const { echo, token: offered } = readSubprotocols(facts.protocols);
  const address = access.addressOf(facts);
  const refused = (code: number, reason: string, query: WsQuery = EMPTY_QUERY): Admitted => ({
    address,
    slot: false,
    query,
    grant: undefined,
    echo,
    refusal: { code, reason },
  });
  const forbidden = access.refuseRequest(facts);
  if (forbidden !== undefined) return refused(CLOSE_CODES.forbidden, forbidden.reason);
  const parsed = parseWsQuery(facts.query, isProjectionChannel, PROJECTION_CHANNELS.length);
  if (E.isLeft(parsed)) return refused(CLOSE_POLICY_VIOLATION, `bad query: ${parsed.left}`);
  const query = parsed.right;
  const tooMany = access.limits.admit(address, now);
  if (tooMany !== undefined) return refused(CLOSE_CODES.too_many, tooMany, query);
  const accepted = (grant: Grant | undefined): Admitted => ({ address, slot: true, query, grant, echo, refusal: undefined });
  if (!access.enabled) return accepted(undefined);
  return access.authorize(offered ?? query.token).then(
    (result) => {
      if (E.isRight(result)) return accepted(result.right);
      access.limits.release(address);
      return refused(CLOSE_CODES[result.left.kind], result.left.reason, query);
    },
    (error: unknown) => {
      // Verification never rejects; if it did, the slot must not leak.
      access.limits.release(address);
      throw error;
    },
  );
}
