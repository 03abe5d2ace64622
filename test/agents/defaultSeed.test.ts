import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/agents';
import { AGENTS_OPTIONS } from '../../src/config';

const TICKS_PER_MINUTE = 12;

describe('the default seed (what npm start shows)', () => {
  it('trades within seconds at the default speed, settles within half an hour, and does not halt in the first simulated hour', () => {
    const seed = Number(AGENTS_OPTIONS.seed.default);
    const speed = Number(AGENTS_OPTIONS.speed.default);
    const sim = new Simulation({ seed, run: 'default' });
    let at = Date.parse('2026-11-26T00:00:00Z');
    const firstSeen = new Map<string, number>();
    for (let tick = 0; tick < 60 * TICKS_PER_MINUTE; tick += 1) {
      for (const event of sim.tick(new Date(at).toISOString())) if (!firstSeen.has(event.type)) firstSeen.set(event.type, tick);
      at += 5_000;
    }
    const firstTradeRealSeconds = (((firstSeen.get('trade.executed') ?? Infinity) + 1) * 5) / speed;
    expect(firstTradeRealSeconds).toBeLessThanOrEqual(10);
    expect(firstSeen.get('trade.settled')).toBeLessThanOrEqual(30 * TICKS_PER_MINUTE);
    expect(firstSeen.has('risk.halted')).toBe(false);
    expect(sim.ledger().trades.length).toBeGreaterThan(10);
  });
});
