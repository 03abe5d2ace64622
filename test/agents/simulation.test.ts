import Big from 'big.js';
import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { AGENT, Simulation } from '../../src/agents/simulation';
import { type Event, type OutgoingEvent, channelOf, decodeEvent, encodeEvent } from '../../src/events';

const TS = '2026-03-01T10:00:00.000Z';
const TICKS_PER_MINUTE = 12; // 5 simulated seconds per tick

function run(seed: number, ticks: number, runId = 'r1'): { sim: Simulation; events: OutgoingEvent[] } {
  const sim = new Simulation({ seed, run: runId });
  const events: OutgoingEvent[] = [];
  for (let i = 0; i < ticks; i += 1) events.push(...sim.tick(TS));
  return { sim, events };
}

function decodeAll(events: readonly OutgoingEvent[]): Event[] {
  return events.map((e) => {
    const decoded = decodeEvent(channelOf(e.type), encodeEvent(e));
    if (E.isLeft(decoded)) throw new Error(`${e.type} rejected: ${decoded.left.message}`);
    return decoded.right;
  });
}

describe('simulation events', () => {
  it('every event published over six simulated hours, heartbeats and snapshots included, decodes', () => {
    const sim = new Simulation({ seed: 7, run: 'abc123' });
    const events: OutgoingEvent[] = [...sim.heartbeats(TS, 5000, 'starting'), ...sim.snapshots(TS)];
    for (let i = 0; i < 6 * 60 * TICKS_PER_MINUTE; i += 1) {
      events.push(...sim.tick(TS));
      if (i % 60 === 0) events.push(...sim.heartbeats(TS, 5000), ...sim.snapshots(TS));
    }
    events.push(...sim.heartbeats(TS, 5000, 'stopped'));
    const decoded = decodeAll(events);
    expect(decoded).toHaveLength(events.length);
    const tags = new Set(decoded.map((e) => e.type));
    for (const tag of ['opportunity.detected', 'trade.requested', 'risk.decided', 'trade.executed', 'trade.settled', 'guardian.snapshot', 'executor.snapshot', 'allocator.snapshot', 'allocation.updated', 'agent.heartbeat']) {
      expect(tags).toContain(tag);
    }
  });

  it('numbers each agent’s events 1, 2, 3, … and ids carry the run', () => {
    const { events } = run(3, 600, 'run9');
    const last = new Map<string, number>();
    for (const e of events) {
      expect(e.seq).toBe((last.get(e.agent) ?? 0) + 1);
      last.set(e.agent, e.seq);
      expect(e.run).toBe('run9');
    }
    expect([...last.keys()].sort()).toEqual(
      [AGENT.scanner, AGENT.guardian, AGENT.executor, AGENT.allocator, 'strategy-oracle-sniper', 'strategy-cross-venue'].sort(),
    );
    const executed = events.filter((e) => e.type === 'trade.executed').map((e) => (e.data as { id: string }).id);
    expect(executed.length).toBeGreaterThan(0);
    for (const id of executed) expect(id).toMatch(/^paper-run9-[0-9a-f]{8}$/);
  });

  it('is deterministic: the same seed gives the same trading events, run ids aside', () => {
    const strip = (events: readonly OutgoingEvent[], runId: string): string[] =>
      events.map((e) => JSON.stringify({ agent: e.agent, type: e.type, seq: e.seq, data: e.data }).split(runId).join('<run>'));
    const a = strip(run(42, 1500, 'aaaa').events, 'aaaa');
    const b = strip(run(42, 1500, 'bbbb').events, 'bbbb');
    expect(a.length).toBeGreaterThan(100);
    expect(a).toEqual(b);
    expect(strip(run(43, 1500, 'aaaa').events, 'aaaa')).not.toEqual(a);
  });

  it('at speed 60, trades execute and settle within the first 15 seconds (15 simulated minutes), on both outcomes', () => {
    const { events } = run(42, 15 * TICKS_PER_MINUTE);
    const types = events.map((e) => e.type);
    expect(types).toContain('trade.executed');
    expect(types).toContain('trade.settled');
    const { events: longer } = run(42, 3 * 60 * TICKS_PER_MINUTE);
    const outcomes = new Set(longer.filter((e) => e.type === 'trade.executed').map((e) => (e.data as { outcome: string }).outcome));
    expect(outcomes).toEqual(new Set(['YES', 'NO']));
  });

  it('stamps every event with the simulated time of its tick (as_of), and the encoded envelope carries it', () => {
    const sim = new Simulation({ seed: 3, run: 'r1' });
    let events: OutgoingEvent[] = [];
    while (events.length === 0) events = sim.tick(TS);
    const now = new Date(sim.now).toISOString();
    expect(now).not.toBe(TS);
    expect(new Set(events.map((e) => e.asOf))).toEqual(new Set([now]));
    expect(sim.snapshots(TS).every((e) => e.asOf === now)).toBe(true);
    const decoded = decodeAll([...events, ...sim.heartbeats(TS, 5000)]);
    expect(decoded.every((e) => e.meta.asOf === now && e.meta.ts === TS)).toBe(true);
  });

  it('resets the daily P&L at simulated UTC midnight (two hours after the default start)', () => {
    const sim = new Simulation({ seed: 1, run: 'r1' });
    for (let i = 0; i < 2 * 60 * TICKS_PER_MINUTE - 1; i += 1) sim.tick(TS);
    const before = sim.ledger().daily_pnl;
    expect(new Date(sim.now).toISOString()).toBe('2026-01-01T23:59:55.000Z');
    const events = sim.tick(TS);
    expect(new Date(sim.now).toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(before).not.toBe('0');
    const snapshot = events.find((e) => e.type === 'guardian.snapshot')?.data as { daily_pnl: string };
    expect(snapshot.daily_pnl).toBe(sim.ledger().daily_pnl);
    expect(new Big(sim.ledger().daily_pnl).eq(new Big(sim.ledger().current_value).minus(new Big('500').plus(before)))).toBe(true);
  });
});
