import * as E from 'fp-ts/Either';
import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisBus } from '../../src/bus';
import { AGENT_CHANNELS, CATALOG, decodeEvent, encodeEvent, type Event, type EventTag } from '../../src/events';
import { Projector } from '../../src/pipeline';
import { redisForTests, uniquePrefix } from '../support/redis';
import { tradeRecord } from '../support/trades';

const redis = await redisForTests();

/** Resolves when `predicate` holds, polling; fails after `timeoutMs` (generous: the machine may be loaded). */
async function eventually(predicate: () => boolean, what: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what()}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const TS = '2026-11-26T02:47:30.123Z';
const seqs = new Map<string, number>();
/** One v1 message as an agent publishes it: [channel, JSON]. */
function v1(type: EventTag, agent: string, data: unknown, seq?: number): [string, string] {
  const next = seq ?? (seqs.get(agent) ?? 0) + 1;
  seqs.set(agent, Math.max(next, seqs.get(agent) ?? 0));
  return [CATALOG[type].channel, encodeEvent({ type, agent, run: 'it1', seq: next, ts: TS, data: data as Event['data'] })];
}
/** One legacy message as the Python agents publish it. */
function legacy(channel: string, agent: string, data: unknown): [string, string] {
  return [channel, JSON.stringify({ agent, type: 'state_update', data })];
}

const trade = (id: string, minute: number, market = 'polymarket:btc-100k') =>
  tradeRecord({
    id,
    request_id: `req-${id}`,
    strategy: 'oracle-sniper',
    market_id: market,
    venue: market.slice(0, market.indexOf(':')),
    executed_at: `2026-01-31T12:${String(minute).padStart(2, '0')}:00+00:00`,
    paper_trade: true,
  });

/** A run's worth of traffic: our events, the legacy snapshots, one duplicate, one gap, one bad message. */
const MESSAGES: [string, string][] = [
  v1('agent.heartbeat', 'paper-executor', { role: 'executor', status: 'running', processed: 0, interval_ms: 1000 }),
  legacy('agent.updates', 'capital-allocator', {
    total_capital: '1000',
    strategies: { 'oracle-sniper': { total_pnl: '0', trades: 0, wins: 0, losses: 0, allocation_pct: '1.0' } },
  }),
  legacy('risk.state', 'risk-guardian', { current_value: '1000', high_water_mark: '1000', daily_pnl: '0', halted: false, initial_bankroll: '1000' }),
  v1('trade.requested', 'strategy-oracle-sniper', {
    request_id: 'req-t1', opportunity_id: 'opp-1', strategy: 'oracle-sniper', market_id: 'polymarket:btc-100k',
    side: 'buy', outcome: 'YES', amount: '25', max_price: '0.62', expected_edge: '0.1',
  }),
  v1('risk.decided', 'risk-guardian', { request_id: 'req-t1', strategy: 'oracle-sniper', approved: true, reason: 'ok', rule_triggered: null }),
  v1('trade.executed', 'paper-executor', trade('paper-t1', 0)),
  v1('trade.executed', 'paper-executor', trade('paper-t1', 0), 2), // a duplicate: same (agent, run, seq)
  ['trade.results', '{"not":"an event"}'], // rejected by the decoder, never applied
  v1('trade.executed', 'paper-executor', trade('paper-t2', 1, 'kalshi:FED-25DEC'), 5), // seq 3 and 4 never arrive: 2 lost
  legacy('trade.results', 'paper-executor', { trade_count: 2, recent_trades: [trade('paper-t1', 0), trade('paper-t2', 1, 'kalshi:FED-25DEC')] }),
  v1('trade.settled', 'paper-executor', {
    trade_id: 'paper-t1', strategy: 'oracle-sniper', market_id: 'polymarket:btc-100k', won: true, pnl: '15.3', settled_at: '2026-01-31T13:00:00+00:00',
  }),
];

describe.skipIf('skip' in redis)(`projections from a real Redis${'skip' in redis ? ` (skipped: ${redis.skip})` : ''}`, () => {
  const url = 'url' in redis ? redis.url : '';
  const prefix = uniquePrefix('projection');
  const bus = createRedisBus({ url, prefix });
  const publisher = new Redis(url);
  afterAll(async () => {
    await bus.close();
    publisher.disconnect();
    if ('stop' in redis) await redis.stop();
  });

  it('turns published events into the expected projection states and versions', async () => {
    const projector = new Projector();
    let received = 0;
    let rejected = 0;
    await bus.subscribe(AGENT_CHANNELS, (channel, payload) => {
      received++;
      const decoded = decodeEvent(channel, payload);
      if (E.isLeft(decoded)) rejected++;
      else projector.apply(decoded.right, '2026-11-26T03:00:00.000Z');
    });
    await eventually(() => bus.connected, () => 'bus connected'); // a loaded machine can take seconds
    for (const [channel, json] of MESSAGES) await publisher.publish(`${prefix}${channel}`, json);
    await eventually(() => received === MESSAGES.length, () => `${MESSAGES.length} messages received (got ${received})`);

    expect(rejected).toBe(1);
    expect(projector.counters).toEqual({ applied: MESSAGES.length - 2, duplicates: 1, lost: 2 });
    // Exact states, worked out by hand from MESSAGES: an extra key or map entry is a failure.
    const settledT1 = { won: true, pnl: '15.3', settled_at: '2026-01-31T13:00:00+00:00' };
    const held = (id: string, minute: number, market?: string) => ({
      ...trade(id, minute, market),
      amount: '25',
      won: null,
      pnl: null,
      settled_at: null,
    });
    expect(projector.state('trade.results')).toStrictEqual({
      trade_count: 2,
      trades: [held('paper-t2', 1, 'kalshi:FED-25DEC'), { ...held('paper-t1', 0), ...settledT1 }],
    });
    expect(projector.state('risk.state')).toStrictEqual({
      current_value: '1015.3',
      high_water_mark: '1015.3',
      drawdown: '0',
      drawdown_pct: '0',
      daily_pnl: '15.3',
      halted: false,
      halt_rule: null,
      halt_reason: null,
      bankroll: '1000',
      exposure_by_market: { 'kalshi:FED-25DEC': '25' }, // the settled market released its exposure
      exposure_by_venue: { kalshi: '25' },
      decisions: { approved: 1, rejected: 0, rejections_by_rule: {} },
      // No market marks were published: nothing is marked to market.
      as_of: null,
      marked_value: null,
      marked_high_water_mark: null,
      marked_drawdown: null,
      marked_drawdown_pct: null,
      unrealised_pnl: null,
    });
    expect(projector.state('strategy.performance').strategies).toStrictEqual({
      'oracle-sniper': {
        pnl: '15.3',
        trades: 1,
        wins: 1,
        losses: 0,
        win_rate: '1',
        largest_win: '15.3',
        largest_loss: null,
        allocation_pct: '1',
        requests: 1,
        approvals: 1,
        rejections: 0,
      },
    });
    expect(projector.state('agent.updates')).toStrictEqual({
      agents: { 'paper-executor': { role: 'executor', status: 'running', last_heartbeat: TS, interval_ms: 1000, processed: 0, detail: null } },
      allocator: {
        total_capital: '1000',
        strategies: { 'oracle-sniper': { total_pnl: '0', trades: 0, wins: 0, losses: 0, allocation_pct: '1', largest_win: null, largest_loss: null } },
      },
    });
    expect(projector.state('portfolio.summary')).toStrictEqual({
      total_capital: '1000',
      current_value: '1015.3',
      pnl: '15.3',
      pnl_pct: '0.0153',
      trade_count: 2,
      wins: 1,
      losses: 0,
      win_rate: '1',
      open_exposure: '25',
      halted: false,
      as_of: null,
      marked_value: null,
      unrealised_pnl: null,
      equity_curve: [
        { ts: '2026-11-26T03:00:00.000Z', value: '1000', as_of: null },
        { ts: TS, value: '1015.3', as_of: null },
      ],
    });
    // Versions count the changes each projection saw, in Redis's delivery order: the executor
    // snapshot repeats what trade.results holds (no version), the duplicate and the bad message change nothing.
    expect(Object.fromEntries(AGENT_CHANNELS.map((c) => [c, projector.version(c)]))).toEqual({
      'agent.updates': 2, // heartbeat, allocator snapshot
      'trade.results': 3, // t1, t2, settlement of t1
      'risk.state': 5, // guardian snapshot, approval, t1 and t2 exposure, settlement
      'portfolio.summary': 4, // capital known, t1, t2, settlement
      'strategy.performance': 4, // allocator snapshot, request, approval, settlement
    });
  });
});
