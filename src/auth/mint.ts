import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

/** What to put in a token and how to sign it. */
export interface MintOptions {
  readonly sub: string;
  readonly channels: readonly string[];
  readonly ttlSec: number;
  /** HS256 secret, or a PEM private key (RSA → RS256, EC P-256 → ES256). */
  readonly key: { readonly secret: string } | { readonly privateKeyPem: string; readonly kid?: string };
  readonly now?: () => number;
}

/** Signs a token with `sub`, `channels`, `iat` and `exp` = now + ttl. */
export async function mintToken(options: MintOptions): Promise<string> {
  const nowSec = Math.floor((options.now ?? Date.now)() / 1000);
  const jwt = new SignJWT({ channels: [...options.channels] }).setSubject(options.sub).setIssuedAt(nowSec).setExpirationTime(nowSec + options.ttlSec);
  if ('secret' in options.key) return jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(options.key.secret));
  const key: KeyObject = createPrivateKey(options.key.privateKeyPem);
  const alg = key.asymmetricKeyType === 'rsa' ? 'RS256' : 'ES256';
  const header = options.key.kid === undefined ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid: options.key.kid };
  return jwt.setProtectedHeader(header).sign(key);
}

/** `1h`, `30m`, `45s`, `2d` or a number of seconds → seconds; `undefined` if it is none of those. */
export function parseTtl(text: string): number | undefined {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (match === null) return undefined;
  const n = Number(match[1]);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  const seconds = n * unit;
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : undefined;
}
