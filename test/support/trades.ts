/**
 * A trade record as the executor publishes it (`trade.executed`, or an item of an executor
 * snapshot's `recent_trades`), with only the fields every trade carries, then `overrides`.
 */
export function tradeRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'paper-1a2b3c4d',
    request_id: 'req-9f8e7d6c',
    market_id: 'polymarket:btc-100k',
    venue: 'polymarket',
    side: 'buy',
    outcome: 'YES',
    amount: '25.00',
    price: '0.62',
    fees: '0.025',
    status: 'filled',
    executed_at: '2026-01-31T12:00:00+00:00',
    ...overrides,
  };
}
