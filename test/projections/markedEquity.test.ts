import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { CATALOG, type EventOf, type EventTag, decodeEvent, encodeEvent } from '../../src/events';
import { Projector } from '../../src/pipeline';
import { riskState } from '../../src/projections';
import { given, legacy, v1 } from './support';

let seq = 0;
/** A v1 event from our agents, stamped with simulated time `asOf`, as it travels (encoded, decoded). */
function sim<K extends EventTag>(type: K, data: unknown, asOf: string, agent = 'risk-guardian'): EventOf<K> {
  seq += 1;
  const raw = encodeEvent({ type, agent, run: 'mk', seq, ts: '2026-11-26T02:47:30.123Z', asOf, data: data as EventOf<K>['data'] });
  const decoded = decodeEvent(CATALOG[type].channel, raw);
  if (E.isLeft(decoded)) throw new Error(decoded.left.message);
  return decoded.right as EventOf<K>;
}

const snapshot = (over: Record<string, unknown> = {}) => ({
  current_value: '510', high_water_mark: '520', daily_pnl: '10', halted: false, initial_bankroll: '500', ...over,
});
const trade = (over: Record<string, unknown> = {}) => ({
  id: 'paper-1', request_id: 'req-1', strategy: 'cross-venue', market_id: 'kalshi:btc', venue: 'kalshi', side: 'buy', outcome: 'YES',
  amount: '31', price: '0.62', fees: '0.83', status: 'filled', executed_at: '2026-01-01T22:05:00.000Z', paper_trade: true, ...over,
});
const settlement = (over: Record<string, unknown> = {}) => ({
  trade_id: 'paper-2', strategy: 'cross-venue', market_id: 'kalshi:btc', won: false, pnl: '-1.15', settled_at: '2026-01-01T22:05:00.000Z', ...over,
});

describe('risk.state: marked equity and simulated time (additive fields)', () => {
  it('takes marked value, unrealised P&L and the marked high-water mark from the guardian, with the marked drawdown derived', () => {
    const at = '2026-01-01T22:05:00.000Z';
    given(riskState, [sim('guardian.snapshot', snapshot({ marked_value: '468', unrealised_pnl: '-42', marked_high_water_mark: '520' }), at)]).then({
      ...riskState.initial,
      current_value: '510', high_water_mark: '520', drawdown: '10', drawdown_pct: '0.019231', daily_pnl: '10', bankroll: '500',
      marked_value: '468', unrealised_pnl: '-42', marked_high_water_mark: '520', marked_drawdown: '52', marked_drawdown_pct: '0.1',
      as_of: at,
    });
  });

  it('leaves them null for a guardian that does not say them (legacy and older agents)', () => {
    const state = given(riskState, [legacy('guardian.snapshot', snapshot())]).state;
    expect([state.marked_value, state.unrealised_pnl, state.marked_drawdown, state.as_of]).toEqual([null, null, null, null]);
  });

  it('a sale opens no exposure; a settlement naming released_exposure releases that much, one without it the whole market', () => {
    const at = '2026-01-01T22:05:00.000Z';
    const after = given(riskState, [
      sim('trade.executed', trade({ shares: '50', limit_price: '0.62' }), at, 'paper-executor'),
      sim('trade.executed', trade({ id: 'paper-2', side: 'sell', amount: '11.6', price: '0.58', fees: '0.35', closes_trade_id: 'paper-1' }), at, 'paper-executor'),
      sim('trade.settled', settlement({ released_exposure: '12.4' }), at, 'paper-executor'),
    ]).state;
    expect([after.exposure_by_market['kalshi:btc'], after.exposure_by_venue.kalshi]).toEqual(['18.6', '18.6']);
    expect(after.current_value).toBeNull();
    const whole = given(riskState, [v1('trade.executed', trade()), v1('trade.settled', settlement({ trade_id: 'paper-1', pnl: '5' }))]).state;
    expect(whole.exposure_by_market).toEqual({});
  });
});

describe('portfolio.summary on simulated time', () => {
  it('mirrors marked value and unrealised P&L, dates equity points with as_of and keeps at most one per simulated minute', () => {
    const p = new Projector();
    const point = (value: string, asOf: string) => p.apply(sim('guardian.snapshot', snapshot({ current_value: value, high_water_mark: value, marked_value: value, unrealised_pnl: '0' }), asOf));
    point('500', '2026-01-01T22:00:05.000Z');
    point('501', '2026-01-01T22:00:40.000Z'); // same simulated minute: replaces the last point
    point('502', '2026-01-01T22:01:00.000Z');
    point('503', '2026-01-01T22:03:10.000Z');
    const summary = p.state('portfolio.summary');
    expect(summary.equity_curve).toEqual([
      { ts: '2026-11-26T02:47:30.123Z', as_of: '2026-01-01T22:00:40.000Z', value: '501' },
      { ts: '2026-11-26T02:47:30.123Z', as_of: '2026-01-01T22:01:00.000Z', value: '502' },
      { ts: '2026-11-26T02:47:30.123Z', as_of: '2026-01-01T22:03:10.000Z', value: '503' },
    ]);
    expect([summary.marked_value, summary.unrealised_pnl, summary.as_of]).toEqual(['503', '0', '2026-01-01T22:03:10.000Z']);
  });
});

describe('decoding the additive fields', () => {
  it('accepts as_of and the new optional fields, and still accepts messages without them', () => {
    const withAll = sim('trade.executed', trade({ shares: '50', limit_price: '0.62', unfilled_amount: '3.1', closes_trade_id: 'paper-0' }), '2026-01-01T22:05:00Z', 'paper-executor');
    expect(withAll.meta.asOf).toBe('2026-01-01T22:05:00Z');
    expect(withAll.data).toMatchObject({ shares: '50', unfilled_amount: '3.1' });
    const old = v1('trade.executed', trade());
    expect(old.meta.asOf).toBeUndefined();
    const opportunity = {
      id: 'opp-1', opportunity_type: 'cross_platform', market_id: 'kalshi:btc', oracle_symbol: 'BTC', oracle_value: '100000',
      fair_price: '0.6', market_price: '0.55', expected_edge: '0.05', signal_strength: '0.5',
    };
    expect(decodeEvent('strategy.performance', JSON.stringify({ agent: 'x', type: 'opportunity.detected', data: { ...opportunity, paired_market_id: 'polymarket:btc' } }))._tag).toBe('Right');
  });

  it('rejects a malformed as_of or a malformed new field with a path', () => {
    const raw = JSON.parse(encodeEvent({ type: 'trade.settled', agent: 'paper-executor', run: 'mk', seq: 1, ts: '2026-11-26T02:47:30.123Z', data: settlement() as never })) as Record<string, unknown>;
    const badAsOf = decodeEvent('trade.results', JSON.stringify({ ...raw, as_of: 'yesterday' }));
    expect(E.isLeft(badAsOf) && badAsOf.left.reason).toBe('bad_envelope');
    const badReleased = decodeEvent('trade.results', JSON.stringify({ ...raw, data: settlement({ released_exposure: 12.4 }) }));
    expect(E.isLeft(badReleased) && badReleased.left.message).toContain('data.released_exposure');
  });
});
