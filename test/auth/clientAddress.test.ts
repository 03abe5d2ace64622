import { describe, expect, it } from 'vitest';
import { canonicalAddress, clientAddress, trustedProxies } from '../../src/auth/clientAddress';

const trust = (text: string) => {
  const t = trustedProxies(text);
  if (typeof t === 'string') throw new Error(t);
  return t;
};

describe('client address', () => {
  it('given no trusted proxies, then the peer address, whatever X-Forwarded-For says', () => {
    expect(clientAddress('10.0.0.9', '1.2.3.4', trust(''))).toBe('10.0.0.9');
  });

  it('given a trusted proxy, then the right-most forwarded address that is not a trusted proxy', () => {
    const proxies = trust('10.0.0.0/8, 192.168.1.1');
    expect(clientAddress('10.0.0.9', '6.6.6.6, 1.2.3.4, 192.168.1.1', proxies)).toBe('1.2.3.4');
    expect(clientAddress('10.0.0.9', '', proxies)).toBe('10.0.0.9');
    expect(clientAddress('8.8.8.8', '1.2.3.4', proxies)).toBe('8.8.8.8');
    expect(clientAddress('10.0.0.9', 'garbage', proxies)).toBe('10.0.0.9');
  });

  it('gives one key per peer whatever the text form', () => {
    expect(canonicalAddress('0000:0000:0000:0000:0000:ffff:7f00:0001')).toBe('127.0.0.1');
    expect(canonicalAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(canonicalAddress('0000:0000:0000:0000:0000:0000:0000:0001')).toBe('0:0:0:0:0:0:0:1');
  });

  it('refuses a bad --trusted-proxies entry with a message naming it', () => {
    expect(trustedProxies('10.0.0.0/33')).toContain('"10.0.0.0/33"');
    expect(trustedProxies('proxy.example')).toContain('"proxy.example"');
  });
});
