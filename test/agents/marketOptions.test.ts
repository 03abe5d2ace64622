import Big from 'big.js';
import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/agents/simulation';
import { AGENTS_OPTIONS, AgentsConfig, loadOptions } from '../../src/config';

const TS = '2026-03-01T10:00:00.000Z';

function run(options: { kellyFraction?: string; polymarketTakerRate?: string }, hours = 3): Simulation {
  const sim = new Simulation({ seed: 12, run: 'opt', ...options });
  for (let i = 0; i < hours * 720; i += 1) sim.tick(TS);
  return sim;
}

describe('market options', () => {
  it('--kelly-fraction and --polymarket-fee are read, defaulted and checked with the option named', () => {
    const ok = loadOptions(AgentsConfig, AGENTS_OPTIONS, ['--kelly-fraction', '0.5'], {});
    expect(E.isRight(ok) && [ok.right.kellyFraction, ok.right.polymarketFee]).toEqual(['0.5', '0']);
    const bad = loadOptions(AgentsConfig, AGENTS_OPTIONS, [], { POLYMARKET_FEE: '1.5' });
    expect(E.isLeft(bad) && bad.left.message).toContain('POLYMARKET_FEE');
  });

  it('Polymarket trades pay nothing on standard markets and the configured rate on fee-enabled ones', () => {
    const polymarketFees = (sim: Simulation): Big =>
      sim.ledger().trades.filter((t) => t.venue === 'polymarket').reduce((a, t) => a.plus(t.fees), new Big(0));
    expect(polymarketFees(run({})).toFixed()).toBe('0');
    const charged = run({ polymarketTakerRate: '0.05' }).ledger().trades.filter((t) => t.venue === 'polymarket' && new Big(t.shares).gt(0));
    expect(charged.length).toBeGreaterThan(0);
    for (const t of charged) {
      const p = new Big(t.price);
      const fee = new Big('0.05').times(t.shares).times(p).times(new Big(1).minus(p)).round(2, 3);
      expect(new Big(t.fees).eq(fee), t.id).toBe(true);
    }
  });

  it('a larger Kelly fraction stakes more', () => {
    const staked = (sim: Simulation): Big => sim.ledger().trades.filter((t) => t.side === 'buy' && t.strategy === 'oracle-sniper').reduce((a, t) => a.plus(t.amount), new Big(0));
    expect(staked(run({ kellyFraction: '0.5' }, 1)).gt(staked(run({}, 1)))).toBe(true);
  });
});
