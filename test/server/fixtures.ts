/** Envelope-v1 messages for the server tests: a deterministic mix over four channels. */

/** One message to publish. */
export interface Outgoing {
  readonly channel: string;
  readonly payload: string;
}

const MARKETS = ['polymarket:btc-100k', 'kalshi:eth-5k', 'polymarket:sol-300'] as const;

function envelope(agent: string, run: string, seq: number, type: string, data: unknown): string {
  return JSON.stringify({ v: 1, id: `${agent}:${run}:${seq}`, agent, seq, ts: new Date().toISOString(), type, data });
}

/** The n-th message (0-based) of a stream for agent run `run`; every one changes some projection. */
export function nthEvent(n: number, run: string): Outgoing {
  const market = MARKETS[n % MARKETS.length] as string;
  const seq = Math.floor(n / 4) + 1;
  switch (n % 4) {
    case 0:
      return {
        channel: 'trade.results',
        payload: envelope('paper-executor', run, seq, 'trade.executed', {
          id: `paper-${run}-${n}`,
          request_id: `req-${run}-${n}`,
          strategy: n % 8 === 0 ? 'oracle-sniper' : 'momentum',
          market_id: market,
          venue: market.split(':')[0],
          side: 'buy',
          outcome: n % 3 === 0 ? 'NO' : 'YES',
          amount: `${10 + (n % 17)}.25`,
          price: '0.62',
          fees: '0.025',
          status: 'filled',
          executed_at: '2026-01-31T12:00:00Z',
          paper_trade: true,
        }),
      };
    case 1:
      return {
        channel: 'risk.state',
        payload: envelope('risk-guardian', run, seq, 'risk.decided', {
          request_id: `req-${run}-${n}`,
          strategy: 'oracle-sniper',
          approved: n % 3 !== 0,
          reason: n % 3 !== 0 ? 'ok' : 'too big',
          rule_triggered: n % 3 !== 0 ? null : 'position_limit',
        }),
      };
    case 2:
      return {
        channel: 'strategy.performance',
        payload: envelope('opportunity-scanner', run, seq, 'opportunity.detected', {
          id: `opp-${run}-${n}`,
          opportunity_type: 'oracle_lag',
          market_id: market,
          oracle_symbol: 'BTC',
          oracle_value: `${100000 + n}`,
          fair_price: '0.7',
          market_price: '0.6',
          expected_edge: '0.1',
          signal_strength: '0.8',
        }),
      };
    default:
      return {
        channel: 'agent.updates',
        payload: envelope('capital-allocator', run, seq, 'agent.heartbeat', {
          role: 'allocator',
          status: 'running',
          processed: n,
          interval_ms: 1000,
        }),
      };
  }
}

/** The three legacy messages of PROTOCOL.md, exactly as the original agents publish them. */
export const LEGACY: readonly Outgoing[] = [
  {
    channel: 'agent.updates',
    payload:
      '{"agent":"capital-allocator","type":"state_update","data":{"total_capital":"1000",' +
      '"strategies":{"oracle-sniper":{"total_pnl":"100","trades":3,"wins":2,"losses":1,"allocation_pct":"1.0"}}}}',
  },
  {
    channel: 'risk.state',
    payload:
      '{"agent":"risk-guardian","type":"state_update","data":{"current_value":"1100",' +
      '"high_water_mark":"1100","daily_pnl":"100","halted":false}}',
  },
  {
    channel: 'trade.results',
    payload:
      '{"agent":"paper-executor","type":"state_update","data":{"trade_count":1,"recent_trades":[' +
      '{"id":"paper-1a2b3c4d","request_id":"req-9f8e7d6c","market_id":"polymarket:btc-100k","venue":"polymarket",' +
      '"side":"buy","outcome":"YES","amount":"25.00","price":"0.62","fees":"0.025","status":"filled",' +
      '"executed_at":"2026-01-31T12:00:00+00:00"}]}}',
  },
];
