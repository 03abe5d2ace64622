/**
 * Stand-in arbitraries for valid decoded events, until the shared ones in test/events land.
 * Small pools of ids, strategies and markets so that events collide on the same keys.
 */
import fc from 'fast-check';
import { CATALOG, type Event, type EventMeta, type EventTag } from '../../src/events';

const STRATEGIES = ['oracle-sniper', 'momentum', 'constructor'];
const MARKETS = ['polymarket:btc-100k', 'polymarket:eth-5k', 'kalshi:FED-25DEC', 'kalshi:CPI-JAN'];
const AGENTS = ['capital-allocator', 'risk-guardian', 'paper-executor'];
const RUNS = ['3f9a', 'b71c'];

/** A decimal in any notation the wire accepts (`25.00`, `+7`, `2.5E+1`), within ±max. */
const arbDecimal = (min: number, max: number) =>
  fc.tuple(fc.integer({ min: min * 100, max: max * 100 }), fc.nat(3)).map(([cents, style]) => {
    const plain = (cents / 100).toFixed(2);
    switch (style) {
      case 0:
        return plain;
      case 1:
        return cents >= 0 ? `+${plain}` : plain;
      case 2:
        return `${cents}E-2`;
      default:
        return String(cents / 100);
    }
  });
const arbAmount = (max: number) => arbDecimal(0, max);
const arbFraction = fc.integer({ min: 0, max: 100 }).map((n) => (n === 100 ? '1.0' : `0.${String(n).padStart(2, '0')}`));
const arbTime = fc.integer({ min: 0, max: 86_400 * 30 }).map((s) => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString());
const arbStrategy = fc.constantFrom(...STRATEGIES);
/** Map keys: the codecs reject Object.prototype names there. */
const arbSafeStrategy = fc.constantFrom(...STRATEGIES.filter((s) => s !== 'constructor'));
const NO_NULL_PROTO = { noNullPrototype: true } as const;
const arbMarket = fc.constantFrom(...MARKETS);
/** Mostly from a small pool (so events collide), sometimes from a large one (so bounded lists fill up). */
const arbId = (prefix: string) =>
  fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 500 })).map((n) => `${prefix}-${n}`);
const arbCount = fc.nat({ max: 1000 });

const tradeFields = {
  id: arbId('paper'),
  request_id: arbId('req'),
  market_id: arbMarket,
  venue: fc.constantFrom('polymarket', 'kalshi'),
  side: fc.constantFrom('buy', 'sell'),
  outcome: fc.constantFrom('YES', 'NO'),
  amount: arbAmount(500),
  price: arbFraction,
  fees: arbAmount(5),
  status: fc.constantFrom('filled', 'filled', 'partial', 'failed', 'pending'),
  executed_at: arbTime,
};

/** A valid payload for each tag. */
export const arbData: { readonly [K in EventTag]: fc.Arbitrary<unknown> } = {
  'allocator.snapshot': fc.record({
    total_capital: arbAmount(10_000),
    strategies: fc.dictionary(
      arbSafeStrategy,
      fc.record(
        {
          total_pnl: arbDecimal(-500, 500),
          trades: arbCount,
          wins: arbCount,
          losses: arbCount,
          allocation_pct: arbFraction,
          largest_win: arbAmount(100),
          largest_loss: arbDecimal(-100, 0),
        },
        { requiredKeys: ['total_pnl', 'trades', 'wins', 'losses', 'allocation_pct'] },
      ),
      { maxKeys: 3, ...NO_NULL_PROTO },
    ),
  }),
  'agent.heartbeat': fc.record(
    {
      role: fc.constantFrom('executor', 'guardian'),
      status: fc.constantFrom('starting', 'running', 'halted', 'stopped', 'error'),
      processed: arbCount,
      interval_ms: fc.constantFrom(500, 1000),
      detail: fc.string({ maxLength: 8 }),
    },
    { requiredKeys: ['role', 'status', 'processed', 'interval_ms'] },
  ),
  'allocation.updated': fc.record({ strategy: arbStrategy, allocation_pct: arbFraction, total_capital: arbAmount(10_000) }),
  'opportunity.detected': fc.record({
    id: arbId('opp'),
    opportunity_type: fc.constantFrom('oracle_lag', 'cross_platform', 'temporal', 'mispricing'),
    market_id: arbMarket,
    oracle_symbol: fc.constant('BTC'),
    oracle_value: arbAmount(100_000),
    fair_price: arbFraction,
    market_price: arbFraction,
    expected_edge: arbDecimal(-1, 1),
    signal_strength: arbFraction,
  }),
  'trade.requested': fc.record({
    request_id: arbId('req'),
    opportunity_id: arbId('opp'),
    strategy: arbStrategy,
    market_id: arbMarket,
    side: fc.constantFrom('buy', 'sell'),
    outcome: fc.constantFrom('YES', 'NO'),
    amount: arbAmount(500),
    max_price: arbFraction,
    expected_edge: arbDecimal(-1, 1),
  }),
  'risk.decided': fc.boolean().chain((approved) =>
    fc.record({
      request_id: arbId('req'),
      strategy: arbStrategy,
      approved: fc.constant(approved),
      reason: fc.constant(approved ? 'ok' : 'limit'),
      rule_triggered: approved ? fc.constant(null) : fc.constantFrom('position_limit', 'minimum_profit', '__proto__', 'a/b~c'),
    }),
  ),
  'risk.halted': fc.record({ rule: fc.constantFrom('drawdown_halt', 'system_halt'), reason: fc.constantFrom('x', 'y') }),
  'guardian.snapshot': fc.record(
    {
      current_value: arbAmount(2000),
      high_water_mark: arbAmount(2000),
      daily_pnl: arbDecimal(-100, 100),
      halted: fc.boolean(),
      initial_bankroll: arbAmount(2000),
      positions: fc.dictionary(arbMarket, arbAmount(50), { maxKeys: 3, ...NO_NULL_PROTO }),
      platform_exposure: fc.record({ polymarket: arbAmount(100), kalshi: arbAmount(100) }),
    },
    { requiredKeys: ['current_value', 'high_water_mark', 'daily_pnl', 'halted'] },
  ),
  'trade.executed': fc.record({ ...tradeFields, strategy: arbStrategy, paper_trade: fc.boolean() }),
  'trade.settled': fc.record({
    trade_id: arbId('paper'),
    strategy: arbStrategy,
    market_id: arbMarket,
    won: fc.boolean(),
    pnl: arbDecimal(-50, 50),
    settled_at: arbTime,
  }),
  'executor.snapshot': fc
    .uniqueArray(fc.record({ ...tradeFields, strategy: arbStrategy, paper_trade: fc.boolean() }, { requiredKeys: Object.keys(tradeFields) as (keyof typeof tradeFields)[] }), {
      maxLength: 10,
      selector: (t) => t.id,
    })
    .chain((recent) => fc.record({ trade_count: fc.integer({ min: recent.length, max: recent.length + 50 }), recent_trades: fc.constant(recent) })),
};

const arbMetaV1: fc.Arbitrary<EventMeta> = fc
  .record({ agent: fc.constantFrom(...AGENTS), run: fc.constantFrom(...RUNS), seq: fc.integer({ min: 1, max: 40 }), ts: arbTime })
  .map(({ agent, run, seq, ts }) => ({ agent, id: `${agent}:${run}:${seq}`, run, seq, ts }));
const arbMetaLegacy: fc.Arbitrary<EventMeta> = fc.constantFrom(...AGENTS).map((agent) => ({ agent, id: null, run: null, seq: null, ts: null }));

/** A decoded event of the given tag (v1 or legacy envelope). */
export function arbEventOf(tag: EventTag): fc.Arbitrary<Event> {
  return fc
    .tuple(fc.oneof({ arbitrary: arbMetaV1, weight: 4 }, { arbitrary: arbMetaLegacy, weight: 1 }), arbData[tag])
    .map(([meta, data]) => ({ type: tag, channel: CATALOG[tag].channel, meta, data }) as Event);
}

/** A decoded event of any tag. */
export const arbEvent: fc.Arbitrary<Event> = fc.constantFrom(...(Object.keys(CATALOG) as EventTag[])).chain(arbEventOf);
