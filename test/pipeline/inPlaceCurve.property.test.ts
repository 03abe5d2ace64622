import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Event } from '../../src/events';
import { ProjectionStates, Projector } from '../../src/pipeline';
import { MAX_EQUITY_POINTS } from '../../src/projections';
import { v1 } from '../projections/support';

const START = Date.UTC(2026, 10, 26, 2, 0, 0);

/** A settlement moving the portfolio's value by `cents`, at simulated time `minute` (+ `second`) when given. */
function settlement(i: number, cents: number, at: { minute: number; second: number } | null): Event {
  const pnl = (cents / 100).toFixed(2);
  const event = v1('trade.settled', { trade_id: `t-${i}`, strategy: 's', market_id: 'kalshi:x', won: cents > 0, pnl, settled_at: '2026-11-26T02:00:00Z' }, { agent: 'curve-executor', run: 'curve' });
  if (at === null) return event;
  const asOf = new Date(START + at.minute * 60_000 + at.second * 1000).toISOString();
  return { ...event, meta: { ...event.meta, asOf } };
}

/** Steps of a run past the curve's limit: value changes, some in the same simulated minute, and reads between them. */
const arbSteps = fc.array(
  fc.record({
    cents: fc.integer({ min: -5000, max: 5000 }).filter((c) => c !== 0),
    clock: fc.option(fc.record({ advance: fc.constantFrom(0, 0, 1, 2), second: fc.nat(59) }), { freq: 3 }),
    read: fc.integer({ min: 0, max: 49 }).map((n) => n === 0),
  }),
  { minLength: MAX_EQUITY_POINTS + 20, maxLength: MAX_EQUITY_POINTS + 150 },
);

describe('equity curve extended in place', () => {
  it('given more value changes than the curve holds, when reduced in place with reads between them, then every summary equals the copying reduction and a summary once read never changes', () => {
    fc.assert(
      fc.property(arbSteps, (steps) => {
        const projector = new Projector();
        const inPlace = new ProjectionStates({ inPlace: true });
        const opening = v1('guardian.snapshot', { current_value: '1000', high_water_mark: '1000', daily_pnl: '0', halted: false }, { agent: 'curve-guardian', run: 'curve' });
        projector.apply(opening);
        inPlace.apply(opening);
        const read: { state: unknown; json: string }[] = [];
        let minute = 0;
        steps.forEach(({ cents, clock, read: reads }, i) => {
          if (clock !== null) minute += clock.advance;
          const event = settlement(i, cents, clock === null ? null : { minute, second: clock.second });
          const changed = projector.apply(event).changes.some((c) => c.channel === 'portfolio.summary');
          expect(inPlace.apply(event).touched.includes('portfolio.summary')).toBe(changed);
          if (reads) {
            const state = inPlace.state('portfolio.summary');
            read.push({ state, json: JSON.stringify(state) });
          }
        });
        const summary = inPlace.state('portfolio.summary');
        expect(summary).toEqual(projector.state('portfolio.summary'));
        expect(summary.equity_curve.length).toBeLessThanOrEqual(MAX_EQUITY_POINTS);
        for (const r of read) expect(JSON.stringify(r.state)).toBe(r.json);
      }),
      { numRuns: 10 },
    );
  });
});
