import Big from 'big.js';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgents } from '../../src/agents';
import { createRedisBus, type EventBus } from '../../src/bus';
import { ProjectionClient } from '../../src/client';
import { redisForTests } from '../support/redis';
import { eventually, flushed, metricValue, startHarness, type Harness } from '../server/harness';

const redis = await redisForTests();
const skip = 'skip' in redis ? redis.skip : undefined;

interface RiskState {
  current_value: string | null;
  high_water_mark: string | null;
  halted: boolean;
  decisions: { approved: number; rejected: number; rejections_by_rule: Record<string, number> };
}
interface TradeResults {
  trade_count: number;
  trades: { id: string; pnl: string | null }[];
}
interface Portfolio {
  pnl: string;
  trade_count: number;
}
interface Allocations {
  allocator: { strategies: Record<string, { allocation_pct: string }> };
}

const same = (a: string | null | undefined, b: string): boolean => a != null && new Big(a).eq(new Big(b));

describe.skipIf(skip !== undefined)(`agents → Redis → server → client${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  let h: Harness;
  let bus: EventBus;
  let client: ProjectionClient;

  beforeAll(async () => {
    const url = 'url' in redis ? redis.url : '';
    h = await startHarness(url, 'agents', { '--flush-ms': '25' });
    bus = createRedisBus({ url, prefix: h.config.channelPrefix });
    client = new ProjectionClient({ url: h.ws, channels: ['*'], WebSocket });
    await client.whenLive();
  });
  afterAll(async () => {
    client.close();
    await bus.close();
    await h.stop();
  });

  it('shows trades, risk and allocations within seconds, and ends equal to the agents\' own books', async () => {
    // Seed 9 trades at once and settles its first trade after 5 simulated minutes: 0.5 s at speed 600.
    let published = 0;
    const publish = (channel: string, payload: string): Promise<void> => {
      published += 1;
      return bus.publish(channel, payload);
    };
    const agents = runAgents({ publish, seed: 9, speed: 600, stepMs: 50 });
    const trades = (): TradeResults | undefined => client.state('trade.results') as TradeResults | undefined;
    const risk = (): RiskState | undefined => client.state('risk.state') as RiskState | undefined;
    try {
      await eventually(() => (trades()?.trade_count ?? 0) > 0, 10_000, 'a trade on the client');
      await eventually(() => (trades()?.trades ?? []).some((t) => t.pnl !== null), 10_000, 'a settled trade on the client');
      await eventually(() => (risk()?.decisions.approved ?? 0) > 0, 10_000, 'risk decisions on the client');
      const allocations = (client.state('agent.updates') as Allocations | undefined)?.allocator.strategies ?? {};
      expect(Object.keys(allocations).length).toBeGreaterThanOrEqual(2);
      await new Promise((r) => setTimeout(r, 2_000));
    } finally {
      await agents.stop();
    }

    const ledger = agents.ledger();
    expect(ledger.settled).toBeGreaterThan(0);
    // Everything the agents published has reached the server, been flushed, and reached the client:
    // waiting on one figure (the trade count, say) would let a later risk decision still be on its way.
    let received = 0;
    for (const deadline = Date.now() + 10_000; received < published && Date.now() < deadline; ) {
      received = await metricValue(h.admin, 'pmarb_events_in_total');
      if (received < published) await new Promise((r) => setTimeout(r, 20));
    }
    expect(received).toBe(published);
    const versions = await flushed(h);
    const channels = Object.keys(versions).filter((c) => c !== 'system');
    await eventually(() => channels.every((c) => client.version(c) === versions[c]), 5_000, 'client at the flushed versions');
    expect(trades()?.trade_count).toBe(ledger.trades.length);
    expect(same(risk()?.current_value, ledger.current_value)).toBe(true);
    const portfolio = client.state('portfolio.summary') as Portfolio;
    expect(same(portfolio.pnl, ledger.pnl)).toBe(true);
    expect(portfolio.trade_count).toBe(ledger.trades.length);
    const finalRisk = risk() as RiskState;
    expect(same(finalRisk.high_water_mark, ledger.high_water_mark)).toBe(true);
    expect(finalRisk.halted).toBe(ledger.halted);
    expect(finalRisk.decisions.approved).toBe(ledger.approvals);
    expect(finalRisk.decisions.rejections_by_rule).toEqual(ledger.rejections);
    // The client's state is the server's, exactly.
    const http = (await (await fetch(`${h.http}/snapshot/trade.results`)).json()) as { state: unknown };
    expect(client.state('trade.results')).toEqual(http.state);
    expect(h.server.projections.counters.lost).toBe(0);
  });
});
