import Big from 'big.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/agents/guardian';
import { Simulation } from '../../src/agents/simulation';
import type { OutgoingEvent, TradeExecuted, TradeSettled } from '../../src/events';

const TS = '2026-03-01T10:00:00.000Z';
const ZERO = new Big(0);

/** Everything the books must satisfy after a tick, recomputed from the ledger and the venues' bids, not from the guardian's own sums. */
function checkBooks(sim: Simulation): void {
  const ledger = sim.ledger();
  const bankroll = sim.config.bankroll;
  let realised = ZERO;
  let unrealised = ZERO;
  const byMarket = new Map<string, Big>();
  const byVenue = new Map<string, Big>([['polymarket', ZERO], ['kalshi', ZERO]]);
  for (const t of ledger.trades) {
    if (t.settled) {
      realised = realised.plus(t.pnl ?? 'NaN');
      // P&L at settlement = payout − cost − fees (a sale: proceeds − basis − fee).
      const expected = t.side === 'sell'
        ? new Big(t.amount).minus(t.basis ?? 'NaN').minus(t.fees)
        : (t.won === true ? new Big(t.shares) : ZERO).minus(t.amount).minus(t.fees);
      expect(new Big(t.pnl ?? 'NaN').eq(expected), `P&L of ${t.id}`).toBe(true);
      continue;
    }
    if (t.side !== 'buy' || t.status === 'cancelled') continue;
    byMarket.set(t.market_id, (byMarket.get(t.market_id) ?? ZERO).plus(t.amount));
    byVenue.set(t.venue, (byVenue.get(t.venue) ?? ZERO).plus(t.amount));
    const bid = sim.bidOf(t.market_id, t.outcome);
    unrealised = unrealised.plus(bid === undefined ? new Big(t.fees).neg() : new Big(t.shares).times(bid).minus(t.amount).minus(t.fees));
  }
  // marked_value = bankroll + realised + unrealised, each computed independently.
  expect(new Big(ledger.current_value).eq(bankroll.plus(realised))).toBe(true);
  expect(new Big(ledger.unrealised_pnl).eq(unrealised), `unrealised ${ledger.unrealised_pnl} vs ${unrealised.toFixed()}`).toBe(true);
  expect(new Big(ledger.marked_value).eq(bankroll.plus(realised).plus(unrealised))).toBe(true);
  // Exposure = Σ open positions, per market and per venue.
  const snapshot = sim.risk().snapshot();
  const positions = snapshot.positions ?? {};
  expect(Object.keys(positions).sort()).toEqual([...byMarket.keys()].filter((id) => byMarket.get(id)?.gt(0)).sort());
  for (const [id, amount] of byMarket) if (amount.gt(0)) expect(new Big(positions[id as keyof typeof positions] ?? 'NaN').eq(amount)).toBe(true);
  for (const [venue, amount] of byVenue) expect(new Big(snapshot.platform_exposure?.[venue as 'kalshi'] ?? 'NaN').eq(amount), venue).toBe(true);
}

/** No fill above its limit, every price on the 1¢ tick, every settlement event equal to the ledger's. */
function checkFills(events: readonly OutgoingEvent[], sim: Simulation): void {
  const ledger = new Map(sim.ledger().trades.map((t) => [t.id, t]));
  for (const e of events) {
    if (e.type === 'trade.executed') {
      const t = e.data as TradeExecuted;
      const price = new Big(t.price);
      expect(price.times(100).mod(1).eq(0), `${t.id} on the tick`).toBe(true);
      if (t.side === 'buy') expect(price.lte(t.limit_price ?? 'NaN'), `${t.id} within its limit`).toBe(true);
      if (t.status === 'partial' || t.status === 'cancelled') expect(new Big(t.unfilled_amount ?? '0').gt(0)).toBe(true);
    }
    if (e.type === 'trade.settled') {
      const s = e.data as TradeSettled;
      expect(s.pnl).toBe(ledger.get(s.trade_id)?.pnl);
    }
  }
}

describe('the books add up, on every seed', () => {
  it('marked value, exposure, settlement P&L and fills hold after every tick (fast-check over seeds)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const sim = new Simulation({ seed, run: 'prop' });
        for (let i = 0; i < 3 * 720; i += 1) {
          const events = sim.tick(TS);
          checkFills(events, sim);
          if (i % 6 === 0 || events.some((e) => e.type === 'trade.settled')) checkBooks(sim);
        }
      }),
      { numRuns: 12, seed: 20260101 },
    );
  });
});

describe('every rule fires on some seed', () => {
  it('each of the seven rules rejects a request or declares a halt on one of a few seeds run with tight limits', () => {
    const fired = new Map<string, number[]>();
    for (const seed of [3, 12, 25]) {
      const sim = new Simulation({ seed, run: 'rules', limits: { maxPlatformPct: '0.15', maxDrawdownPct: '0.1', dailyLossPct: '0.02' } });
      for (let i = 0; i < 4 * 720; i += 1) sim.tick(TS);
      const { rejections, halts } = sim.ledger();
      for (const rule of RULES) if ((rejections[rule] ?? 0) + (halts[rule] ?? 0) > 0) fired.set(rule, [...(fired.get(rule) ?? []), seed]);
    }
    expect([...fired.keys()].sort()).toEqual([...RULES].sort());
  });

  it('at the default limits, 12 simulated hours on four seeds see opposite_side, position_limit and minimum_profit', () => {
    const counts: Record<string, number> = {};
    for (let seed = 1; seed <= 4; seed += 1) {
      const sim = new Simulation({ seed, run: 'rules' });
      for (let i = 0; i < 12 * 720; i += 1) sim.tick(TS);
      const { rejections, halts } = sim.ledger();
      for (const [rule, n] of [...Object.entries(rejections), ...Object.entries(halts)]) counts[rule] = (counts[rule] ?? 0) + n;
    }
    for (const rule of ['opposite_side', 'position_limit', 'minimum_profit']) expect(counts[rule] ?? 0, rule).toBeGreaterThan(0);
  });
});
