import { describe, expect, it } from 'vitest';
import { eventTime } from '../../src/projections';
import { tradeRecord } from '../support/trades';
import { legacy, v1 } from './support';

const executed = (executed_at: string) => tradeRecord({ executed_at, strategy: 'oracle-sniper', paper_trade: true });
const settled = (settled_at: string) => ({
  trade_id: 'paper-1a2b3c4d',
  strategy: 'oracle-sniper',
  market_id: 'polymarket:btc-100k',
  won: true,
  pnl: '1.5',
  settled_at,
});

describe('eventTime', () => {
  it('given an event with a publish time, then that time is used, not the time its data carries', () => {
    const ts = '2026-11-26T02:47:30.123Z';
    expect(eventTime(v1('trade.settled', settled('2026-01-31T12:00:00Z'), { ts }))).toBe(ts);
    expect(eventTime(v1('trade.executed', executed('2026-01-31T12:00:00Z'), { ts }))).toBe(ts);
    expect(eventTime(v1('agent.heartbeat', { role: 'r', status: 'running', processed: 0, interval_ms: 1 }, { ts }))).toBe(ts);
  });

  it('given a legacy trade.settled (no publish time), then its settled_at is used', () => {
    expect(eventTime(legacy('trade.settled', settled('2026-01-31T12:00:00Z')))).toBe('2026-01-31T12:00:00Z');
  });

  it('given a legacy trade.executed (no publish time), then its executed_at is used', () => {
    expect(eventTime(legacy('trade.executed', executed('2026-01-30T08:15:00+00:00')))).toBe('2026-01-30T08:15:00+00:00');
  });

  it('given a legacy event whose data carries no time, then there is none', () => {
    expect(eventTime(legacy('agent.heartbeat', { role: 'r', status: 'running', processed: 0, interval_ms: 1 }))).toBeNull();
  });
});
