import { describe, expect, it } from 'vitest';
import { ConnectionLimits } from '../../src/auth/connectionLimits';

describe('connection limits', () => {
  it('given a per-address cap, then the next one from that address is refused until one is released', () => {
    const limits = new ConnectionLimits({ maxTotal: 0, maxPerAddress: 2, abuseWaitMs: 0 });
    expect(limits.admit('a', 0)).toBeUndefined();
    expect(limits.admit('a', 0)).toBeUndefined();
    expect(limits.admit('a', 0)).toBe('too many connections from this address');
    expect(limits.admit('b', 0)).toBeUndefined();
    limits.release('a');
    expect(limits.admit('a', 0)).toBeUndefined();
    expect(limits.open).toBe(3);
  });

  it('given a total cap, then every address is refused once it is reached', () => {
    const limits = new ConnectionLimits({ maxTotal: 1, maxPerAddress: 0, abuseWaitMs: 0 });
    expect(limits.admit('a', 0)).toBeUndefined();
    expect(limits.admit('b', 0)).toBe('too many connections');
  });

  it('given an abuse close, then the address waits, and is let in after', () => {
    const limits = new ConnectionLimits({ maxTotal: 0, maxPerAddress: 0, abuseWaitMs: 30_000 });
    limits.penalize('a', 1_000);
    expect(limits.admit('a', 2_000)).toBe('closed for abuse: retry in 29 s');
    expect(limits.admit('b', 2_000)).toBeUndefined();
    expect(limits.admit('a', 31_000)).toBeUndefined();
  });

  it('releasing an address that holds nothing changes nothing', () => {
    const limits = new ConnectionLimits({ maxTotal: 1, maxPerAddress: 1, abuseWaitMs: 0 });
    limits.release('x');
    expect(limits.open).toBe(0);
  });
});
