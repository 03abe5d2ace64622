import { encodeEvent, type EventTag, type OutgoingEvent } from '../../src/events';
import { tradeRecord } from '../support/trades';

/** One message to publish: the channel (without prefix) and its bytes. */
export interface Message {
  readonly channel: string;
  readonly payload: string;
}

/** Makes v1 events for one agent run, with `seq` counting up. */
export class Publisher {
  private seq = 0;

  constructor(
    private readonly agent: string,
    private readonly run: string,
  ) {}

  /** The wire form of one event of `type`, published `agoMs` before now. */
  event<K extends EventTag>(type: K, channel: string, data: Record<string, unknown>, agoMs = 0): Message {
    this.seq += 1;
    const event: OutgoingEvent = {
      type,
      agent: this.agent,
      run: this.run,
      seq: this.seq,
      ts: new Date(Date.now() - agoMs).toISOString(),
      data: data as unknown as OutgoingEvent['data'],
    };
    return { channel, payload: encodeEvent(event) };
  }
}

/** The original Python executor's snapshot, as it published it (no `v`, `seq` or `ts`). */
export const LEGACY_EXECUTOR: Message = {
  channel: 'trade.results',
  payload: JSON.stringify({
    agent: 'paper-executor',
    type: 'state_update',
    data: {
      trade_count: 1,
      recent_trades: [
        tradeRecord(),
      ],
    },
  }),
};

/** A guardian snapshot with the given figures. */
export function guardian(p: Publisher, currentValue: string, highWaterMark: string, dailyPnl: string, halted = false): Message {
  return p.event('guardian.snapshot', 'risk.state', {
    current_value: currentValue,
    high_water_mark: highWaterMark,
    daily_pnl: dailyPnl,
    halted,
    initial_bankroll: '1000',
    positions: { 'polymarket:btc-100k': '25', 'kalshi:eth-5k': '40.5' },
    platform_exposure: { polymarket: '25', kalshi: '40.5' },
  });
}

/** An allocator snapshot with two strategies. */
export function allocator(p: Publisher, sniperPnl: string): Message {
  return p.event('allocator.snapshot', 'agent.updates', {
    total_capital: '1000',
    strategies: {
      'oracle-sniper': { total_pnl: sniperPnl, trades: 3, wins: 2, losses: 1, allocation_pct: '0.6', largest_win: '80', largest_loss: '-20' },
      momentum: { total_pnl: '-15.5', trades: 2, wins: 0, losses: 2, allocation_pct: '0.4' },
    },
  });
}

/** A heartbeat sent `agoMs` ago by an agent that beats every `intervalMs`. */
export function heartbeat(p: Publisher, role: string, agoMs: number, intervalMs: number): Message {
  return p.event('agent.heartbeat', 'agent.updates', { role, status: 'running', processed: 42, interval_ms: intervalMs }, agoMs);
}

/** A filled trade. */
export function executed(p: Publisher, id: string, amount: string): Message {
  return p.event('trade.executed', 'trade.results', {
    id,
    request_id: `req-${id}`,
    strategy: 'oracle-sniper',
    market_id: 'kalshi:eth-5k',
    venue: 'kalshi',
    side: 'buy',
    outcome: 'NO',
    amount,
    price: '0.41',
    fees: '0.0126',
    status: 'filled',
    executed_at: new Date().toISOString(),
    paper_trade: true,
  });
}
