import { describe, expect, it } from 'vitest';
import { MAX_RULES, riskState } from '../../src/projections';
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
