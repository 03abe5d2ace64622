import * as E from 'fp-ts/Either';
import type { BlockList } from 'node:net';
import { clientAddress, trustedProxies } from '../auth/clientAddress';
import { ConnectionLimits } from '../auth/connectionLimits';
import { covers, type Grant } from '../auth/grant';
import { originPolicy, refuseHost, refuseOrigin, type OriginPolicy } from '../auth/origins';
import { loadVerifier, type TokenVerifier } from '../auth/tokens';
import { PROTOCOL_NAME } from '../client/protocol';
import type { ServerConfig } from '../config';

/** What a request shows of itself to the access rules (copied out of uWS's request object). */
export interface RequestFacts {
  readonly host: string;
  readonly origin: string;
  /** The peer's address as uWS gives it. */
  readonly peer: string;
  readonly forwardedFor: string;
}

/** A refusal: the HTTP status or WebSocket close code family, and a sentence (never token content). */
export interface Refusal {
  readonly kind: 'unauthorized' | 'forbidden' | 'too_many';
  readonly reason: string;
}

/** The server's access rules, built once from its configuration. */
export interface Access {
  /** Whether tokens are required (a key is configured). */
  readonly enabled: boolean;
  readonly limits: ConnectionLimits;
  /** The address per-IP rules apply to. */
  addressOf(facts: RequestFacts): string;
  /** Host and Origin checks (4403 / 403). */
  refuseRequest(facts: RequestFacts): Refusal | undefined;
  /** The token's grant, or why it is refused (no token when access control is on: refused). Off: no grant, nothing refused. */
  authorize(token: string | undefined): Promise<E.Either<Refusal, Grant | undefined>>;
  /** Whether a grant (or none, when off) reads `channel`. */
  covers(grant: Grant | undefined, channel: string): boolean;
}

/** The access rules for `config`, or an error naming the option at fault. */
export function createAccess(config: ServerConfig): E.Either<string, Access> {
  const verifier = loadVerifier({ secret: config.authSecret, publicKeyFile: config.authPublicKey, jwksFile: config.authJwks });
  if (E.isLeft(verifier)) return verifier;
  const proxies = trustedProxies(config.trustedProxies);
  if (typeof proxies === 'string') return E.left(proxies);
  const policy: OriginPolicy = originPolicy(config.allowedOrigins, config.allowedHosts, config.host);
  const limits = new ConnectionLimits({
    maxTotal: config.maxConnections,
    maxPerAddress: config.maxConnectionsPerIp,
    abuseWaitMs: config.abuseWaitSec * 1000,
  });
  return E.right(accessOf(verifier.right, proxies, policy, limits));
}

function accessOf(verifier: TokenVerifier | undefined, proxies: { list: BlockList; empty: boolean }, policy: OriginPolicy, limits: ConnectionLimits): Access {
  return {
    enabled: verifier !== undefined,
    limits,
    addressOf: (facts) => clientAddress(facts.peer, facts.forwardedFor, proxies),
    refuseRequest(facts) {
      const reason = refuseHost(policy, facts.host) ?? refuseOrigin(policy, facts.origin);
      return reason === undefined ? undefined : { kind: 'forbidden', reason };
    },
    async authorize(token) {
      if (verifier === undefined) return E.right(undefined);
      if (token === undefined || token === '') return E.left({ kind: 'unauthorized', reason: 'token required' });
      const verified = await verifier.verify(token);
      return E.isLeft(verified) ? E.left({ kind: 'unauthorized', reason: verified.left }) : verified;
    },
    covers,
  };
}

/** The bearer token of an `Authorization` header, or `undefined`. */
export function bearerOf(authorization: string): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match === null ? undefined : match[1];
}

const BEARER_PREFIX = 'bearer.';

/** `Sec-WebSocket-Protocol` → the protocol to echo (`pm-arb.v1` if offered, else none) and the bearer token if one was offered. */
export function readSubprotocols(header: string): { readonly echo: string; readonly token: string | undefined } {
  const offered = header.split(',').map((p) => p.trim());
  const bearer = offered.find((p) => p.startsWith(BEARER_PREFIX));
  return { echo: offered.includes(PROTOCOL_NAME) ? PROTOCOL_NAME : '', token: bearer?.slice(BEARER_PREFIX.length) };
}
