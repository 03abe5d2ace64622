import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, originPolicy, refuseHost, refuseOrigin } from '../../src/auth/origins';

describe('origin and host rules', () => {
  const loopback = originPolicy('', '', '127.0.0.1');

  it('given a loopback listen address and no lists, then only loopback origins and hosts, any port; no Origin is fine', () => {
    for (const host of ['localhost', 'localhost:8000', '127.0.0.1:1', '[::1]:8000', 'LOCALHOST']) expect(refuseHost(loopback, host)).toBeUndefined();
    for (const host of ['attacker.example', 'attacker.example:8000', '127.0.0.1.nip.io', '', 'localhost:8000@evil', '127.0.0.2']) expect(refuseHost(loopback, host)).toBe('host not allowed');
    for (const origin of ['', 'http://localhost:5173', 'https://127.0.0.1', 'http://[::1]:8000']) expect(refuseOrigin(loopback, origin)).toBeUndefined();
    for (const origin of ['http://evil.example', 'null', 'http://localhost.evil.example', 'file://', 'http://localhost@evil.example']) expect(refuseOrigin(loopback, origin)).toBe('origin not allowed');
  });

  it('given any other listen address and no lists, then anything', () => {
    const open = originPolicy('', '', '0.0.0.0');
    expect(refuseHost(open, 'attacker.example')).toBeUndefined();
    expect(refuseOrigin(open, 'http://evil.example')).toBeUndefined();
  });

  it('given lists, then exactly those (a host with a port only on that port; * for any)', () => {
    const listed = originPolicy('https://dash.example.com, HTTPS://Ops.Example.com', 'dash.example.com,api.example.com:8443', '0.0.0.0');
    expect(refuseOrigin(listed, 'https://ops.example.com')).toBeUndefined();
    expect(refuseOrigin(listed, 'http://dash.example.com')).toBe('origin not allowed');
    expect(refuseHost(listed, 'dash.example.com:443')).toBeUndefined();
    expect(refuseHost(listed, 'api.example.com:8443')).toBeUndefined();
    expect(refuseHost(listed, 'api.example.com')).toBe('host not allowed');
    expect(refuseHost(originPolicy('', '*', '127.0.0.1'), 'anything')).toBeUndefined();
  });

  it('knows loopback listen addresses', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) expect(isLoopbackAddress(a)).toBe(true);
    for (const a of ['0.0.0.0', '::', '10.0.0.1']) expect(isLoopbackAddress(a)).toBe(false);
  });
});
