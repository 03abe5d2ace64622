import { describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../src/bus';

describe('memory bus', () => {
  it('delivers to subscribers of the channel, in publish order, after publish returns', async () => {
    const bus = createMemoryBus();
    const got: string[] = [];
    await bus.subscribe(['risk.state'], (channel, payload) => got.push(`${channel}:${payload.toString()}`));
    await bus.publish('risk.state', 'a');
    await bus.publish('trade.results', 'ignored');
    await bus.publish('risk.state', Buffer.from('b'));
    expect(got).toEqual([]);
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual(['risk.state:a', 'risk.state:b']);
  });

  it('keeps delivering to others when one handler throws', async () => {
    const bus = createMemoryBus();
    const got: string[] = [];
    await bus.subscribe(['x'], () => {
      throw new Error('boom');
    });
    await bus.subscribe(['x'], (_c, p) => got.push(p.toString()));
    await bus.publish('x', '1');
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual(['1']);
  });

  it('reports disconnection on close and refuses to publish afterwards', async () => {
    const bus = createMemoryBus();
    const seen: boolean[] = [];
    bus.onStatus((c) => seen.push(c));
    expect(bus.connected).toBe(true);
    await bus.close();
    await bus.close();
    expect(seen).toEqual([false]);
    expect(bus.connected).toBe(false);
    await expect(bus.publish('x', '1')).rejects.toThrow(/closed/);
  });
});
