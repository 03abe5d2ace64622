import Big from 'big.js';
import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/agents/simulation';
import { channelOf, decodeEvent, encodeEvent } from '../../src/events';
import { Projector } from '../../src/pipeline';

const TS = '2026-03-01T10:00:00.000Z';

describe('the projections agree with the agents without their snapshots', () => {
  it.each([3, 12])('seed %i: exposure from fills, sales and partial releases alone equals the guardian’s positions', (seed) => {
    const sim = new Simulation({ seed, run: 'agree' });
    const projector = new Projector();
    let sales = 0;
    let lastRiskAsOf: string | undefined;
    for (let i = 0; i < 3 * 720; i += 1) {
      for (const event of sim.tick(TS)) {
        // Only the fine-grained events: the guardian's snapshot would overwrite what they built.
        if (event.type === 'guardian.snapshot') continue;
        if (event.type === 'trade.executed' && (event.data as { side: string }).side === 'sell') sales += 1;
        if (['risk.decided', 'risk.halted', 'trade.executed', 'trade.settled'].includes(event.type)) lastRiskAsOf = event.asOf;
        const decoded = decodeEvent(channelOf(event.type), encodeEvent(event));
        if (E.isLeft(decoded)) throw new Error(decoded.left.message);
        projector.apply(decoded.right);
      }
    }
    expect(sales).toBeGreaterThan(0);
    const risk = projector.state('risk.state');
    const positions = sim.risk().snapshot().positions ?? {};
    expect(Object.keys(risk.exposure_by_market).sort()).toEqual(Object.keys(positions).sort());
    for (const [id, amount] of Object.entries(positions)) expect(new Big(risk.exposure_by_market[id] ?? 'NaN').eq(amount ?? 'NaN'), id).toBe(true);
    const ledger = sim.ledger();
    expect(projector.state('trade.results').trade_count).toBe(ledger.trades.length);
    expect(risk.as_of).toBe(lastRiskAsOf);
  });
});
