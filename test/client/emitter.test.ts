import { afterEach, describe, expect, it, vi } from 'vitest';
import { Emitter } from '../../src/client/emitter';

class Probe extends Emitter<{ ping: (n: number) => void }> {
  fire(n: number): void {
    this.emit('ping', n);
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Emitter', () => {
  it('given a listener that throws, then the others still hear the event and the error is rethrown on its own, later', () => {
    vi.useFakeTimers();
    const probe = new Probe();
    const heard: number[] = [];
    probe.on('ping', () => {
      throw new Error('listener failed');
    });
    probe.on('ping', (n) => heard.push(n));
    expect(() => probe.fire(1)).not.toThrow();
    expect(heard).toEqual([1]);
    expect(() => vi.runAllTimers()).toThrow('listener failed');
  });

  it('given an event nobody listens to, then emitting it does nothing', () => {
    expect(() => new Probe().fire(1)).not.toThrow();
  });
});
