import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from '../../src/client/backoff';

describe('reconnect backoff', () => {
  it('grows exponentially within [ceiling/2, ceiling] and stops at the cap', () => {
    const options = { initialMs: 100, maxMs: 1000, factor: 2 };
    expect(backoffDelay(0, options, () => 0)).toBe(50);
    expect(backoffDelay(0, options, () => 1)).toBe(100);
    expect(backoffDelay(3, options, () => 1)).toBe(800);
    expect(backoffDelay(10, options, () => 0.5)).toBe(750);
    expect(backoffDelay(1000, DEFAULT_BACKOFF, () => 1)).toBe(DEFAULT_BACKOFF.maxMs);
  });
});
