import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/agents';
import { AGENTS_OPTIONS } from '../../src/config';

describe('the default seed (what npm start shows)', () => {
  it('trades in its first tick, settles within 5 simulated minutes, and does not halt in 12 simulated hours', () => {
    const seed = Number(AGENTS_OPTIONS.seed.default);
    const sim = new Simulation({ seed, run: 'default' });
    let at = Date.parse('2026-11-26T00:00:00Z');
    const firstSeen = new Map<string, number>();
    for (let tick = 0; tick < 12 * 720; tick += 1) {
      for (const event of sim.tick(new Date(at).toISOString())) if (!firstSeen.has(event.type)) firstSeen.set(event.type, tick);
      at += 5_000;
    }
    expect(firstSeen.get('trade.executed')).toBe(0);
    expect(firstSeen.get('trade.settled')).toBeLessThanOrEqual(60);
    expect(firstSeen.has('risk.halted')).toBe(false);
    expect(sim.ledger().trades.length).toBeGreaterThan(100);
  });
});
