import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { DEFAULT_MAX_EVENT_BYTES, SAMPLE_CHARS, decodeEvent, type DecodeOptions, type RejectReason, type Rejected } from '../../src/events/decode';
import { AGENT_CHANNELS } from '../../src/events/channels';
import { encodeEvent } from '../../src/events/encode';
import type { Event } from '../../src/events/event';
import { tradeRecord } from '../support/trades';
import { TAGS, arbOutgoingEvent } from './arbitraries';

// The three legacy messages of PROTOCOL.md, verbatim.
const LEGACY_ALLOCATOR = `{"agent":"capital-allocator","type":"state_update","data":{"total_capital":"1000",
 "strategies":{"oracle-sniper":{"total_pnl":"100","trades":3,"wins":2,"losses":1,"allocation_pct":"1.0"}}}}`;
const LEGACY_GUARDIAN = `{"agent":"risk-guardian","type":"state_update","data":{"current_value":"1100",
 "high_water_mark":"1100","daily_pnl":"100","halted":false}}`;
const LEGACY_EXECUTOR = `{"agent":"paper-executor","type":"state_update","data":{"trade_count":1,"recent_trades":[
 {"id":"paper-1a2b3c4d","request_id":"req-9f8e7d6c","market_id":"polymarket:btc-100k","venue":"polymarket",
  "side":"buy","outcome":"YES","amount":"25.00","price":"0.62","fees":"0.025","status":"filled",
  "executed_at":"2026-01-31T12:00:00+00:00"}]}}`;

const LEGACY_META = (agent: string) => ({ agent, id: null, run: null, seq: null, ts: null });

const REASONS: readonly RejectReason[] = [
  'too_large',
  'not_json',
  'not_object',
  'unsafe_key',
  'unknown_channel',
  'bad_envelope',
  'unknown_type',
  'bad_data',
];

const TRADE = tradeRecord({ strategy: 'oracle-sniper', paper_trade: true });

/** A v1 `trade.executed` on trade.results, with fields overridden (`undefined` drops a field). */
function v1(overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}): string {
  return JSON.stringify({
    v: 1,
    id: 'paper-executor:3f9a:42',
    agent: 'paper-executor',
    seq: 42,
    ts: '2026-11-26T02:47:30.123Z',
    type: 'trade.executed',
    data: { ...TRADE, ...data },
    ...overrides,
  });
}

/** A legacy message on any channel. */
function legacy(type: string, data: unknown, agent = 'some-agent'): string {
  return JSON.stringify({ agent, type, data });
}

const GUARDIAN = { current_value: '1100', high_water_mark: '1100', daily_pnl: '100', halted: false };
const FIGURES = { total_pnl: '100', trades: 3, wins: 2, losses: 1, allocation_pct: '1.0' };

function decoded(channel: string, raw: string | Buffer, options?: DecodeOptions): Event {
  const result = decodeEvent(channel, raw, options);
  if (E.isLeft(result)) throw new Error(`expected an event, got ${result.left.reason}: ${result.left.message}`);
  return result.right;
}

function rejected(channel: string, raw: string | Buffer, options?: DecodeOptions): Rejected {
  const result = decodeEvent(channel, raw, options);
  if (E.isRight(result)) throw new Error(`expected a rejection, got ${JSON.stringify(result.right)}`);
  return result.left;
}

describe('legacy messages (PROTOCOL.md, verbatim)', () => {
  it('allocator state_update on agent.updates is allocator.snapshot', () => {
    expect(decoded('agent.updates', LEGACY_ALLOCATOR)).toEqual({
      type: 'allocator.snapshot',
      channel: 'agent.updates',
      meta: LEGACY_META('capital-allocator'),
      data: { total_capital: '1000', strategies: { 'oracle-sniper': FIGURES } },
    });
  });

  it('guardian state_update on risk.state is guardian.snapshot', () => {
    expect(decoded('risk.state', LEGACY_GUARDIAN)).toEqual({
      type: 'guardian.snapshot',
      channel: 'risk.state',
      meta: LEGACY_META('risk-guardian'),
      data: GUARDIAN,
    });
  });

  it('executor state_update on trade.results is executor.snapshot, as a Buffer too', () => {
    const { strategy: _s, paper_trade: _p, ...item } = TRADE;
    const expected = {
      type: 'executor.snapshot',
      channel: 'trade.results',
      meta: LEGACY_META('paper-executor'),
      data: { trade_count: 1, recent_trades: [item] },
    };
    expect(decoded('trade.results', LEGACY_EXECUTOR)).toEqual(expected);
    expect(decoded('trade.results', Buffer.from(LEGACY_EXECUTOR))).toEqual(expected);
  });

  it("accepts Python's str(Decimal) forms 1E+2 and 0E-8", () => {
    const event = decoded(
      'agent.updates',
      legacy('state_update', {
        total_capital: '1E+2',
        strategies: { 'oracle-sniper': { ...FIGURES, total_pnl: '0E-8', allocation_pct: '1E+0', largest_loss: '-2.5E+1' } },
      }),
    );
    expect(event.type).toBe('allocator.snapshot');
    expect(event.data).toEqual({
      total_capital: '1E+2',
      strategies: { 'oracle-sniper': { ...FIGURES, total_pnl: '0E-8', allocation_pct: '1E+0', largest_loss: '-2.5E+1' } },
    });
    const guardian = { ...GUARDIAN, daily_pnl: '0E-8', current_value: '1.1E+3' };
    expect(decoded('risk.state', legacy('state_update', guardian))).toMatchObject({ type: 'guardian.snapshot', data: guardian });
  });

  it('accepts the optional guardian fields, with position and venue maps', () => {
    const data = {
      ...GUARDIAN,
      initial_bankroll: '1000',
      positions: { 'polymarket:btc-100k': '25.00', 'kalshi:FED-25DEC': '10' },
      platform_exposure: { polymarket: '25.00' },
    };
    expect(decoded('risk.state', legacy('state_update', data)).data).toEqual(data);
  });
});

describe('rejections: reason and readable message, never thrown', () => {
  it.each([
    ['hello', 'not_json', /^Not JSON: /],
    ['', 'not_json', /^Not JSON: /],
    ['{"agent":', 'not_json', /^Not JSON: /],
    ["{'agent':'a'}", 'not_json', /^Not JSON: /],
    ['[1,2]', 'not_object', /^Expecting a JSON object but instead got: an array$/],
    ['[]', 'not_object', /^Expecting a JSON object but instead got: an array$/],
    ['42', 'not_object', /^Expecting a JSON object but instead got: 42$/],
    ['"state_update"', 'not_object', /^Expecting a JSON object but instead got: "state_update"$/],
    ['null', 'not_object', /^Expecting a JSON object but instead got: null$/],
    ['true', 'not_object', /^Expecting a JSON object but instead got: true$/],
  ] as const)('%j is %s', (raw, reason, message) => {
    const r = rejected('trade.results', raw);
    expect(r.reason).toBe(reason);
    expect(r.message).toMatch(message);
    expect(r).toMatchObject({ channel: 'trade.results', sample: raw, bytes: Buffer.byteLength(raw) });
  });

  it.each([
    ['v 2', v1({ v: 2 }), 'Expecting 1 at v but instead got: 2'],
    ['v "1"', v1({ v: '1' }), 'Expecting 1 at v but instead got: "1"'],
    ['seq 0', v1({ seq: 0, id: 'paper-executor:3f9a:0' }), 'Expecting positive integer at seq but instead got: 0'],
    ['seq -1', v1({ seq: -1, id: 'paper-executor:3f9a:-1' }), 'Expecting positive integer at seq but instead got: -1'],
    ['seq 1.5', v1({ seq: 1.5 }), 'Expecting positive integer at seq but instead got: 1.5'],
    ['seq "42"', v1({ seq: '42' }), 'Expecting positive integer at seq but instead got: "42"'],
    ['ts missing', v1({ ts: undefined }), 'Expecting ISO-8601 date-time with zone at ts but instead got: undefined'],
    ['ts words', v1({ ts: 'yesterday' }), 'Expecting ISO-8601 date-time with zone at ts but instead got: "yesterday"'],
    ['ts no zone', v1({ ts: '2026-11-26T02:47:30' }), 'Expecting ISO-8601 date-time with zone at ts but instead got: "2026-11-26T02:47:30"'],
    ['ts space', v1({ ts: '2026-11-26 02:47:30Z' }), 'Expecting ISO-8601 date-time with zone at ts but instead got: "2026-11-26 02:47:30Z"'],
    ['ts month 13', v1({ ts: '2026-13-01T00:00:00Z' }), 'Expecting ISO-8601 date-time with zone at ts but instead got: "2026-13-01T00:00:00Z"'],
    ['ts Feb 30', v1({ ts: '2026-02-30T00:00:00Z' }), 'Expecting ISO-8601 date-time with zone at ts but instead got: "2026-02-30T00:00:00Z"'],
    ['ts 24:00', v1({ ts: '2026-02-03T24:00:00Z' }), 'Expecting ISO-8601 date-time with zone at ts but instead got: "2026-02-03T24:00:00Z"'],
    ['ts number', v1({ ts: 1764125250123 }), 'Expecting ISO-8601 date-time with zone at ts but instead got: 1764125250123'],
    ['agent missing', v1({ agent: undefined }), 'Expecting non-empty string (at most 256 characters) at agent but instead got: undefined'],
    ['agent empty', v1({ agent: '' }), 'Expecting non-empty string (at most 256 characters) at agent but instead got: ""'],
    ['type number', v1({ type: 7 }), 'Expecting non-empty string (at most 256 characters) at type but instead got: 7'],
    ['id of another agent', v1({ id: 'risk-guardian:3f9a:42' }), 'Expecting id "paper-executor:<run>:42" at id but instead got: "risk-guardian:3f9a:42"'],
    ['id of another seq', v1({ id: 'paper-executor:3f9a:41' }), 'Expecting id "paper-executor:<run>:42" at id but instead got: "paper-executor:3f9a:41"'],
    ['id without run', v1({ id: 'paper-executor::42' }), 'Expecting id "paper-executor:<run>:42" at id but instead got: "paper-executor::42"'],
    ['id as uuid', v1({ id: '3f9a0c1e-7b2d' }), 'Expecting id "paper-executor:<run>:42" at id but instead got: "3f9a0c1e-7b2d"'],
    ['legacy without agent', JSON.stringify({ type: 'state_update', data: {} }), 'Expecting non-empty string (at most 256 characters) at agent but instead got: undefined'],
    ['legacy without type', JSON.stringify({ agent: 'a', data: {} }), 'Expecting non-empty string (at most 256 characters) at type but instead got: undefined'],
  ])('bad envelope: %s', (_label, raw, message) => {
    expect(rejected('trade.results', raw)).toMatchObject({ reason: 'bad_envelope', message });
  });

  it.each([
    ['money as a JSON number', { amount: 3 }, 'Expecting decimal string at data.amount but instead got: 3'],
    ['"NaN"', { amount: 'NaN' }, 'Expecting decimal string at data.amount but instead got: "NaN"'],
    ['"Infinity"', { fees: 'Infinity' }, 'Expecting decimal string at data.fees but instead got: "Infinity"'],
    ['""', { amount: '' }, 'Expecting decimal string at data.amount but instead got: ""'],
    ['"abc"', { amount: 'abc' }, 'Expecting decimal string at data.amount but instead got: "abc"'],
    ['"1E+100000000"', { amount: '1E+100000000' }, 'Expecting decimal string at data.amount but instead got: "1E+100000000"'],
    [
      '41 significant digits',
      { amount: '1234567890123456789012345678901.2345678901' },
      'Expecting decimal string at data.amount but instead got: "1234567890123456789012345678901.2345678901"',
    ],
    ['price above 1', { price: '1.5' }, 'Expecting decimal string within 0..1 at data.price but instead got: "1.5"'],
    ['price below 0', { price: '-0.01' }, 'Expecting decimal string within 0..1 at data.price but instead got: "-0.01"'],
    ['price as a number', { price: 0.62 }, 'Expecting decimal string within 0..1 at data.price but instead got: 0.62'],
    ['amount missing', { amount: undefined }, 'Expecting decimal string at data.amount but instead got: undefined'],
    ['side unknown', { side: 'hold' }, 'Expecting one of "buy", "sell" at data.side but instead got: "hold"'],
    ['venue unknown', { venue: 'nyse' }, 'Expecting one of "polymarket", "kalshi" at data.venue but instead got: "nyse"'],
    ['market id without venue', { market_id: 'btc-100k' }, 'Expecting market id "venue:external_id" at data.market_id but instead got: "btc-100k"'],
    ['paper_trade as a string', { paper_trade: 'yes' }, 'Expecting boolean at data.paper_trade but instead got: "yes"'],
    ['executed_at without zone', { executed_at: '2026-01-31T12:00:00' }, 'Expecting ISO-8601 date-time with zone at data.executed_at but instead got: "2026-01-31T12:00:00"'],
  ])('bad data: %s', (_label, data, message) => {
    expect(rejected('trade.results', v1({}, data))).toMatchObject({ reason: 'bad_data', message });
  });

  it('accepts 40 significant digits where 41 are rejected', () => {
    expect(decoded('trade.results', v1({}, { amount: '123456789012345678901234567890.1234567890' })).type).toBe('trade.executed');
  });

  it('reports several errors at once, bounded', () => {
    const r = rejected('trade.results', v1({ data: {} }));
    expect(r.reason).toBe('bad_data');
    expect(r.message).toBe(
      'Expecting non-empty string (at most 256 characters) at data.id but instead got: undefined; ' +
        'Expecting non-empty string (at most 256 characters) at data.request_id but instead got: undefined; ' +
        'Expecting market id "venue:external_id" at data.market_id but instead got: undefined (and 10 more)',
    );
  });

  it.each([
    ['data missing', v1({ data: undefined }), 'Expecting an object at data but instead got: undefined'],
    ['data an array', v1({ data: [] }), 'Expecting an object at data but instead got: []'],
    [
      'a snapshot item with a number price',
      legacy('state_update', { trade_count: 1, recent_trades: [{ ...TRADE, price: 2 }] }),
      'Expecting decimal string within 0..1 at data.recent_trades.0.price but instead got: 2',
    ],
    ['recent_trades not a list', legacy('state_update', { trade_count: 1, recent_trades: {} }), 'Expecting an array at data.recent_trades but instead got: {}'],
    ['trade_count negative', legacy('state_update', { trade_count: -1, recent_trades: [] }), 'Expecting non-negative integer at data.trade_count but instead got: -1'],
  ])('bad data on trade.results: %s', (_label, raw, message) => {
    expect(rejected('trade.results', raw)).toMatchObject({ reason: 'bad_data', message });
  });

  it.each([
    [
      'agent.updates', 'allocation_pct above 1',
      legacy('state_update', { total_capital: '1000', strategies: { x: { ...FIGURES, allocation_pct: '1.5' } } }),
      'Expecting decimal string within 0..1 at data.strategies.x.allocation_pct but instead got: "1.5"',
    ],
    [
      'agent.updates', 'allocation_pct below 0',
      legacy('allocation.updated', { strategy: 'x', allocation_pct: '-0.1', total_capital: '1000' }),
      'Expecting decimal string within 0..1 at data.allocation_pct but instead got: "-0.1"',
    ],
    [
      'agent.updates', 'heartbeat status unknown',
      legacy('agent.heartbeat', { role: 'executor', status: 'zombie', processed: 1, interval_ms: 1000 }),
      'Expecting one of "starting", "running", "halted", "stopped", "error" at data.status but instead got: "zombie"',
    ],
    [
      'risk.state', 'rule_triggered a number',
      legacy('risk.decided', { request_id: 'r', strategy: 's', approved: true, reason: '', rule_triggered: 3 }),
      'Expecting non-empty string (at most 256 characters) at data.rule_triggered but instead got: 3; Expecting null at data.rule_triggered but instead got: 3',
    ],
    ['risk.state', 'halted a string', legacy('state_update', { ...GUARDIAN, halted: 'no' }), 'Expecting boolean at data.halted but instead got: "no"'],
    [
      'risk.state', 'position key not a market id',
      legacy('state_update', { ...GUARDIAN, positions: { 'nyse:ibm': '1' } }),
      'Expecting market id "venue:external_id" at data.positions.nyse:ibm but instead got: "nyse:ibm"',
    ],
    [
      'risk.state', 'position amount a number',
      legacy('state_update', { ...GUARDIAN, positions: { 'kalshi:x': 3 } }),
      'Expecting decimal string at data.positions.kalshi:x but instead got: 3',
    ],
    [
      'risk.state', 'exposure key not a venue',
      legacy('state_update', { ...GUARDIAN, platform_exposure: { polymarket: '1', nyse: '2' } }),
      'Expecting one of "polymarket", "kalshi" at data.platform_exposure.nyse but instead got: "nyse"',
    ],
    [
      'strategy.performance', 'outcome unknown',
      legacy('trade.requested', { request_id: 'r', opportunity_id: 'o', strategy: 's', market_id: 'kalshi:x', side: 'buy', outcome: 'MAYBE', amount: '1', max_price: '0.5', expected_edge: '0.01' }),
      'Expecting one of "YES", "NO" at data.outcome but instead got: "MAYBE"',
    ],
  ])('bad data on %s: %s', (channel, _label, raw, message) => {
    expect(rejected(channel, raw)).toMatchObject({ reason: 'bad_data', message });
  });

  it.each([
    ['trade.results', legacy('trade.exploded', {}), 'Unknown event type "trade.exploded" on channel trade.results'],
    ['trade.results', legacy('risk.halted', { rule: 'r', reason: '' }), 'Unknown event type "risk.halted" on channel trade.results'],
    ['portfolio.summary', legacy('state_update', {}), 'Unknown event type "state_update" on channel portfolio.summary'],
    ['risk.state', v1({ type: 'trade.executed' }), 'Unknown event type "trade.executed" on channel risk.state'],
  ])('unknown type on %s', (channel, raw, message) => {
    expect(rejected(channel, raw)).toMatchObject({ reason: 'unknown_type', message });
  });

  it.each(['nope', 'prod:risk.state', '', 'RISK.STATE', 'system'])('unknown channel %j', (channel) => {
    expect(rejected(channel, LEGACY_GUARDIAN)).toMatchObject({ reason: 'unknown_channel', message: `Unknown channel "${channel}"` });
  });
});

describe('size limit', () => {
  it('rejects a 1 MB message as too_large before parsing it, and keeps only a bounded sample', () => {
    const big = Buffer.alloc(1024 * 1024, 'x'); // not JSON: too_large must win over not_json
    const r = rejected('trade.results', big);
    expect(r).toMatchObject({
      reason: 'too_large',
      message: `Message of 1048576 bytes exceeds the limit of ${DEFAULT_MAX_EVENT_BYTES} bytes`,
      bytes: 1048576,
    });
    expect(r.sample).toBe('x'.repeat(SAMPLE_CHARS));
    const valid = v1({}, { id: 'p'.repeat(100) }).padEnd(1024 * 1024, ' ');
    expect(rejected('trade.results', valid).reason).toBe('too_large');
  });

  it('counts bytes, not characters, and accepts a message of exactly the limit', () => {
    const raw = v1();
    const exact = raw.padEnd(1000, ' ');
    expect(decoded('trade.results', exact, { maxBytes: 1000 }).type).toBe('trade.executed');
    expect(rejected('trade.results', `${exact} `, { maxBytes: 1000 })).toMatchObject({ reason: 'too_large', bytes: 1001 });
    const multibyte = v1({}, { strategy: 'é'.repeat(300) });
    expect(multibyte.length).toBeLessThan(1000);
    expect(Buffer.byteLength(multibyte)).toBeGreaterThan(1000);
    expect(rejected('trade.results', multibyte, { maxBytes: 1000 }).reason).toBe('too_large');
  });

  it('keeps a short sample of a long rejected message', () => {
    const r = rejected('trade.results', v1({}, { amount: 3, strategy: 's'.repeat(1000) }));
    expect(r.reason).toBe('bad_data');
    expect(r.sample.length).toBe(SAMPLE_CHARS);
  });
});

describe('forbidden keys', () => {
  it.each([
    ['__proto__ at the top', '{"__proto__":{"polluted":1},"agent":"a","type":"state_update","data":{}}', 'Forbidden key at __proto__'],
    ['constructor at the top', '{"constructor":{"prototype":{}},"agent":"a","type":"state_update","data":{}}', 'Forbidden key at constructor'],
    ['__proto__ in data', v1({}, {}).replace('"data":{', '"data":{"__proto__":{"polluted":1},'), 'Forbidden key at data.__proto__'],
    ['constructor in data', v1({}, { constructor: 'x' }), 'Forbidden key at data.constructor'],
    ['prototype in data', v1({}, { prototype: {} }), 'Forbidden key at data.prototype'],
    [
      '__proto__ deep in a snapshot item',
      legacy('state_update', { trade_count: 1, recent_trades: [TRADE] }).replace('"paper_trade":true', '"paper_trade":true,"__proto__":{"polluted":1}'),
      'Forbidden key at data.recent_trades.0.__proto__',
    ],
    ['__proto__ hidden in an escape', '{"agent":"a","type":"state_update","data":{"\\u005f_proto__":{"polluted":1}}}', 'Forbidden key at data.__proto__'],
    ['constructor hidden in an escape', '{"agent":"a","type":"state_update","data":{"\\u0063onstructor":1}}', 'Forbidden key at data.constructor'],
    ['__proto__ in a strategies map', legacy('state_update', { total_capital: '1', strategies: { x: FIGURES } }).replace('"strategies":{', '"strategies":{"__proto__":{},'), 'Forbidden key at data.strategies.__proto__'],
  ])('%s is unsafe_key', (_label, raw, message) => {
    expect(rejected('trade.results', raw)).toMatchObject({ reason: 'unsafe_key', message });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['toString', 'strategies'],
    ['hasOwnProperty', 'strategies'],
    ['valueOf', 'strategies'],
  ])('rejects %s as a key of the %s map', (key) => {
    const raw = legacy('state_update', { total_capital: '1000', strategies: { [key]: FIGURES } });
    expect(rejected('agent.updates', raw)).toMatchObject({ reason: 'bad_data', message: `unsafe key "${key}" at data.strategies.${key}` });
  });

  it.each([
    ['toString', 'positions'],
    ['isPrototypeOf', 'positions'],
    ['valueOf', 'platform_exposure'],
  ])('rejects %s as a key of the %s map', (key, map) => {
    const raw = legacy('state_update', { ...GUARDIAN, [map]: { [key]: '1' } });
    expect(rejected('risk.state', raw)).toMatchObject({ reason: 'bad_data', message: `unsafe key "${key}" at data.${map}.${key}` });
  });

  it('given a forbidden key at a path of 120 characters, then the path is shown whole; at 121, its last 120 characters after an ellipsis', () => {
    const at = (keyLength: number) => `{"agent":"a","type":"state_update","data":{"${'k'.repeat(keyLength)}":{"__proto__":1}}}`;
    const path120 = `data.${'k'.repeat(105)}.__proto__`;
    expect(path120).toHaveLength(120);
    expect(rejected('trade.results', at(105))).toMatchObject({ reason: 'unsafe_key', message: `Forbidden key at ${path120}` });
    expect(rejected('trade.results', at(106))).toMatchObject({ reason: 'unsafe_key', message: `Forbidden key at …${`data.${'k'.repeat(106)}.__proto__`.slice(-120)}` });
  });

  it('given every object inheriting an enumerable key named prototype (a polluted Object.prototype), then a message without such own keys still decodes', () => {
    Object.defineProperty(Object.prototype, 'prototype', { value: {}, enumerable: true, configurable: true, writable: true });
    let result: E.Either<Rejected, Event>;
    try {
      result = decodeEvent('trade.results', v1());
    } finally {
      delete (Object.prototype as Record<string, unknown>).prototype;
    }
    expect(E.isRight(result)).toBe(true);
  });

  it('accepts forbidden words as values and inside longer keys', () => {
    const raw = v1({}, { strategy: '__proto__', request_id: 'constructor', id: 'x\\u0041' });
    expect(decoded('trade.results', raw).data).toMatchObject({ strategy: '__proto__', request_id: 'constructor' });
    const strategies = { my_constructor: FIGURES, 'toString-v2': FIGURES };
    expect(decoded('agent.updates', legacy('state_update', { total_capital: '1', strategies })).data).toMatchObject({ strategies });
  });
});

describe('hostile shapes', () => {
  it.each([1_000, 30_000])('rejects JSON nested %i deep without overflowing the stack', (depth) => {
    const deep = '['.repeat(depth) + ']'.repeat(depth);
    expect(rejected('risk.state', `{"agent":"a","type":"risk.halted","data":${deep}}`)).toMatchObject({
      reason: 'bad_data',
      message: expect.stringMatching(/^Expecting an object at data but instead got: \[/) as unknown,
    });
    expect(rejected('risk.state', `{"agent":"a","type":"risk.halted","data":${deep},"x":{"constructor":1}}`)).toMatchObject({
      reason: 'unsafe_key',
      message: 'Forbidden key at x.constructor',
    });
    // Six bytes a level: 10,000 levels still fit the default 64 KiB limit.
    const levels = Math.min(depth, 10_000);
    const nested = `${'{"a":'.repeat(levels)}{"constructor":1}${'}'.repeat(levels)}`;
    const r = rejected('risk.state', `{"agent":"a","type":"risk.halted","data":${nested}}`);
    expect(r.reason).toBe('unsafe_key');
    expect(r.message.length).toBeLessThan(200);
    expect(r.message.endsWith('.a.a.constructor')).toBe(true);
  });

  it('rejects invalid UTF-8 bytes as data, not by throwing', () => {
    const raw = Buffer.concat([Buffer.from('{"agent":"a","type":"risk.halted","data":{"rule":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","reason":1}}')]);
    expect(rejected('risk.state', raw)).toMatchObject({ reason: 'bad_data', message: 'Expecting string at data.reason but instead got: 1' });
  });
});

describe('decodeEvent is total', () => {
  const arbChannel = fc.constantFrom(...AGENT_CHANNELS, 'nope');

  function checkTotal(channel: string, raw: string | Buffer): void {
    let result: ReturnType<typeof decodeEvent> | undefined;
    expect(() => {
      result = decodeEvent(channel, raw);
    }).not.toThrow();
    if (result === undefined) throw new Error('no result');
    if (E.isLeft(result)) {
      expect(REASONS).toContain(result.left.reason);
      expect(result.left.message.length).toBeGreaterThan(0);
      expect(result.left.sample.length).toBeLessThanOrEqual(SAMPLE_CHARS);
    } else {
      expect(TAGS).toContain(result.right.type);
    }
  }

  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(arbChannel, fc.string({ unit: 'binary', maxLength: 300 }), checkTotal), { numRuns: 2_000 });
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(fc.property(arbChannel, fc.uint8Array({ maxLength: 300 }), (channel, bytes) => checkTotal(channel, Buffer.from(bytes))), {
      numRuns: 2_000,
    });
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(fc.property(arbChannel, fc.json(), checkTotal), { numRuns: 2_000 });
  });

  it('never throws on valid envelopes with arbitrary payloads or one field replaced', () => {
    const arbMutated = fc.tuple(arbOutgoingEvent, fc.jsonValue(), fc.nat(), fc.boolean()).map(([event, junk, pick, inData]) => {
      const wire = JSON.parse(encodeEvent(event)) as Record<string, unknown>;
      const target = inData && typeof wire.data === 'object' && wire.data !== null ? (wire.data as Record<string, unknown>) : wire;
      const keys = Object.keys(target);
      const key = keys[pick % keys.length] ?? 'data';
      target[key] = junk;
      return JSON.stringify(wire);
    });
    fc.assert(
      fc.property(arbChannel, arbMutated, (channel, raw) => checkTotal(channel, raw)),
      { numRuns: 2_000 },
    );
  });
});
