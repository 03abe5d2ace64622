import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStale, readAgents, readOverview, readRisk, readStrategies, readSystem, readTrades } from '../../src/dashboard/read';
import { Projector } from '../../src/pipeline/projector';
import { legacy, v1 } from '../projections/support';

/** States made by the real projections from events, as the server would send them. */
function projected() {
  const p = new Projector();
  const events = [
    v1('guardian.snapshot', {
      current_value: '1234.5',
      high_water_mark: '1300',
      daily_pnl: '-12.25',
      halted: false,
      initial_bankroll: '1000',
      positions: { 'polymarket:btc-100k': '25' },
      platform_exposure: { polymarket: '25', kalshi: '0' },
    }, { agent: 'risk-guardian', ts: '2026-11-26T02:00:00.000Z' }),
    v1('allocator.snapshot', {
      total_capital: '1000',
      strategies: {
        'oracle-sniper': { total_pnl: '100', trades: 3, wins: 2, losses: 1, allocation_pct: '0.6' },
        momentum: { total_pnl: '-15.5', trades: 2, wins: 0, losses: 2, allocation_pct: '0.4' },
      },
    }, { agent: 'capital-allocator', ts: '2026-11-26T02:00:01.000Z' }),
    legacy('executor.snapshot', {
      trade_count: 1,
      recent_trades: [
        {
          id: 'paper-1a2b3c4d', request_id: 'req-9f8e7d6c', market_id: 'polymarket:btc-100k', venue: 'polymarket',
          side: 'buy', outcome: 'YES', amount: '25.00', price: '0.62', fees: '0.025', status: 'filled',
          executed_at: '2026-01-31T12:00:00+00:00',
        },
      ],
    }, 'paper-executor'),
    v1('agent.heartbeat', { role: 'scanner', status: 'running', processed: 7, interval_ms: 1000 }, { agent: 'scanner', ts: '2026-11-26T02:00:02.000Z' }),
    v1('risk.decided', { request_id: 'req-1', strategy: 'momentum', approved: false, reason: 'too big', rule_triggered: 'position_limit' }, { agent: 'risk-guardian' }),
    v1('risk.halted', { rule: 'drawdown_halt', reason: 'value below 80%' }, { agent: 'risk-guardian' }),
  ];
  for (const e of events) p.apply(e, '2026-11-26T02:00:03.000Z');
  return (channel: Parameters<Projector['state']>[0]): unknown => JSON.parse(JSON.stringify(p.state(channel)));
}

describe('readers of the projections’ states', () => {
  const state = projected();

  it('read the Overview from portfolio.summary', () => {
    const o = readOverview(state('portfolio.summary'));
    expect(o).toMatchObject({ totalCapital: '1000', currentValue: '1234.5', halted: true });
    expect(o.equity.length).toBeGreaterThan(0);
    expect(o.equity.at(-1)?.v).toBe(1234.5);
    const times = o.equity.map((p) => p.t);
    expect(times).toEqual([...new Set(times)].sort((a, b) => a - b)); // strictly ascending, as uPlot needs
  });

  it('read strategies, merging the allocator’s view', () => {
    const rows = readStrategies(state('strategy.performance'), state('agent.updates'));
    expect(rows.map((r) => r.name)).toEqual(['momentum', 'oracle-sniper']);
    expect(rows[1]).toMatchObject({ pnl: '100', trades: 3, wins: 2, losses: 1, allocationPct: '0.6' });
    expect(rows[0]).toMatchObject({ pnl: '-15.5', rejections: 1 });
  });

  it('read trades, the legacy one included', () => {
    const { count, trades } = readTrades(state('trade.results'));
    expect(count).toBe(1);
    expect(trades[0]).toMatchObject({ id: 'paper-1a2b3c4d', market: 'polymarket:btc-100k', outcome: 'YES', pnl: null });
  });

  it('read risk: drawdown, exposure, rejections by rule, the halt', () => {
    const r = readRisk(state('risk.state'));
    expect(r).toMatchObject({ drawdown: '65.5', dailyPnl: '-12.25', halted: true, haltRule: 'drawdown_halt', rejected: 1 });
    expect(r.exposureByMarket).toEqual([{ key: 'polymarket:btc-100k', amount: '25' }]);
    expect(r.rejectionsByRule).toEqual([{ key: 'position_limit', count: 1 }]);
  });

  it('read agents and call one stale after three missed intervals', () => {
    const [scanner] = readAgents(state('agent.updates'));
    if (scanner === undefined) throw new Error('no agent read');
    expect(scanner).toMatchObject({ name: 'scanner', role: 'scanner', intervalMs: 1000, processed: 7 });
    const at = Date.parse('2026-11-26T02:00:02.000Z');
    expect(isStale(scanner, at + 3000)).toBe(false);
    expect(isStale(scanner, at + 3001)).toBe(true);
  });

  it('read the server’s system figures, listing unknown ones as they are', () => {
    const s = readSystem({
      connections: 3, events_per_s: 12.5, rejected_total: 4, rejected_by_reason: { not_json: 3, too_large: 1 },
      lost_events: 2, duplicate_events: 1, versions: { 'risk.state': 9 }, redis_connected: true, started_at: 'x',
    });
    expect(s).toMatchObject({ connections: 3, eventsPerSecond: 12.5, rejectedTotal: 4, lostEvents: 2, duplicateEvents: 1 });
    expect(s.rejectedByReason).toEqual([{ key: 'not_json', count: 3 }, { key: 'too_large', count: 1 }]);
    expect(s.other.map((f) => f.key)).toEqual(['redis_connected', 'started_at']);
  });

  it('never throw on any JSON, whatever the server sends', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        readOverview(a);
        readStrategies(a, b);
        readTrades(a);
        readRisk(a);
        readAgents(a);
        readSystem(a);
        readOverview({ equity_curve: a });
        readTrades({ trades: [a, b] });
        readAgents({ agents: { x: a } });
        readSystem({ rejected_by_reason: a, versions: b });
      }),
    );
  });
});
