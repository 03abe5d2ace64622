import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/Either';
import { decodeEvent } from '../../src/events/decode';
import { tradeRecord } from '../support/trades';

/**
 * Every enumeration of PROTOCOL.md ("Enumerations", and the heartbeat's status), written out here
 * rather than read from the codecs: a value the contract lists decodes, any other value is
 * rejected naming the field. Round trips only show that valid values pass; these show that the
 * codec is no wider than the contract.
 */
interface Case {
  readonly field: string;
  readonly channel: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly values: readonly string[];
  readonly outsider: string;
}

const OPPORTUNITY = {
  id: 'opp-1',
  opportunity_type: 'oracle_lag',
  market_id: 'polymarket:btc-100k',
  oracle_symbol: 'BTC',
  oracle_value: '101000',
  fair_price: '0.7',
  market_price: '0.62',
  expected_edge: '0.08',
  signal_strength: '0.9',
};
const REQUEST = {
  request_id: 'req-1',
  opportunity_id: 'opp-1',
  strategy: 'oracle-sniper',
  market_id: 'kalshi:CPI',
  side: 'buy',
  outcome: 'YES',
  amount: '10',
  max_price: '0.5',
  expected_edge: '0.02',
};
const TRADE = tradeRecord({ strategy: 'oracle-sniper', paper_trade: true });
const HEARTBEAT = { role: 'executor', status: 'running', processed: 3, interval_ms: 1000 };

const CASES: readonly Case[] = [
  { field: 'side', channel: 'trade.results', type: 'trade.executed', data: TRADE, values: ['buy', 'sell'], outsider: 'hold' },
  { field: 'side', channel: 'strategy.performance', type: 'trade.requested', data: REQUEST, values: ['buy', 'sell'], outsider: 'short' },
  { field: 'outcome', channel: 'trade.results', type: 'trade.executed', data: TRADE, values: ['YES', 'NO'], outsider: 'yes' },
  { field: 'outcome', channel: 'strategy.performance', type: 'trade.requested', data: REQUEST, values: ['YES', 'NO'], outsider: 'MAYBE' },
  { field: 'venue', channel: 'trade.results', type: 'trade.executed', data: TRADE, values: ['polymarket', 'kalshi'], outsider: 'nyse' },
  {
    field: 'status',
    channel: 'trade.results',
    type: 'trade.executed',
    data: TRADE,
    values: ['pending', 'approved', 'rejected', 'submitted', 'filled', 'partial', 'cancelled', 'failed'],
    outsider: 'done',
  },
  {
    field: 'opportunity_type',
    channel: 'strategy.performance',
    type: 'opportunity.detected',
    data: OPPORTUNITY,
    values: ['oracle_lag', 'cross_platform', 'temporal', 'mispricing'],
    outsider: 'bogus',
  },
  {
    field: 'status',
    channel: 'agent.updates',
    type: 'agent.heartbeat',
    data: HEARTBEAT,
    values: ['starting', 'running', 'halted', 'stopped', 'error'],
    outsider: 'zombie',
  },
];

function decodeWith(c: Case, value: unknown) {
  const raw = JSON.stringify({ agent: 'some-agent', type: c.type, data: { ...c.data, [c.field]: value } });
  return decodeEvent(c.channel, raw);
}

describe('enumerations accept exactly the values PROTOCOL.md lists', () => {
  it.each(CASES)('given $type on $channel, when $field is each listed value, then the event decodes with it', (c) => {
    for (const value of c.values) {
      const result = decodeWith(c, value);
      expect(E.isRight(result) && (result.right.data as Record<string, unknown>)[c.field]).toBe(value);
    }
  });

  it.each(CASES)('given $type on $channel, when $field is $outsider, then it is rejected as bad data naming the field', (c) => {
    const listed = c.values.map((v) => `"${v}"`).join(', ');
    expect(decodeWith(c, c.outsider)).toEqual(
      E.left(expect.objectContaining({ reason: 'bad_data', message: `Expecting one of ${listed} at data.${c.field} but instead got: "${c.outsider}"` })),
    );
  });

  it.each(CASES)('given $type on $channel, when $field is empty or not a string, then it is rejected', (c) => {
    for (const value of ['', 7, null]) expect(E.isLeft(decodeWith(c, value))).toBe(true);
  });
});
