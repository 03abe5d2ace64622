import Big from 'big.js';
import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/agents/guardian';
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

function rulesTriggered(events: readonly OutgoingEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) {
    if (e.type !== 'risk.decided') continue;
    const rule = (e.data as { rule_triggered: string | null }).rule_triggered;
    if (rule !== null) counts[rule] = (counts[rule] ?? 0) + 1;
  }
  return counts;
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

  it('at speed 60, trades execute and settle within the first 30 seconds (30 simulated minutes)', () => {
    const { events } = run(42, 30 * TICKS_PER_MINUTE);
    const types = events.map((e) => e.type);
    expect(types).toContain('trade.executed');
    expect(types).toContain('trade.settled');
    // Both outcomes are traded in that window.
    const outcomes = new Set(events.filter((e) => e.type === 'trade.executed').map((e) => (e.data as { outcome: string }).outcome));
    expect(outcomes).toEqual(new Set(['YES', 'NO']));
  });

  it('books add up: value = bankroll + realised P&L; open exposure equals the open trades', () => {
    const { sim } = run(1, 3 * 60 * TICKS_PER_MINUTE);
    const ledger = sim.ledger();
    expect(ledger.settled).toBeGreaterThan(10);
    expect(new Big(ledger.current_value).eq(new Big('500').plus(ledger.pnl))).toBe(true);
    const snapshot = sim.snapshots(TS).find((e) => e.type === 'guardian.snapshot')?.data as { positions: Record<string, string> };
    const open = new Map<string, Big>();
    for (const t of ledger.trades.filter((x) => !x.settled)) open.set(t.market_id, (open.get(t.market_id) ?? new Big(0)).plus(t.amount));
    expect(Object.keys(snapshot.positions).sort()).toEqual([...open.keys()].sort());
    for (const [id, amount] of open) expect(new Big(snapshot.positions[id] ?? '0').eq(amount)).toBe(true);
    // Every settled trade's P&L is the exact settlement formula.
    for (const t of ledger.trades.filter((x) => x.settled)) {
      const expected = (t.won === true ? new Big(t.shares) : new Big(0)).minus(t.amount).minus(t.fees);
      expect(new Big(t.pnl ?? 'NaN').eq(expected)).toBe(true);
    }
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

describe('risk rules in seeded runs', () => {
  it('seed 18: every rule rejects something within five simulated hours (five minutes at speed 60)', () => {
    const { events } = run(18, 5 * 60 * TICKS_PER_MINUTE);
    const counts = rulesTriggered(events);
    for (const rule of RULES) expect(counts[rule] ?? 0, rule).toBeGreaterThan(0);
    // After the halt, nothing is approved and nothing is filled.
    const haltAt = events.findIndex((e) => e.type === 'risk.halted');
    expect(haltAt).toBeGreaterThan(0);
    const after = events.slice(haltAt);
    expect(after.some((e) => e.type === 'trade.executed')).toBe(false);
    expect(after.filter((e) => e.type === 'risk.decided').every((e) => (e.data as { rule_triggered: string | null }).rule_triggered === 'system_halt')).toBe(true);
  });

  it('seed 42 (the CLI default): its rule counts over five simulated hours', () => {
    const counts = rulesTriggered(run(42, 5 * 60 * TICKS_PER_MINUTE).events);
    expect(counts).toEqual({ drawdown_halt: 1, system_halt: expect.any(Number) });
  });
});
