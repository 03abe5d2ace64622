import type { RunKey } from '../../src/eventlog';
import { AGENT_CHANNELS, CATALOG, encodeEvent, type EventTag, type OutgoingEvent } from '../../src/events';

/** A named workload: what clients subscribe to and what the publisher sends. */
export interface Workload {
  readonly name: WorkloadName;
  /** One line for reports. */
  readonly description: string;
  /** The projections (WebSocket channels) every client subscribes to. */
  readonly channels: readonly string[];
  /** The tags the publisher sends, with relative weights. */
  readonly mix: readonly (readonly [EventTag, number])[];
}

/** The workloads the bench knows. */
export type WorkloadName = 'mixed' | 'trades';
export const WORKLOAD_NAMES: readonly WorkloadName[] = ['mixed', 'trades'];

/** The five agent projections. */
export const AGENT_PROJECTIONS = AGENT_CHANNELS;

/**
 * The mix follows one trading loop of the simulated fleet: many detected opportunities,
 * fewer requests and risk decisions, fewer fills and settlements, plus periodic snapshots
 * and heartbeats. `risk.halted` is left out: it would stop the fleet for the rest of the run.
 */
const MIXED: Workload = {
  name: 'mixed',
  description: 'every client subscribes to the five agent projections; the publisher sends the catalog in a trading-loop mix',
  channels: AGENT_PROJECTIONS,
  mix: [
    ['opportunity.detected', 30],
    ['trade.requested', 15],
    ['risk.decided', 15],
    ['trade.executed', 12],
    ['trade.settled', 8],
    ['agent.heartbeat', 8],
    ['guardian.snapshot', 4],
    ['allocation.updated', 3],
    ['allocator.snapshot', 2],
    ['executor.snapshot', 2],
  ],
};

const TRADES: Workload = {
  name: 'trades',
  description: 'only trade.executed on trade.results; clients subscribe to trade.results (the peer comparison)',
  channels: ['trade.results'],
  mix: [['trade.executed', 1]],
};

/** The workload of this name. */
export function workloadOf(name: WorkloadName): Workload {
  return name === 'mixed' ? MIXED : TRADES;
}

/** One message to publish: the channel (without prefix), its JSON text, and its run key (known here, so never parsed back). */
export interface Outgoing {
  readonly channel: string;
  readonly payload: string;
  readonly key: RunKey;
}

/** Which agent publishes each tag (seq counters are per agent). */
const AGENT_OF: Record<EventTag, string> = {
  'allocator.snapshot': 'capital-allocator',
  'agent.heartbeat': 'scanner',
  'allocation.updated': 'capital-allocator',
  'opportunity.detected': 'market-scanner',
  'trade.requested': 'strategy-oracle-sniper',
  'risk.decided': 'risk-guardian',
  'risk.halted': 'risk-guardian',
  'guardian.snapshot': 'risk-guardian',
  'trade.executed': 'paper-executor',
  'trade.settled': 'paper-executor',
  'executor.snapshot': 'paper-executor',
};

const STRATEGIES = ['oracle-sniper', 'cross-platform', 'temporal-arb'] as const;
const MARKETS = 40;

/** A small seeded PRNG (mulberry32), so runs publish the same sequence. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Trade = Record<string, string | boolean>;

/**
 * An endless generator of valid v1 events for a workload. `next(ts)` returns the next
 * message stamped with publish time `ts`; seq counters are per (agent, run) and contiguous. Several
 * sources publishing at once take different runs, seeds and `firstN` (the counter their trade and
 * request ids are numbered from), so that no two of them name the same trade.
 */
export function createEventSource(workload: Workload, run: string, seed = 1, firstN = 0): { next(ts: string): Outgoing; published(): number } {
  const random = prng(seed);
  const seqs = new Map<string, number>();
  const totalWeight = workload.mix.reduce((sum, [, w]) => sum + w, 0);
  const recent: Trade[] = [];
  let n = firstN;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const money = (lo: number, hi: number): string => (lo + random() * (hi - lo)).toFixed(2);
  const price = (): string => (0.05 + random() * 0.9).toFixed(2);
  const market = (): string => `${random() < 0.7 ? 'polymarket' : 'kalshi'}:mkt-${Math.floor(random() * MARKETS)}`;

  const chooseTag = (): EventTag => {
    let r = random() * totalWeight;
    for (const [tag, w] of workload.mix) {
      r -= w;
      if (r < 0) return tag;
    }
    return workload.mix[0]?.[0] ?? 'trade.executed';
  };

  const dataFor = (tag: EventTag, ts: string): OutgoingEvent['data'] => {
    switch (tag) {
      case 'opportunity.detected':
        return {
          id: `opp-${n}`,
          opportunity_type: pick(['oracle_lag', 'cross_platform', 'temporal', 'mispricing'] as const),
          market_id: market(),
          oracle_symbol: pick(['BTC', 'ETH', 'SOL']),
          oracle_value: money(1_000, 100_000),
          fair_price: price(),
          market_price: price(),
          expected_edge: (random() * 0.2).toFixed(4),
          signal_strength: random().toFixed(3),
        } as never;
      case 'trade.requested':
        return {
          request_id: `req-${n}`,
          opportunity_id: `opp-${n - 1}`,
          strategy: pick(STRATEGIES),
          market_id: market(),
          side: pick(['buy', 'sell'] as const),
          outcome: pick(['YES', 'NO'] as const),
          amount: money(5, 50),
          max_price: price(),
          expected_edge: (random() * 0.2).toFixed(4),
        } as never;
      case 'risk.decided': {
        const approved = random() < 0.8;
        return {
          request_id: `req-${n - 1}`,
          strategy: pick(STRATEGIES),
          approved,
          reason: approved ? 'within limits' : 'position limit',
          rule_triggered: approved ? null : 'max_position',
        } as never;
      }
      case 'risk.halted':
        return { rule: 'max_drawdown', reason: 'drawdown over limit' } as never;
      case 'trade.executed': {
        const trade: Trade = {
          id: `paper-${n}`,
          request_id: `req-${n}`,
          strategy: pick(STRATEGIES),
          market_id: market(),
          venue: 'polymarket',
          side: pick(['buy', 'sell'] as const),
          outcome: pick(['YES', 'NO'] as const),
          amount: money(5, 50),
          price: price(),
          fees: (random() * 0.1).toFixed(3),
          status: 'filled',
          executed_at: ts,
          paper_trade: true,
        };
        trade.venue = String(trade.market_id).split(':')[0] ?? 'polymarket';
        recent.unshift(trade);
        if (recent.length > 10) recent.pop();
        return trade as never;
      }
      case 'trade.settled': {
        const won = random() < 0.55;
        return {
          trade_id: String(recent[0]?.id ?? `paper-${n}`),
          strategy: pick(STRATEGIES),
          market_id: market(),
          won,
          pnl: (won ? '' : '-') + money(1, 20),
          settled_at: ts,
        } as never;
      }
      case 'executor.snapshot':
        return { trade_count: n, recent_trades: recent.slice(0, 10) } as never;
      case 'guardian.snapshot':
        return {
          current_value: money(900, 1_200),
          high_water_mark: '1200.00',
          daily_pnl: money(-50, 50),
          halted: false,
          initial_bankroll: '1000',
          positions: { [market()]: money(5, 50), [market()]: money(5, 50) },
          platform_exposure: { polymarket: money(0, 200), kalshi: money(0, 100) },
        } as never;
      case 'agent.heartbeat':
        return {
          role: pick(['scanner', 'oracle-sniper', 'risk-guardian', 'paper-executor', 'capital-allocator']),
          status: 'running',
          processed: n,
          interval_ms: 1_000,
        } as never;
      case 'allocation.updated':
        return { strategy: pick(STRATEGIES), allocation_pct: (random() * 0.5).toFixed(3), total_capital: '1000' } as never;
      case 'allocator.snapshot':
        return {
          total_capital: money(900, 1_200),
          strategies: Object.fromEntries(
            STRATEGIES.map((s) => [
              s,
              { total_pnl: money(-100, 100), trades: n, wins: Math.floor(n / 2), losses: n - Math.floor(n / 2), allocation_pct: '0.333' },
            ]),
          ),
        } as never;
      default: {
        const never: never = tag;
        throw new Error(`no generator for ${String(never)}`);
      }
    }
  };

  return {
    next(ts: string): Outgoing {
      n += 1;
      const tag = chooseTag();
      const agent = AGENT_OF[tag];
      const seq = (seqs.get(agent) ?? 0) + 1;
      seqs.set(agent, seq);
      return { channel: CATALOG[tag].channel, payload: encodeEvent({ type: tag, agent, run, seq, ts, data: dataFor(tag, ts) }), key: { agent, run, seq } };
    },
    published: () => n - firstN,
  };
}
