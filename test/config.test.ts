import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { loadServerConfig, SERVER_OPTIONS, usageOf } from '../src/config';

const message = (argv: string[], env: NodeJS.ProcessEnv = {}): string => {
  const result = loadServerConfig(argv, env);
  if (E.isRight(result)) throw new Error('expected an error');
  return result.left.message;
};

describe('server configuration', () => {
  it('has defaults for everything', () => {
    const config = loadServerConfig([], {});
    expect(E.isRight(config) && config.right).toMatchObject({
      host: '127.0.0.1',
      port: 8000,
      redisUrl: 'redis://127.0.0.1:6379',
      channelPrefix: '',
      flushMs: 25,
      idleTimeoutSec: 60,
    });
  });

  it('takes flags over environment over defaults', () => {
    const config = loadServerConfig(['--port', '9001', '--channel-prefix=prod:'], { PORT: '9000', HOST: '0.0.0.0', FLUSH_MS: '0' });
    expect(E.isRight(config) && config.right).toMatchObject({ port: 9001, host: '0.0.0.0', channelPrefix: 'prod:', flushMs: 0 });
  });

  it('names the option in every error', () => {
    expect(message(['--port', 'abc'])).toBe('Invalid --port: expected a port number from 0 to 65535, got "abc"');
    expect(message([], { PORT: '70000' })).toContain('Invalid PORT');
    expect(message([], { REDIS_URL: 'not a url' })).toContain('Invalid REDIS_URL: expected a URL');
    expect(message(['--redis', 'http://x:1'])).toContain('Invalid --redis');
    expect(message(['--flush-ms', '-1'])).toContain('--flush-ms');
    expect(message(['--bogus', '1'])).toBe('Unknown option --bogus (see --help)');
    expect(message(['--port'])).toBe('Option --port needs a value');
  });

  it('has access control off, an admin listener on loopback and connection caps by default', () => {
    const config = loadServerConfig([], {});
    expect(E.isRight(config) && config.right).toMatchObject({
      adminHost: '127.0.0.1',
      adminPort: 9464,
      authSecret: '',
      authPublicKey: '',
      authJwks: '',
      allowedOrigins: '',
      allowedHosts: '',
      trustedProxies: '',
      maxConnections: 20_000,
      maxConnectionsPerIp: 256,
      abuseWaitSec: 30,
      serveSourceMaps: false,
    });
    expect(message(['--serve-source-maps', 'yes'])).toBe('Invalid --serve-source-maps: expected on or off, got "yes"');
    expect(message(['--max-connections-per-ip', '-1'])).toContain('--max-connections-per-ip');
    expect(message([], { ADMIN_PORT: '70000' })).toContain('Invalid ADMIN_PORT');
  });

  it('refuses idle timeouts that would abort uWS', () => {
    for (const bad of ['1', '8', '961', '2.5']) expect(message(['--idle-timeout', bad])).toContain('--idle-timeout');
    for (const good of ['0', '9', '960']) expect(E.isRight(loadServerConfig(['--idle-timeout', good], {}))).toBe(true);
  });

  it('documents every option in --help', () => {
    const usage = usageOf('server', SERVER_OPTIONS);
    for (const spec of Object.values(SERVER_OPTIONS)) {
      expect(usage).toContain(spec.flag);
      expect(usage).toContain(spec.env);
    }
  });
});
