import { readFileSync } from 'node:fs';
import * as t from 'io-ts';
import { commandConfig, type OptionSpec } from '../config';
import { mintToken, parseTtl } from './mint';
import { MIN_SECRET_LENGTH } from './tokens';

const Text = new t.Type<string, string, unknown>('Text', (u): u is string => typeof u === 'string', (u, c) => (typeof u === 'string' ? t.success(u.trim()) : t.failure(u, c, 'expected text')), String);

const TokenConfig = t.type({ channels: Text, ttl: Text, sub: Text, secret: Text, privateKey: Text, kid: Text });

const TOKEN_OPTIONS: { readonly [K in keyof t.TypeOf<typeof TokenConfig>]: OptionSpec } = {
  channels: { flag: '--channels', env: 'TOKEN_CHANNELS', default: '*', help: 'comma-separated channels the token may read (* for all)' },
  ttl: { flag: '--ttl', env: 'TOKEN_TTL', default: '1h', help: 'lifetime: 45s, 30m, 1h, 2d or seconds' },
  sub: { flag: '--sub', env: 'TOKEN_SUB', default: 'operator', help: 'subject: who the token is for' },
  secret: { flag: '--auth-secret', env: 'AUTH_SECRET', default: '', help: 'HS256 secret, the server\'s (prefer the variable)' },
  privateKey: { flag: '--private-key', env: 'AUTH_PRIVATE_KEY', default: '', help: 'PEM private key file (RS256/ES256) instead of a secret' },
  kid: { flag: '--kid', env: 'AUTH_KID', default: '', help: 'key id to put in the header (for a JWKS with several keys)' },
};

/** `pm-arb token --channels a,b --ttl 1h`: prints a signed token on stdout. */
export async function runTokenCommand(argv: readonly string[]): Promise<number> {
  const parsed = commandConfig('token', TokenConfig, TOKEN_OPTIONS, argv, process.env);
  if ('exit' in parsed) return parsed.exit;
  const { config } = parsed;
  const fail = (message: string): number => {
    process.stderr.write(`pm-arb token: ${message}\n`);
    return 2;
  };
  const ttlSec = parseTtl(config.ttl);
  if (ttlSec === undefined) return fail(`Invalid --ttl: expected 45s, 30m, 1h, 2d or a number of seconds, got ${JSON.stringify(config.ttl)}`);
  const channels = config.channels.split(',').map((c) => c.trim()).filter((c) => c !== '');
  if (channels.length === 0) return fail('--channels needs at least one channel (or *)');
  if (config.sub === '') return fail('--sub must not be empty');
  if ((config.secret === '') === (config.privateKey === '')) return fail('give exactly one of --auth-secret (or AUTH_SECRET) and --private-key');
  if (config.secret !== '' && config.secret.length < MIN_SECRET_LENGTH) return fail(`the secret must be at least ${MIN_SECRET_LENGTH} characters`);
  let key: { secret: string } | { privateKeyPem: string; kid?: string };
  try {
    key = config.secret !== '' ? { secret: config.secret } : { privateKeyPem: readFileSync(config.privateKey, 'utf8'), ...(config.kid === '' ? {} : { kid: config.kid }) };
    process.stdout.write(`${await mintToken({ sub: config.sub, channels, ttlSec, key })}\n`);
  } catch (error) {
    return fail((error as Error).message);
  }
  return 0;
}
