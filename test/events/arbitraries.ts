/**
 * fast-check arbitraries for VALID events of every catalog tag, shared by property tests.
 * Values are realistic on purpose: small pools of strategies, markets, agents and trade ids
 * so that generated events collide on the same keys, amounts in sensible ranges, fractions in 0..1.
 * Decimal strings come in every accepted notation (`25.00`, `-3.5`, `+7`, `1E+2`, `0E-8`, `6.2E-1`):
 * reducers must parse them with `toBig` (big.js rejects the leading `+`) and compare numerically.
 */
import fc from 'fast-check';
import { CATALOG, type Event, type EventMeta, type EventOf, type EventTag } from '../../src/events/event';
import type { OutgoingEvent } from '../../src/events/encode';
import type { Decimal, Fraction } from '../../src/events/decimal';
import type {
  AgentStatus,
  Count,
  MarketId,
  NonEmptyString,
  OpportunityType,
  Outcome,
  Side,
  Timestamp,
  TradeStatus,
  Venue,
} from '../../src/events/primitives';
import type { TradeRecord } from '../../src/events/tradeResults';

/** Strategy names the generators draw from (small, so events collide). */
export const STRATEGIES = ['oracle-sniper', 'cross-arb', 'temporal-drift', 'mispricing-hunter'] as const;
/** Market ids the generators draw from. */
export const MARKET_IDS = [
  'polymarket:btc-100k',
  'polymarket:eth-5k',
  'polymarket:election-2028',
  'kalshi:FED-25DEC',
  'kalshi:CPI-JAN',
] as const;
/** Agent names the generators draw from. */
export const AGENTS = [
  'capital-allocator',
  'risk-guardian',
  'paper-executor',
  'strategy-oracle-sniper',
  'opportunity-scanner',
] as const;
/** Agent run ids the generators draw from. */
export const RUNS = ['3f9a', 'b71c', 'run-2'] as const;
/** Every catalog tag. */
export const TAGS = Object.keys(CATALOG) as EventTag[];

const NO_NULL_PROTO = { noNullPrototype: true } as const;

// ---------------------------------------------------------------------------------------------
// Decimal strings

/** Writes `unscaled × 10^-scale` in one of the notations the wire accepts (Python's included). */
function renderDecimal(unscaled: bigint, scale: number, notation: number, plus: boolean): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  const sign = negative ? '-' : plus ? '+' : '';
  switch (notation % 3) {
    case 0: {
      // Plain, keeping trailing zeros: `25.00`, `0.062`.
      if (scale === 0) return sign + digits;
      const padded = digits.padStart(scale + 1, '0');
      return `${sign}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
    }
    case 1:
      // Coefficient and exponent: `2500E-2`, `0E-8`, `7E+0`.
      return `${sign}${digits}E${-scale >= 0 ? '+' : ''}${-scale}`;
    default: {
      // Scientific, one digit before the point: `2.500E+1`, `6.2e-1`.
      const exponent = digits.length - 1 - scale;
      const mantissa = digits.length > 1 ? `${digits[0] ?? ''}.${digits.slice(1)}` : digits;
      const e = notation % 2 === 0 ? 'E' : 'e';
      return `${sign}${mantissa}${e}${exponent >= 0 ? '+' : ''}${exponent}`;
    }
  }
}

/** Bounds for `arbDecimal`: the value lies in [min, max] (whole units) with at most `maxScale` decimals. */
export interface DecimalConstraints {
  readonly min?: number;
  readonly max?: number;
  readonly maxScale?: number;
}

/** A valid decimal string in any accepted notation, by default within ±10,000,000 with up to 8 decimals. */
export function arbDecimal(constraints: DecimalConstraints = {}): fc.Arbitrary<Decimal> {
  const { min = -10_000_000, max = 10_000_000, maxScale = 8 } = constraints;
  const generated = fc
    .integer({ min: 0, max: maxScale })
    .chain((scale) =>
      fc.tuple(
        fc.constant(scale),
        fc.bigInt({ min: BigInt(min) * 10n ** BigInt(scale), max: BigInt(max) * 10n ** BigInt(scale) }),
        fc.nat(5),
        fc.boolean(),
      ),
    )
    .map(([scale, unscaled, notation, plus]) => renderDecimal(unscaled, scale, notation, plus));
  const edges = ['0', '0E-8', '1E+2', '-0', '0.00', '+1'].filter((s) => Number(s) >= min && Number(s) <= max);
  return fc.oneof({ arbitrary: generated, weight: 9 }, { arbitrary: fc.constantFrom(...edges), weight: 1 }) as fc.Arbitrary<Decimal>;
}

/** A non-negative amount of money, 0..`max` with cents or finer. */
export function arbAmount(max = 1_000): fc.Arbitrary<Decimal> {
  return arbDecimal({ min: 0, max, maxScale: 4 });
}

/** A signed P&L figure, ±`max`. */
export function arbPnl(max = 1_000): fc.Arbitrary<Decimal> {
  return arbDecimal({ min: -max, max, maxScale: 4 });
}

/** A valid decimal string within 0..1 (prices, `*_pct`), in any accepted notation. */
export function arbFraction(): fc.Arbitrary<Fraction> {
  const generated = fc
    .integer({ min: 0, max: 6 })
    .chain((scale) => fc.tuple(fc.constant(scale), fc.bigInt({ min: 0n, max: 10n ** BigInt(scale) }), fc.nat(5), fc.boolean()))
    .map(([scale, unscaled, notation, plus]) => renderDecimal(unscaled, scale, notation, plus));
  const edges = ['0', '1', '1.0', '0E-8', '0.62', '6.2E-1', '+0.5', '1E+0'];
  return fc.oneof({ arbitrary: generated, weight: 9 }, { arbitrary: fc.constantFrom(...edges), weight: 1 }) as fc.Arbitrary<Fraction>;
}

// ---------------------------------------------------------------------------------------------
// Primitives

/** A market id from the shared pool. */
export const arbMarketId = fc.constantFrom(...MARKET_IDS) as fc.Arbitrary<MarketId>;
/** A strategy name from the shared pool. */
export const arbStrategy = fc.constantFrom(...STRATEGIES) as fc.Arbitrary<NonEmptyString>;
/** An agent name from the shared pool. */
export const arbAgent = fc.constantFrom(...AGENTS);
/** An agent run id from the shared pool. */
export const arbRun = fc.constantFrom(...RUNS);
/** A per-run sequence number. */
export const arbSeq = fc.integer({ min: 1, max: 1_000_000 });
/** A trade id from a small pool (`paper-0001` ...), so executions, snapshots and settlements collide. */
export const arbTradeId = fc.integer({ min: 1, max: 20 }).map((n) => `paper-${String(n).padStart(4, '0')}` as NonEmptyString);
/** A trade request id from a small pool. */
export const arbRequestId = fc.integer({ min: 1, max: 20 }).map((n) => `req-${String(n).padStart(4, '0')}` as NonEmptyString);
/** An opportunity id from a small pool. */
export const arbOpportunityId = fc.integer({ min: 1, max: 20 }).map((n) => `opp-${String(n).padStart(4, '0')}` as NonEmptyString);
/** A count: trades, wins, events processed. */
export const arbCount = fc.nat({ max: 10_000 }) as fc.Arbitrary<Count>;
/** `buy` or `sell`. */
export const arbSide = fc.constantFrom<Side>('buy', 'sell');
/** `YES` or `NO`. */
export const arbOutcome = fc.constantFrom<Outcome>('YES', 'NO');
/** A venue. */
export const arbVenue = fc.constantFrom<Venue>('polymarket', 'kalshi');
/** A trade status. */
export const arbTradeStatus = fc.constantFrom<TradeStatus>(
  'pending',
  'approved',
  'rejected',
  'submitted',
  'filled',
  'partial',
  'cancelled',
  'failed',
);

/** A moment in 2026 as an ISO-8601 string: JavaScript's `…123Z` or Python's `…+00:00` (with or without microseconds). */
export const arbTimestamp: fc.Arbitrary<Timestamp> = fc
  .tuple(
    fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2026-12-31T23:59:59Z'), noInvalidDate: true }),
    fc.constantFrom('js', 'python', 'python-micro'),
    fc.nat(999),
  )
  .map(([date, style, micros]) => {
    const iso = date.toISOString();
    if (style === 'js') return iso;
    const seconds = iso.slice(0, 19);
    return style === 'python' ? `${seconds}+00:00` : `${seconds}.${iso.slice(20, 23)}${String(micros).padStart(3, '0')}+00:00`;
  }) as fc.Arbitrary<Timestamp>;

// ---------------------------------------------------------------------------------------------
// Payloads, one per catalog tag

type Data<K extends EventTag> = EventOf<K>['data'];

const arbStrategyFigures = fc.record(
  {
    total_pnl: arbPnl(5_000),
    trades: arbCount,
    wins: arbCount,
    losses: arbCount,
    allocation_pct: arbFraction(),
    largest_win: arbAmount(500),
    largest_loss: arbPnl(500),
  },
  { requiredKeys: ['total_pnl', 'trades', 'wins', 'losses', 'allocation_pct'], ...NO_NULL_PROTO },
);

const arbTradeFields = {
  id: arbTradeId,
  request_id: arbRequestId,
  market_id: arbMarketId,
  venue: arbVenue,
  side: arbSide,
  outcome: arbOutcome,
  amount: arbAmount(500),
  price: arbFraction(),
  fees: arbAmount(5),
  status: arbTradeStatus,
  executed_at: arbTimestamp,
};

/** One `recent_trades` item; legacy items have no `strategy` or `paper_trade`. */
export const arbTradeRecord: fc.Arbitrary<TradeRecord> = fc.record(
  { ...arbTradeFields, strategy: arbStrategy, paper_trade: fc.boolean() },
  { requiredKeys: Object.keys(arbTradeFields) as (keyof typeof arbTradeFields)[], ...NO_NULL_PROTO },
);

/** A valid payload for each catalog tag. */
export const arbData: { readonly [K in EventTag]: fc.Arbitrary<Data<K>> } = {
  'allocator.snapshot': fc.record(
    {
      total_capital: arbAmount(100_000),
      strategies: fc.dictionary(arbStrategy, arbStrategyFigures, { maxKeys: STRATEGIES.length, ...NO_NULL_PROTO }),
    },
    NO_NULL_PROTO,
  ),
  'agent.heartbeat': fc.record(
    {
      role: fc.constantFrom('allocator', 'guardian', 'executor', 'strategy', 'scanner') as fc.Arbitrary<NonEmptyString>,
      status: fc.constantFrom<AgentStatus>('starting', 'running', 'halted', 'stopped', 'error'),
      processed: arbCount,
      interval_ms: fc.constantFrom(500, 1_000, 5_000) as fc.Arbitrary<Count>,
      detail: fc.string({ maxLength: 40 }),
    },
    { requiredKeys: ['role', 'status', 'processed', 'interval_ms'], ...NO_NULL_PROTO },
  ),
  'allocation.updated': fc.record(
    { strategy: arbStrategy, allocation_pct: arbFraction(), total_capital: arbAmount(100_000) },
    NO_NULL_PROTO,
  ),
  'opportunity.detected': fc.record(
    {
      id: arbOpportunityId,
      opportunity_type: fc.constantFrom<OpportunityType>('oracle_lag', 'cross_platform', 'temporal', 'mispricing'),
      market_id: arbMarketId,
      oracle_symbol: fc.constantFrom('BTC-USD', 'ETH-USD', 'FEDFUNDS') as fc.Arbitrary<NonEmptyString>,
      oracle_value: arbAmount(150_000),
      fair_price: arbFraction(),
      market_price: arbFraction(),
      expected_edge: arbDecimal({ min: -1, max: 1, maxScale: 6 }),
      signal_strength: arbFraction(),
    },
    NO_NULL_PROTO,
  ),
  'trade.requested': fc.record(
    {
      request_id: arbRequestId,
      opportunity_id: arbOpportunityId,
      strategy: arbStrategy,
      market_id: arbMarketId,
      side: arbSide,
      outcome: arbOutcome,
      amount: arbAmount(500),
      max_price: arbFraction(),
      expected_edge: arbDecimal({ min: -1, max: 1, maxScale: 6 }),
    },
    NO_NULL_PROTO,
  ),
  'risk.decided': fc.oneof(
    fc.record(
      {
        request_id: arbRequestId,
        strategy: arbStrategy,
        approved: fc.constant(true),
        reason: fc.constant('within limits'),
        rule_triggered: fc.constant(null),
      },
      NO_NULL_PROTO,
    ),
    fc.record(
      {
        request_id: arbRequestId,
        strategy: arbStrategy,
        approved: fc.constant(false),
        reason: fc.constantFrom('position limit exceeded', 'daily loss limit', 'drawdown'),
        rule_triggered: fc.constantFrom('max_position', 'daily_loss', 'max_drawdown') as fc.Arbitrary<NonEmptyString>,
      },
      NO_NULL_PROTO,
    ),
  ),
  'risk.halted': fc.record(
    {
      rule: fc.constantFrom('daily_loss', 'max_drawdown') as fc.Arbitrary<NonEmptyString>,
      reason: fc.constantFrom('daily loss limit reached', 'drawdown over 20%'),
    },
    NO_NULL_PROTO,
  ),
  'guardian.snapshot': fc.record(
    {
      current_value: arbAmount(100_000),
      high_water_mark: arbAmount(100_000),
      daily_pnl: arbPnl(5_000),
      halted: fc.boolean(),
      initial_bankroll: arbAmount(100_000),
      positions: fc.dictionary(arbMarketId, arbAmount(500), { maxKeys: MARKET_IDS.length, ...NO_NULL_PROTO }),
      platform_exposure: fc.dictionary(arbVenue, arbAmount(5_000), { maxKeys: 2, ...NO_NULL_PROTO }),
    },
    { requiredKeys: ['current_value', 'high_water_mark', 'daily_pnl', 'halted'], ...NO_NULL_PROTO },
  ),
  'trade.executed': fc.record(
    { ...arbTradeFields, strategy: arbStrategy, paper_trade: fc.boolean() },
    NO_NULL_PROTO,
  ),
  'trade.settled': fc.record(
    {
      trade_id: arbTradeId,
      strategy: arbStrategy,
      market_id: arbMarketId,
      won: fc.boolean(),
      pnl: arbPnl(500),
      settled_at: arbTimestamp,
    },
    NO_NULL_PROTO,
  ),
  'executor.snapshot': fc
    .uniqueArray(arbTradeRecord, { maxLength: 10, selector: (trade) => trade.id })
    .chain((recent) =>
      fc.record(
        {
          trade_count: fc.integer({ min: recent.length, max: recent.length + 500 }) as fc.Arbitrary<Count>,
          recent_trades: fc.constant(recent),
        },
        NO_NULL_PROTO,
      ),
    ),
};

// ---------------------------------------------------------------------------------------------
// Events

/** The tag of a catalog row, drawn uniformly. */
export const arbTag = fc.constantFrom(...TAGS);

/** An `OutgoingEvent` (what an agent hands to `encodeEvent`) of the given tag. */
export function arbOutgoingEventOf<K extends EventTag>(tag: K): fc.Arbitrary<OutgoingEvent<K>> {
  return fc.record(
    { type: fc.constant(tag), agent: arbAgent, run: arbRun, seq: arbSeq, ts: arbTimestamp, data: arbData[tag] as fc.Arbitrary<Event['data']> },
    NO_NULL_PROTO,
  );
}

/** An `OutgoingEvent` of any tag. */
export const arbOutgoingEvent: fc.Arbitrary<OutgoingEvent> = arbTag.chain((tag) => arbOutgoingEventOf(tag));

/** Envelope fields of a v1 event. */
export const arbMetaV1: fc.Arbitrary<EventMeta> = fc
  .record({ agent: arbAgent, run: arbRun, seq: arbSeq, ts: arbTimestamp }, NO_NULL_PROTO)
  .map(({ agent, run, seq, ts }) => ({ agent, id: `${agent}:${run}:${seq}`, run, seq, ts }));

/** Envelope fields of a legacy message: only the agent. */
export const arbMetaLegacy: fc.Arbitrary<EventMeta> = arbAgent.map((agent) => ({ agent, id: null, run: null, seq: null, ts: null }));

/** A decoded event of the given tag, as `decodeEvent` returns it (v1 or legacy envelope). */
export function arbEventOf<K extends EventTag>(tag: K): fc.Arbitrary<EventOf<K>> {
  return fc
    .tuple(fc.oneof({ arbitrary: arbMetaV1, weight: 4 }, { arbitrary: arbMetaLegacy, weight: 1 }), arbData[tag])
    .map(([meta, data]) => ({ type: tag, channel: CATALOG[tag].channel, meta, data }) as EventOf<K>);
}

/** A decoded event of any tag. */
export const arbEvent: fc.Arbitrary<Event> = arbTag.chain((tag) => arbEventOf(tag) as fc.Arbitrary<Event>);
