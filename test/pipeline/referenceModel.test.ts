import Big from 'big.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Event } from '../../src/events';
import { ProjectionStates } from '../../src/pipeline';
import { v1 } from '../projections/support';

/**
 * The projections against a reference model written here from the contract, not from the
 * reducers: a random stream of trades, settlements, requests, decisions and opportunities
 * (as the agents publish them) is reduced by the real pipeline, and the totals are recomputed
 * straight from the raw steps with plain arithmetic. A reducer bug shows up as a difference;
 * it cannot cancel out as it would when two modes of the same reducers are compared.
 */
const MARKETS = ['polymarket:btc', 'polymarket:eth', 'kalshi:cpi', 'kalshi:fed'] as const;
const STRATEGIES = ['oracle-sniper', 'momentum', 'arbitrage'] as const;
const RULES = ['position_limit', 'minimum_profit', 'drawdown_halt'] as const;
const TYPES = ['oracle_lag', 'cross_platform', 'temporal', 'mispricing'] as const;
const STATUSES = ['filled', 'partial', 'failed', 'cancelled'] as const;

type Step =
  | { readonly kind: 'execute'; readonly market: number; readonly strategy: number; readonly cents: number; readonly status: number; readonly minute: number }
  | { readonly kind: 'settle'; readonly market: number; readonly strategy: number; readonly cents: number; readonly won: boolean }
  | { readonly kind: 'request'; readonly strategy: number }
  | { readonly kind: 'decide'; readonly strategy: number; readonly approved: boolean; readonly rule: number }
  | { readonly kind: 'opportunity'; readonly type: number };

// Executions weigh most, so that the 50-trade window fills and then sees older trades arrive.
const arbStep: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('execute' as const), market: fc.nat(3), strategy: fc.nat(2), cents: fc.integer({ min: 1, max: 100_000 }), status: fc.nat(3), minute: fc.nat(90) }),
  },
  fc.record({ kind: fc.constant('settle' as const), market: fc.nat(3), strategy: fc.nat(2), cents: fc.integer({ min: -50_000, max: 50_000 }), won: fc.boolean() }),
  fc.record({ kind: fc.constant('request' as const), strategy: fc.nat(2) }),
  fc.record({ kind: fc.constant('decide' as const), strategy: fc.nat(2), approved: fc.boolean(), rule: fc.nat(2) }),
  fc.record({ kind: fc.constant('opportunity' as const), type: fc.nat(3) }),
);

const money = (cents: number): string => (cents / 100).toFixed(2);
const at = (minute: number): string => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

/** The steps as the agents publish them: every execution a new trade, settlements naming the market's latest trade. */
function events(steps: readonly Step[]): Event[] {
  const latestTrade = new Map<number, string>();
  return steps.map((step, i): Event => {
    switch (step.kind) {
      case 'execute': {
        const market = MARKETS[step.market] as string;
        latestTrade.set(step.market, `trade-${i}`);
        return v1(
          'trade.executed',
          {
            id: `trade-${i}`,
            request_id: `req-${i}`,
            strategy: STRATEGIES[step.strategy],
            market_id: market,
            venue: market.split(':')[0],
            side: 'buy',
            outcome: 'YES',
            amount: money(step.cents),
            price: '0.5',
            fees: '0.01',
            status: STATUSES[step.status],
            executed_at: at(step.minute),
            paper_trade: true,
          },
          { agent: 'executor', run: 'model' },
        );
      }
      case 'settle':
        return v1(
          'trade.settled',
          {
            trade_id: latestTrade.get(step.market) ?? 'never-executed',
            strategy: STRATEGIES[step.strategy],
            market_id: MARKETS[step.market],
            won: step.won,
            pnl: money(step.cents),
            settled_at: at(100),
          },
          { agent: 'executor', run: 'model' },
        );
      case 'request':
        return v1(
          'trade.requested',
          {
            request_id: `req-${i}`,
            opportunity_id: `opp-${i}`,
            strategy: STRATEGIES[step.strategy],
            market_id: MARKETS[0],
            side: 'buy',
            outcome: 'NO',
            amount: '5',
            max_price: '0.5',
            expected_edge: '0.01',
          },
          { agent: 'scanner', run: 'model' },
        );
      case 'decide':
        return v1(
          'risk.decided',
          {
            request_id: `req-${i}`,
            strategy: STRATEGIES[step.strategy],
            approved: step.approved,
            reason: step.approved ? 'ok' : 'limit',
            rule_triggered: step.approved ? null : RULES[step.rule],
          },
          { agent: 'guardian', run: 'model' },
        );
      case 'opportunity':
        return v1(
          'opportunity.detected',
          {
            id: `opp-${i}`,
            opportunity_type: TYPES[step.type],
            market_id: MARKETS[1],
            oracle_symbol: 'BTC',
            oracle_value: '100000',
            fair_price: '0.6',
            market_price: '0.5',
            expected_edge: '0.1',
            signal_strength: '0.5',
          },
          { agent: 'scanner', run: 'model' },
        );
    }
  });
}

/** Plain notation of an exact amount of cents, as the projections write money. */
const plain = (cents: bigint): string => new Big(cents.toString()).div(100).toFixed();

/** wins / settled, rounded half-up to 6 places; null before any settlement. */
function winRate(wins: number, settled: number): string | null {
  if (settled === 0) return null;
  return new Big(wins).div(settled).round(6, Big.roundHalfUp).toFixed();
}

interface ModelStrategy {
  cents: bigint;
  wins: number;
  losses: number;
  largestWin: bigint | null;
  largestLoss: bigint | null;
  requests: number;
  approvals: number;
  rejections: number;
}

/** Everything recomputed from the raw steps, in integers of cents. */
function model(steps: readonly Step[]) {
  const open = new Map<string, bigint>();
  const strategies = new Map<string, ModelStrategy>();
  const byRule = new Map<string, number>();
  const byType = new Map<string, number>(TYPES.map((t) => [t, 0]));
  const trades: { index: number; minute: number; won: boolean | null; pnl: string | null }[] = [];
  // The window: the 50 newest trades by execution time, the later arrival first on a tie.
  const window = () => [...trades].sort((a, b) => b.minute - a.minute || b.index - a.index).slice(0, 50);
  const latestTrade = new Map<number, string>();
  let daily = 0n;
  let approved = 0;
  let rejected = 0;
  const strategy = (i: number): ModelStrategy => {
    const name = STRATEGIES[i] as string;
    let s = strategies.get(name);
    if (s === undefined) {
      s = { cents: 0n, wins: 0, losses: 0, largestWin: null, largestLoss: null, requests: 0, approvals: 0, rejections: 0 };
      strategies.set(name, s);
    }
    return s;
  };
  steps.forEach((step, i) => {
    switch (step.kind) {
      case 'execute': {
        const market = MARKETS[step.market] as string;
        trades.push({ index: i, minute: step.minute, won: null, pnl: null });
        latestTrade.set(step.market, `trade-${i}`);
        if (step.status <= 1) open.set(market, (open.get(market) ?? 0n) + BigInt(step.cents));
        return;
      }
      case 'settle': {
        const pnl = BigInt(step.cents);
        daily += pnl;
        open.delete(MARKETS[step.market] as string);
        const trade = window().find((t) => `trade-${t.index}` === latestTrade.get(step.market));
        if (trade !== undefined) {
          trade.won = step.won;
          trade.pnl = plain(pnl);
        }
        const s = strategy(step.strategy);
        s.cents += pnl;
        if (step.won) {
          s.wins += 1;
          s.largestWin = s.largestWin === null || pnl > s.largestWin ? pnl : s.largestWin;
        } else {
          s.losses += 1;
          s.largestLoss = s.largestLoss === null || pnl < s.largestLoss ? pnl : s.largestLoss;
        }
        return;
      }
      case 'request':
        strategy(step.strategy).requests += 1;
        return;
      case 'decide': {
        const s = strategy(step.strategy);
        if (step.approved) {
          approved += 1;
          s.approvals += 1;
        } else {
          rejected += 1;
          s.rejections += 1;
          const rule = RULES[step.rule] as string;
          byRule.set(rule, (byRule.get(rule) ?? 0) + 1);
        }
        return;
      }
      case 'opportunity': {
        const type = TYPES[step.type] as string;
        byType.set(type, (byType.get(type) ?? 0) + 1);
        return;
      }
    }
  });
  const byVenue = new Map<string, bigint>();
  for (const [market, cents] of open) byVenue.set(market.split(':')[0] as string, (byVenue.get(market.split(':')[0] as string) ?? 0n) + cents);
  const totals = [...strategies.values()];
  return {
    tradeCount: steps.filter((s) => s.kind === 'execute').length,
    trades: window().map((t) => ({ id: `trade-${t.index}`, won: t.won, pnl: t.pnl })),
    exposureByMarket: Object.fromEntries([...open].map(([k, v]) => [k, plain(v)])),
    exposureByVenue: Object.fromEntries([...byVenue].map(([k, v]) => [k, plain(v)])),
    openExposure: plain([...open.values()].reduce((a, b) => a + b, 0n)),
    daily: plain(daily),
    decisions: { approved, rejected, rejections_by_rule: Object.fromEntries(byRule) },
    opportunitiesSeen: steps.filter((s) => s.kind === 'opportunity').length,
    byType: Object.fromEntries(byType),
    strategies: Object.fromEntries(
      [...strategies].map(([name, s]) => [
        name,
        {
          pnl: plain(s.cents),
          trades: s.wins + s.losses,
          wins: s.wins,
          losses: s.losses,
          win_rate: winRate(s.wins, s.wins + s.losses),
          largest_win: s.largestWin === null ? null : plain(s.largestWin),
          largest_loss: s.largestLoss === null ? null : plain(s.largestLoss),
          allocation_pct: null,
          requests: s.requests,
          approvals: s.approvals,
          rejections: s.rejections,
        },
      ]),
    ),
    wins: totals.reduce((n, s) => n + s.wins, 0),
    losses: totals.reduce((n, s) => n + s.losses, 0),
  };
}

describe('projections against a reference model recomputed from the raw events', () => {
  it.each([{ inPlace: true as const }, {}])('given any stream of trades, settlements and decisions (%o), then every total is the model\'s', (options) => {
    fc.assert(
      fc.property(fc.array(arbStep, { minLength: 1, maxLength: 150, size: 'max' }), (steps) => {
        const states = new ProjectionStates(options);
        for (const event of events(steps)) states.apply(event);
        const expected = model(steps);
        const trades = states.state('trade.results');
        expect(trades.trade_count).toBe(expected.tradeCount);
        expect(trades.trades.map((t) => ({ id: t.id, won: t.won, pnl: t.pnl }))).toEqual(expected.trades);
        const risk = states.state('risk.state');
        expect(risk.exposure_by_market).toStrictEqual(expected.exposureByMarket);
        expect(risk.exposure_by_venue).toStrictEqual(expected.exposureByVenue);
        expect(risk.daily_pnl).toBe(expected.daily);
        expect(risk.decisions).toStrictEqual(expected.decisions);
        expect(risk.current_value).toBeNull();
        const performance = states.state('strategy.performance');
        expect(performance.opportunities_seen).toBe(expected.opportunitiesSeen);
        expect(performance.opportunities_by_type).toStrictEqual(expected.byType);
        expect(performance.strategies).toStrictEqual(expected.strategies);
        const summary = states.state('portfolio.summary');
        expect(summary).toMatchObject({ trade_count: expected.tradeCount, wins: expected.wins, losses: expected.losses, open_exposure: expected.openExposure });
        expect(summary.win_rate).toBe(winRate(expected.wins, expected.wins + expected.losses));
      }),
      { numRuns: 60, interruptAfterTimeLimit: 5_000 },
    );
  });

  it('given a hand-computed stream, then the model and the projections agree with the numbers worked out by hand', () => {
    const steps: Step[] = [
      { kind: 'execute', market: 0, strategy: 0, cents: 2500, status: 0, minute: 1 },
      { kind: 'execute', market: 1, strategy: 1, cents: 1050, status: 1, minute: 2 },
      { kind: 'execute', market: 2, strategy: 1, cents: 700, status: 2, minute: 3 },
      { kind: 'settle', market: 0, strategy: 0, cents: 1530, won: true },
      { kind: 'settle', market: 3, strategy: 1, cents: -400, won: false },
      { kind: 'decide', strategy: 2, approved: false, rule: 0 },
    ];
    const states = new ProjectionStates();
    for (const event of events(steps)) states.apply(event);
    const expected = model(steps);
    // By hand: btc 25 opened then released; eth 10.50 open; the cpi fill failed; P&L 15.30 − 4.
    expect(expected).toMatchObject({ exposureByMarket: { 'polymarket:eth': '10.5' }, exposureByVenue: { polymarket: '10.5' }, daily: '11.3', openExposure: '10.5' });
    expect(states.state('risk.state').exposure_by_venue).toStrictEqual({ polymarket: '10.5' });
    expect(states.state('risk.state').daily_pnl).toBe('11.3');
    expect(states.state('strategy.performance').strategies.momentum).toMatchObject({ pnl: '-4', losses: 1, largest_loss: '-4', win_rate: '0' });
    expect(states.state('portfolio.summary').win_rate).toBe('0.5');
  });
});
