import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { Grant } from './grant';

/** Where the keys that sign tokens come from; at most one of the three is set (none: access control off). */
export interface KeySource {
  /** HS256 shared secret (at least 32 characters). */
  readonly secret: string;
  /** Path of a PEM public key (RSA → RS256, EC P-256 → ES256). */
  readonly publicKeyFile: string;
  /** Path of a JWKS file (RS256/ES256 keys, picked by `kid`). */
  readonly jwksFile: string;
}

/** Checks tokens: resolves to what a token grants, or the reason it is refused. Never rejects. */
export interface TokenVerifier {
  verify(token: string): Promise<E.Either<string, Grant>>;
}

/** The shortest HS256 secret accepted: 256 bits, as RFC 7518 asks. */
export const MIN_SECRET_LENGTH = 32;

const Claims = t.type({ sub: t.string, exp: t.number, channels: t.array(t.string) });

/** A jose error → a sentence for the close reason (no token content in it). */
function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad token signature';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'token algorithm not allowed';
  if (error instanceof errors.JWTClaimValidationFailed) return `token claim "${error.claim}" invalid or missing`;
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key matches the token';
  if (error instanceof errors.JOSENotSupported) return 'token algorithm not supported';
  return 'malformed token';
}

/** One key, or a key set that picks one by the token's header. */
type Key = { readonly one: KeyObject | Uint8Array } | { readonly set: JWTVerifyGetKey };

/** A verifier over one key and the algorithms it may sign with (every other `alg`, `none` included, is refused). */
function verifierFor(key: Key, algorithms: string[]): TokenVerifier {
  const options = { algorithms, requiredClaims: ['sub', 'exp', 'channels'] };
  return {
    async verify(token) {
      try {
        const { payload } = 'one' in key ? await jwtVerify(token, key.one, options) : await jwtVerify(token, key.set, options);
        if (!Claims.is(payload)) return E.left('token claims sub, exp and channels must be a string, a number and a list of names');
        return E.right({ sub: payload.sub, exp: payload.exp, channels: payload.channels });
      } catch (error) {
        return E.left(describe(error));
      }
    },
  };
}

/** The algorithm a PEM public key signs with: RS256 for RSA, ES256 for EC P-256. */
function algorithmOf(key: KeyObject): E.Either<string, string> {
  if (key.asymmetricKeyType === 'rsa') return E.right('RS256');
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return E.right('ES256');
  return E.left(`a ${key.asymmetricKeyType ?? 'unknown'} key: expecting RSA (RS256) or EC P-256 (ES256)`);
}

/**
 * The verifier for the configured key, `undefined` when none is configured (access control off),
 * or an error naming the option at fault. Read once at start-up.
 */
export function loadVerifier(source: KeySource): E.Either<string, TokenVerifier | undefined> {
  const given = [source.secret, source.publicKeyFile, source.jwksFile].filter((v) => v !== '').length;
  if (given === 0) return E.right(undefined);
  if (given > 1) return E.left('give only one of --auth-secret, --auth-public-key and --auth-jwks');
  if (source.secret !== '') {
    if (source.secret.length < MIN_SECRET_LENGTH) return E.left(`--auth-secret must be at least ${MIN_SECRET_LENGTH} characters`);
    return E.right(verifierFor({ one: new TextEncoder().encode(source.secret) }, ['HS256']));
  }
  if (source.publicKeyFile !== '') {
    let key: KeyObject;
    try {
      key = createPublicKey(readFileSync(source.publicKeyFile, 'utf8'));
    } catch (error) {
      return E.left(`--auth-public-key ${source.publicKeyFile}: ${(error as Error).message}`);
    }
    const alg = algorithmOf(key);
    return E.isLeft(alg) ? E.left(`--auth-public-key ${source.publicKeyFile}: ${alg.left}`) : E.right(verifierFor({ one: key }, [alg.right]));
  }
  let jwks: JSONWebKeySet;
  try {
    jwks = JSON.parse(readFileSync(source.jwksFile, 'utf8')) as JSONWebKeySet;
    if (!Array.isArray(jwks.keys)) throw new Error('expecting {"keys":[...]}');
  } catch (error) {
    return E.left(`--auth-jwks ${source.jwksFile}: ${(error as Error).message}`);
  }
  return E.right(verifierFor({ set: createLocalJWKSet(jwks) }, ['RS256', 'ES256']));
}
