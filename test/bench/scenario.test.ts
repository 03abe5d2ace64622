import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boundOf, split, type CpuFigures } from '../../bench/lib/scenario';

describe('split', () => {
  it('spreads n over k parts that differ by at most one and add up to n', () => {
    fc.assert(
      fc.property(fc.nat(100_000), fc.integer({ min: 1, max: 64 }), (n, k) => {
        const parts = split(n, k);
        expect(parts).toHaveLength(k);
        expect(parts.reduce((s, x) => s + x, 0)).toBe(n);
        expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('boundOf', () => {
  const idle: CpuFigures = { server: 0.1, clients: 0.2, clientsMax: 0.1, publisher: 0.1, redis: 0.05, kernelIrq: 0.05, other: 0 };

  it('names the server first when it is saturated', () => {
    expect(boundOf({ ...idle, server: 0.95, clientsMax: 0.95, clients: 1.9 }, 2, 0)).toBe('server CPU');
  });

  it('names a saturated client process, then Redis', () => {
    expect(boundOf({ ...idle, clientsMax: 0.92 }, 2, 0)).toBe('client CPU');
    expect(boundOf({ ...idle, redis: 0.95 }, 2, 0)).toBe('Redis CPU');
  });

  it('tells other programs from the kernel network stack when the machine is full', () => {
    expect(boundOf({ ...idle, other: 1.5 }, 2, 0)).toBe('machine CPU (other programs on the machine)');
    expect(boundOf({ ...idle, kernelIrq: 1.5 }, 2, 0)).toBe('machine CPU (kernel loopback network)');
  });

  it('blames the Redis buffer for losses on an unsaturated machine, else the schedule', () => {
    expect(boundOf(idle, 2, 10)).toBe('Redis pub/sub buffer (subscriber dropped)');
    expect(boundOf(idle, 2, 0)).toBe('not saturated (publisher schedule)');
  });
});
