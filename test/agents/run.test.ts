import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { runAgents } from '../../src/agents/run';
import { Simulation } from '../../src/agents/simulation';
import { channelOf, decodeEvent } from '../../src/events';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('runAgents', () => {
  it('publishes decodable events in real time and the same trading events as the stepped simulation', async () => {
    const published: { channel: string; payload: string }[] = [];
    // A fake wall clock that moves 1 s per real 10 ms: at speed 60 that is one simulated minute per 10 ms.
    const t0 = Date.now();
    const clock = (): number => t0 + (Date.now() - t0) * 100;
    const handle = runAgents({
      publish: async (channel, payload) => {
        published.push({ channel, payload });
      },
      seed: 42, speed: 60, runId: 'feed1234', stepMs: 5, heartbeatMs: 5000, snapshotMs: 5000, clock,
    });
    // About 400 ms on an idle machine; a starved timer steps less often, so wait for a settled trade.
    const types = (): Set<string> =>
      new Set(published.flatMap(({ channel, payload }) => {
        const d = decodeEvent(channel, payload);
        return E.isRight(d) ? [d.right.type] : [];
      }));
    await sleep(400);
    for (let waited = 0; !types().has('trade.settled') && waited < 10_000; waited += 50) await sleep(50);
    await handle.stop();

    const decoded = published.map(({ channel, payload }) => decodeEvent(channel, payload));
    expect(decoded.every(E.isRight)).toBe(true);
    const events = decoded.flatMap((d) => (E.isRight(d) ? [d.right] : []));
    expect(events.some((e) => e.type === 'trade.executed')).toBe(true);
    expect(events.some((e) => e.type === 'trade.settled')).toBe(true);
    const heartbeats = events.filter((e) => e.type === 'agent.heartbeat');
    expect(heartbeats[0]?.data).toMatchObject({ status: 'starting', interval_ms: 5000 });
    expect(heartbeats.at(-1)?.data).toMatchObject({ status: 'stopped' });
    expect(heartbeats.filter((e) => e.data.status === 'running').length).toBeGreaterThan(0);
    for (const e of events) expect(e.meta.run).toBe('feed1234');

    // Per agent, seq runs 1, 2, 3, … with no gap.
    const last = new Map<string, number>();
    for (const e of events) {
      expect(e.meta.seq).toBe((last.get(e.meta.agent) ?? 0) + 1);
      last.set(e.meta.agent, e.meta.seq ?? 0);
    }

    // Trading events are exactly those of the stepped simulation, whatever the timer did.
    const trading = (type: string): boolean => ['opportunity.detected', 'trade.requested', 'risk.decided', 'risk.halted', 'trade.executed', 'trade.settled', 'allocation.updated'].includes(type);
    const live = events.filter((e) => trading(e.type)).map((e) => JSON.stringify([e.meta.agent, e.type, e.data]));
    const sim = new Simulation({ seed: 42, run: 'feed1234' });
    const stepped: string[] = [];
    while (sim.ticks < handle.ledger().ticks) {
      for (const e of sim.tick('2026-01-01T00:00:00.000Z')) if (trading(e.type)) stepped.push(JSON.stringify([e.agent, e.type, e.data]));
    }
    expect(live).toEqual(stepped);
    expect(handle.ledger().trades.length).toBe(events.filter((e) => e.type === 'trade.executed').length);
    expect(channelOf('trade.executed')).toBe('trade.results');
  });

  it('rejects invalid options with a message naming the option', () => {
    const publish = (): void => undefined;
    expect(() => runAgents({ publish, seed: 1, speed: 0 })).toThrow(/speed/);
    expect(() => runAgents({ publish, seed: 1.5, speed: 1 })).toThrow(/seed/);
    expect(() => runAgents({ publish, seed: 1, speed: 1, runId: 'bad id!' })).toThrow(/run id/);
  });

  it('keeps going when publish fails, and stops cleanly', async () => {
    let calls = 0;
    const handle = runAgents({
      publish: () => {
        calls += 1;
        throw new Error('redis down');
      },
      seed: 1, speed: 600, stepMs: 5,
    });
    await sleep(100);
    await handle.stop();
    expect(calls).toBeGreaterThan(10);
    expect(handle.ledger().ticks).toBeGreaterThan(0);
  });
});
