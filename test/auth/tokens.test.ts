import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/Either';
import { exportJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { covers, readable } from '../../src/auth/grant';
import { mintToken, parseTtl } from '../../src/auth/mint';
import { loadVerifier, type TokenVerifier } from '../../src/auth/tokens';

const dir = mkdtempSync(join(tmpdir(), 'pm-arb-keys-'));
const SECRET = 'x'.repeat(32);

function verifier(source: { secret?: string; publicKeyFile?: string; jwksFile?: string }): TokenVerifier {
  const loaded = loadVerifier({ secret: '', publicKeyFile: '', jwksFile: '', ...source });
  if (E.isLeft(loaded) || loaded.right === undefined) throw new Error('no verifier');
  return loaded.right;
}

describe('tokens', () => {
  it('given no key, then access control is off; given two, or a short secret, then an error naming the options', () => {
    expect(loadVerifier({ secret: '', publicKeyFile: '', jwksFile: '' })).toEqual(E.right(undefined));
    expect(loadVerifier({ secret: SECRET, publicKeyFile: 'k.pem', jwksFile: '' })).toEqual(E.left('give only one of --auth-secret, --auth-public-key and --auth-jwks'));
    expect(loadVerifier({ secret: 'short', publicKeyFile: '', jwksFile: '' })).toEqual(E.left('--auth-secret must be at least 32 characters'));
    expect(E.isLeft(loadVerifier({ secret: '', publicKeyFile: join(dir, 'missing.pem'), jwksFile: '' }))).toBe(true);
  });

  it('given an HS256 token, then its grant', async () => {
    const token = await mintToken({ sub: 'ops', channels: ['risk.state'], ttlSec: 60, key: { secret: SECRET }, now: () => 1_000_000 });
    const result = await verifier({ secret: SECRET }).verify(token);
    // Minted in the past: expired.
    expect(result).toEqual(E.left('token expired'));
    const fresh = await verifier({ secret: SECRET }).verify(await mintToken({ sub: 'ops', channels: ['risk.state'], ttlSec: 60, key: { secret: SECRET } }));
    expect(E.isRight(fresh) && fresh.right).toMatchObject({ sub: 'ops', channels: ['risk.state'] });
  });

  it('given an ES256 public key, then ES256 tokens pass and HS256 tokens signed with the key text do not', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    writeFileSync(join(dir, 'es.pem'), pem);
    const check = verifier({ publicKeyFile: join(dir, 'es.pem') });
    const good = await mintToken({ sub: 'a', channels: ['*'], ttlSec: 60, key: { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() } });
    expect(E.isRight(await check.verify(good))).toBe(true);
    const confused = await mintToken({ sub: 'a', channels: ['*'], ttlSec: 60, key: { secret: pem } });
    expect(await check.verify(confused)).toEqual(E.left('token algorithm not allowed'));
  });

  it('given a JWKS file, then a token is checked against the key its kid names', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] }));
    const check = verifier({ jwksFile: join(dir, 'jwks.json') });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(E.isRight(await check.verify(await mintToken({ sub: 'a', channels: ['*'], ttlSec: 60, key: { privateKeyPem: pem, kid: 'k1' } })))).toBe(true);
    expect(await check.verify(await mintToken({ sub: 'a', channels: ['*'], ttlSec: 60, key: { privateKeyPem: pem, kid: 'other' } }))).toEqual(E.left('no key matches the token'));
  });

  it('refuses tokens without the claims, or with claims of the wrong type', async () => {
    const key = new TextEncoder().encode(SECRET);
    const exp = Math.floor(Date.now() / 1000) + 60;
    const noChannels = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('a').setExpirationTime(exp).sign(key);
    expect(await verifier({ secret: SECRET }).verify(noChannels)).toEqual(E.left('token claim "channels" invalid or missing'));
    const noExp = await new SignJWT({ channels: ['*'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('a').sign(key);
    expect(await verifier({ secret: SECRET }).verify(noExp)).toEqual(E.left('token claim "exp" invalid or missing'));
    const badChannels = await new SignJWT({ channels: 'risk.state' }).setProtectedHeader({ alg: 'HS256' }).setSubject('a').setExpirationTime(exp).sign(key);
    expect(E.isLeft(await verifier({ secret: SECRET }).verify(badChannels))).toBe(true);
    expect(await verifier({ secret: SECRET }).verify('a.b.c')).toEqual(E.left('malformed token'));
  });

  it('reads channel claims: a list, or * for all', () => {
    expect(covers(undefined, 'risk.state')).toBe(true);
    expect(covers({ sub: 'a', exp: 0, channels: ['*'] }, 'system')).toBe(true);
    expect(readable({ sub: 'a', exp: 0, channels: ['system'] }, ['risk.state', 'system'])).toEqual(['system']);
  });

  it('reads token lifetimes', () => {
    expect([parseTtl('1h'), parseTtl('30m'), parseTtl('45s'), parseTtl('2d'), parseTtl('90')]).toEqual([3600, 1800, 45, 172_800, 90]);
    expect([parseTtl('0'), parseTtl('1w'), parseTtl('-1h'), parseTtl('')]).toEqual([undefined, undefined, undefined, undefined]);
  });
});
