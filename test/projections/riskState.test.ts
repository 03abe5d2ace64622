import { describe, expect, it } from 'vitest';
import type { EventOf, EventTag } from '../../src/events';
import { MAX_MARKETS, MAX_RULES, riskState } from '../../src/projections';
import { given, legacy, v1 } from './support';

const guardian = (data: Record<string, unknown>) =>
  legacy('guardian.snapshot', { current_value: '1100', high_water_mark: '1100', daily_pnl: '100', halted: false, ...data }, 'risk-guardian');

const decided = (approved: boolean, rule: string | null) =>
  v1('risk.decided', { request_id: 'req-1', strategy: 'oracle-sniper', approved, reason: approved ? 'ok' : 'limit', rule_triggered: rule });

const executed = (market: string, amount: string, status = 'filled') =>
  v1('trade.executed', {
    id: `paper-${market}-${amount}`,
    request_id: 'req-1',
    strategy: 'oracle-sniper',
    market_id: market,
    venue: market.split(':')[0],
    side: 'buy',
    outcome: 'YES',
    amount,
    price: '0.5',
    fees: '0.01',
    status,
    executed_at: '2026-01-31T12:00:00+00:00',
    paper_trade: true,
  });

const settled = (market: string, pnl: string) =>
  v1('trade.settled', { trade_id: 'paper-x', strategy: 'oracle-sniper', market_id: market, won: !pnl.startsWith('-'), pnl, settled_at: '2026-01-31T13:00:00Z' });

describe('risk.state projection', () => {
  it('given the same guardian snapshot again, then the state is left as it was (its channel not touched); any changed figure or position is taken', () => {
    const snap = (data: Record<string, unknown> = {}) => guardian({ positions: { 'polymarket:a': '10', 'kalshi:b': '0' }, platform_exposure: { polymarket: '10' }, ...data });
    const first = riskState.evolve(riskState.initial, snap());
    expect(first.exposure_by_market).toEqual({ 'polymarket:a': '10' });
    expect(riskState.evolve(first, snap())).toBe(first);
    expect(riskState.evolve(first, snap({ positions: { 'polymarket:a': '11' } })).exposure_by_market).toEqual({ 'polymarket:a': '11' });
    expect(riskState.evolve(first, snap({ positions: { 'polymarket:a': '10', 'kalshi:c': '1' } })).exposure_by_market).toEqual({ 'polymarket:a': '10', 'kalshi:c': '1' });
    expect(riskState.evolve(first, snap({ platform_exposure: {} })).exposure_by_venue).toEqual({});
    expect(riskState.evolve(first, snap({ daily_pnl: '101' })).daily_pnl).toBe('101');
    expect(riskState.evolve(first, snap({ halted: true })).halted).toBe(true);
  });

  it('takes the legacy guardian snapshot, with drawdown derived', () => {
    given(riskState, [guardian({ current_value: '880.0', high_water_mark: '1.1E+3', daily_pnl: '-20.50' })]).then({
      ...riskState.initial,
      current_value: '880',
      high_water_mark: '1100',
      drawdown: '220',
      drawdown_pct: '0.2',
      daily_pnl: '-20.5',
    });
  });

  it('counts decisions, and rejections by rule', () => {
    given(riskState, [decided(true, null), decided(false, 'position_limit'), decided(false, 'position_limit'), decided(false, 'minimum_profit')]).thenHas({
      decisions: { approved: 1, rejected: 3, rejections_by_rule: { position_limit: 2, minimum_profit: 1 } },
    });
  });

  it('counts rules beyond MAX_RULES under _other, and renames prototype names', () => {
    const rules = Array.from({ length: MAX_RULES + 2 }, (_, i) => decided(false, i === 0 ? 'constructor' : `rule-${i}`));
    const { state } = given(riskState, rules);
    expect(Object.keys(state.decisions.rejections_by_rule)).toHaveLength(MAX_RULES);
    expect(state.decisions.rejections_by_rule._constructor).toBe(1);
    expect(state.decisions.rejections_by_rule._other).toBe(3);
    expect(state.decisions.rejected).toBe(MAX_RULES + 2);
  });

  it('halts with the rule and reason, and a snapshot saying not halted clears them', () => {
    const halt = v1('risk.halted', { rule: 'drawdown_halt', reason: 'value below 80% of high-water mark' });
    given(riskState, [halt]).thenHas({ halted: true, halt_rule: 'drawdown_halt', halt_reason: 'value below 80% of high-water mark' });
    given(riskState, [halt, guardian({ halted: true })]).thenHas({ halted: true, halt_rule: 'drawdown_halt' });
    given(riskState, [halt, guardian({ halted: false })]).thenHas({ halted: false, halt_rule: null, halt_reason: null });
  });

  it('opens exposure per market and venue on fills only', () => {
    given(riskState, [executed('polymarket:btc-100k', '25.00'), executed('polymarket:btc-100k', '5'), executed('kalshi:CPI', '10'), executed('kalshi:FED', '7', 'failed')]).thenHas({
      exposure_by_market: { 'polymarket:btc-100k': '30', 'kalshi:CPI': '10' },
      exposure_by_venue: { polymarket: '30', kalshi: '10' },
    });
  });

  it('releases a settled market and books its P&L into value, daily P&L and high-water mark', () => {
    const { state } = given(riskState, [
      guardian({ current_value: '500', high_water_mark: '500', daily_pnl: '0', initial_bankroll: '500' }),
      executed('polymarket:btc-100k', '25'),
      executed('polymarket:eth', '10'),
      settled('polymarket:btc-100k', '15.3'),
      settled('polymarket:eth', '-10'),
    ]);
    expect(state).toStrictEqual({
      ...riskState.initial,
      current_value: '505.3',
      high_water_mark: '515.3',
      drawdown: '10',
      drawdown_pct: '0.019406',
      daily_pnl: '5.3',
      bankroll: '500',
      exposure_by_market: {},
      exposure_by_venue: {},
    });
  });

  it('given two markets open on one venue, when one settles, then the venue keeps exactly the other one\'s exposure', () => {
    given(riskState, [
      executed('polymarket:btc-100k', '25'),
      executed('polymarket:eth', '10.5'),
      executed('kalshi:CPI', '4'),
      settled('polymarket:btc-100k', '3'),
    ]).thenHas({
      exposure_by_market: { 'polymarket:eth': '10.5', 'kalshi:CPI': '4' },
      exposure_by_venue: { polymarket: '10.5', kalshi: '4' },
      daily_pnl: '3',
    });
  });

  it('given a venue whose exposure a snapshot set below a market\'s, when that market settles, then the venue is dropped, never negative', () => {
    given(riskState, [
      executed('kalshi:CPI', '30'),
      guardian({ platform_exposure: { kalshi: '20' } }),
      settled('kalshi:CPI', '0'),
    ]).thenHas({ exposure_by_market: {}, exposure_by_venue: {} });
  });

  it('given a market settled with no exposure held on it and zero P&L, then the state is the same object', () => {
    const { state } = given(riskState, [executed('kalshi:CPI', '30')]);
    expect(riskState.evolve(state, settled('polymarket:eth', '0'))).toBe(state);
  });

  it('keeps value unknown until a snapshot says it, yet counts daily P&L', () => {
    given(riskState, [settled('polymarket:btc-100k', '+4')]).thenHas({ current_value: null, drawdown: null, daily_pnl: '4' });
  });

  describe('reconciliation with the guardian snapshot', () => {
    it('is authoritative for the fields it carries and keeps the others', () => {
      const { state } = given(riskState, [
        executed('polymarket:btc-100k', '25'),
        decided(true, null),
        guardian({ current_value: '1000', high_water_mark: '1200', daily_pnl: '0' }),
      ]);
      expect(state).toStrictEqual({
        ...riskState.initial,
        current_value: '1000',
        high_water_mark: '1200',
        drawdown: '200',
        drawdown_pct: '0.166667',
        exposure_by_market: { 'polymarket:btc-100k': '25' },
        exposure_by_venue: { polymarket: '25' },
        decisions: { approved: 1, rejected: 0, rejections_by_rule: {} },
      });
    });

    it('replaces exposure it carries, dropping zero positions', () => {
      given(riskState, [
        executed('polymarket:btc-100k', '25'),
        guardian({ positions: { 'kalshi:CPI': '12.50', 'polymarket:eth': '0.00' }, platform_exposure: { kalshi: '12.5', polymarket: '0' } }),
      ]).thenHas({ exposure_by_market: { 'kalshi:CPI': '12.5' }, exposure_by_venue: { kalshi: '12.5' } });
      const { state } = given(riskState, [guardian({ positions: { 'kalshi:CPI': '12.50', 'polymarket:eth': '0.00' } })]);
      expect(state.exposure_by_market).toEqual({ 'kalshi:CPI': '12.5' });
    });

    it('a settlement after a snapshot builds on the snapshot', () => {
      given(riskState, [guardian({ current_value: '1000', high_water_mark: '1000', daily_pnl: '0' }), settled('kalshi:CPI', '-100')]).thenHas({
        current_value: '900',
        high_water_mark: '1000',
        drawdown: '100',
        drawdown_pct: '0.1',
        daily_pnl: '-100',
      });
    });
  });
});

describe('risk.state: identity and limits', () => {
  it('given a halt, when the same halt comes again, then the state is the same object; another rule or reason replaces it', () => {
    const halt = (rule: string, reason: string) => v1('risk.halted', { rule, reason });
    const s1 = given(riskState, [halt('drawdown_halt', 'x')]).state;
    expect(riskState.evolve(s1, halt('drawdown_halt', 'x'))).toBe(s1);
    expect(riskState.evolve(s1, halt('daily_loss', 'x')).halt_rule).toBe('daily_loss');
    expect(riskState.evolve(s1, halt('drawdown_halt', 'y')).halt_reason).toBe('y');
  });

  it('given MAX_MARKETS markets open, when a new market fills, then the smallest exposure makes room', () => {
    const fills = Array.from({ length: MAX_MARKETS }, (_, i) => executed(`polymarket:m${i}`, i === 100 ? '1' : String(10 + i)));
    const { state } = given(riskState, [...fills, executed('kalshi:new', '5')]);
    expect(Object.keys(state.exposure_by_market)).toHaveLength(MAX_MARKETS);
    expect(state.exposure_by_market['polymarket:m100']).toBeUndefined();
    expect(state.exposure_by_market['kalshi:new']).toBe('5');
    expect(state.exposure_by_market['polymarket:m0']).toBe('10');
  });

  it('given MAX_MARKETS markets open, when a held market fills again, then nothing is evicted', () => {
    const fills = Array.from({ length: MAX_MARKETS }, (_, i) => executed(`polymarket:m${i}`, String(10 + i)));
    const { state } = given(riskState, [...fills, executed('polymarket:m0', '1')]);
    expect(Object.keys(state.exposure_by_market)).toHaveLength(MAX_MARKETS);
    expect(state.exposure_by_market['polymarket:m0']).toBe('11');
  });

  it('given a snapshot with more than MAX_MARKETS positions, then the first MAX_MARKETS non-zero ones are held', () => {
    const positions = Object.fromEntries(Array.from({ length: MAX_MARKETS + 5 }, (_, i) => [`kalshi:m${i}`, i === 0 ? '0' : '1']));
    const { state } = given(riskState, [guardian({ positions })]);
    expect(Object.keys(state.exposure_by_market)).toEqual(Array.from({ length: MAX_MARKETS }, (_, i) => `kalshi:m${i + 1}`));
  });

  it('given a partial fill, then it opens exposure; a zero amount or a cancelled trade does not', () => {
    given(riskState, [executed('kalshi:a', '3', 'partial'), executed('kalshi:b', '0'), executed('kalshi:c', '4', 'cancelled'), executed('kalshi:d', '4', 'pending')]).thenHas({
      exposure_by_market: { 'kalshi:a': '3' },
      exposure_by_venue: { kalshi: '3' },
    });
  });

  it('given a snapshot that changes nothing drawn from it, then the drawdown stays the same strings', () => {
    const s1 = given(riskState, [guardian({ current_value: '900', high_water_mark: '1000' })]).state;
    const s2 = riskState.evolve(s1, guardian({ current_value: '900', high_water_mark: '1000' }));
    expect(s2).toStrictEqual(s1);
    expect([s2.drawdown, s2.drawdown_pct]).toEqual(['100', '0.1']);
  });

  it('given a value above the high-water mark in a snapshot, then the drawdown is zero, never negative', () => {
    given(riskState, [guardian({ current_value: '1200', high_water_mark: '1000' })]).thenHas({ drawdown: '0', drawdown_pct: '0' });
  });

  it('given a loss settled before any value is known, then value and high-water mark stay unknown', () => {
    given(riskState, [settled('kalshi:x', '-5')]).thenHas({ current_value: null, high_water_mark: null, drawdown: null, drawdown_pct: null, daily_pnl: '-5' });
  });

  it('given a win settled on a known value, then the high-water mark rises with it', () => {
    given(riskState, [guardian({ current_value: '1000', high_water_mark: '1000' }), settled('kalshi:x', '50')]).thenHas({
      current_value: '1050',
      high_water_mark: '1050',
      drawdown: '0',
    });
  });

  it('given an approval named with a rule, then only the approval count moves', () => {
    given(riskState, [decided(true, 'position_limit')]).thenHas({ decisions: { approved: 1, rejected: 0, rejections_by_rule: {} } });
  });

  it('given a rejection without a rule, then it counts under "unknown"', () => {
    given(riskState, [decided(false, null)]).thenHas({ decisions: { approved: 0, rejected: 1, rejections_by_rule: { unknown: 1 } } });
  });
});

describe('risk.state: simulated time, rule table, eviction order and releases', () => {
  const at = (minute: number) => `2026-01-01T22:0${minute}:00.000Z`;
  const stamped = <K extends EventTag>(event: EventOf<K>, asOf: string): EventOf<K> => ({ ...event, meta: { ...event.meta, asOf } });

  it('given a state stamped with a simulated time, when an event changing nothing carries the same time, then the state is the same object', () => {
    const halt = v1('risk.halted', { rule: 'drawdown_halt', reason: 'x' });
    const s1 = given(riskState, [stamped(halt, at(1))]).state;
    expect(s1.as_of).toBe(at(1));
    expect(riskState.evolve(s1, stamped(halt, at(1)))).toBe(s1);
  });

  it('given a state stamped with a simulated time, when an event changing nothing carries a later one, then only as_of moves', () => {
    const halt = v1('risk.halted', { rule: 'drawdown_halt', reason: 'x' });
    const s1 = given(riskState, [stamped(halt, at(1))]).state;
    expect(riskState.evolve(s1, stamped(halt, at(2)))).toStrictEqual({ ...s1, as_of: at(2) });
  });

  it('given the rule table full, when a rule already held rejects again, then its own count moves and _other does not', () => {
    const rules = Array.from({ length: MAX_RULES + 1 }, (_, i) => decided(false, `rule-${i}`));
    const { state } = given(riskState, [...rules, decided(false, 'rule-3')]);
    expect(state.decisions.rejections_by_rule['rule-3']).toBe(2);
    expect(state.decisions.rejections_by_rule._other).toBe(2);
    expect(Object.keys(state.decisions.rejections_by_rule)).toHaveLength(MAX_RULES);
  });

  it('given MAX_MARKETS markets open, two of them tied for the smallest, when a new market fills, then the first opened of the two makes room', () => {
    const fills = Array.from({ length: MAX_MARKETS }, (_, i) => executed(`polymarket:m${i}`, i === 7 || i === 9 ? '1' : String(10 + i)));
    const { state } = given(riskState, [...fills, executed('kalshi:new', '5')]);
    expect(state.exposure_by_market['polymarket:m7']).toBeUndefined();
    expect(state.exposure_by_market['polymarket:m9']).toBe('1');
    expect(Object.keys(state.exposure_by_market)).toHaveLength(MAX_MARKETS);
  });

  const release = (market: string, pnl: string, released_exposure: string) =>
    v1('trade.settled', { trade_id: 'paper-x', strategy: 'oracle-sniper', market_id: market, won: true, pnl, settled_at: '2026-01-31T13:00:00Z', released_exposure });

  it('given a settlement releasing exactly what a market holds, then the market and its share of the venue are gone', () => {
    given(riskState, [executed('kalshi:a', '30'), executed('kalshi:b', '10'), release('kalshi:a', '0', '30.00')]).thenHas({
      exposure_by_market: { 'kalshi:b': '10' },
      exposure_by_venue: { kalshi: '10' },
    });
  });

  it('given a settlement releasing more than a market holds, then it releases what is held, no more', () => {
    given(riskState, [executed('kalshi:a', '30'), executed('kalshi:b', '10'), release('kalshi:a', '0', '50')]).thenHas({
      exposure_by_market: { 'kalshi:b': '10' },
      exposure_by_venue: { kalshi: '10' },
    });
  });

  it('given a settlement releasing part of a market, then the market and its venue keep the rest', () => {
    given(riskState, [executed('kalshi:a', '30'), executed('kalshi:b', '10'), release('kalshi:a', '0', '12.4')]).thenHas({
      exposure_by_market: { 'kalshi:a': '17.6', 'kalshi:b': '10' },
      exposure_by_venue: { kalshi: '27.6' },
    });
  });

  it('given a settlement naming released exposure on a market not held, then exposure is untouched and the P&L is booked', () => {
    given(riskState, [executed('kalshi:a', '30'), release('kalshi:zzz', '2', '5')]).thenHas({
      exposure_by_market: { 'kalshi:a': '30' },
      exposure_by_venue: { kalshi: '30' },
      daily_pnl: '2',
    });
  });

  it('given a market held on a venue a snapshot no longer lists, when the market settles, then the market is released and the venues are left as the snapshot said', () => {
    given(riskState, [executed('kalshi:a', '30'), guardian({ platform_exposure: { polymarket: '5' } }), settled('kalshi:a', '1')]).thenHas({
      exposure_by_market: {},
      exposure_by_venue: { polymarket: '5' },
      daily_pnl: '101',
    });
  });

  it('given a value equal to its high-water mark, then the drawdown is zero', () => {
    given(riskState, [guardian({ current_value: '1000', high_water_mark: '1000.0', marked_value: '990', marked_high_water_mark: '990.00' })]).thenHas({
      drawdown: '0', drawdown_pct: '0', marked_drawdown: '0', marked_drawdown_pct: '0',
    });
  });

  it('given a snapshot with a marked value but no marked high-water mark (or the reverse), then the marked drawdown stays unknown', () => {
    given(riskState, [guardian({ marked_value: '990' })]).thenHas({ marked_value: '990', marked_high_water_mark: null, marked_drawdown: null, marked_drawdown_pct: null });
    given(riskState, [guardian({ marked_high_water_mark: '990' })]).thenHas({ marked_value: null, marked_high_water_mark: '990', marked_drawdown: null, marked_drawdown_pct: null });
  });

  it('given marked figures from one snapshot, when the next one omits them, then they and the marked drawdown are kept', () => {
    given(riskState, [guardian({ marked_value: '900', unrealised_pnl: '-200', marked_high_water_mark: '1000' }), guardian({ current_value: '1050' })]).thenHas({
      current_value: '1050', marked_value: '900', unrealised_pnl: '-200', marked_high_water_mark: '1000', marked_drawdown: '100', marked_drawdown_pct: '0.1',
    });
  });
});
