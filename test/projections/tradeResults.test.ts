import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_TRADES, tradeResults, type TradeEntry } from '../../src/projections';
import { tradeRecord } from '../support/trades';
import { given, legacy, v1 } from './support';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 31, 12, minute)).toISOString();

const fields = (id: string, minute: number) => tradeRecord({ id, request_id: `req-${id}`, executed_at: at(minute) });

const executed = (id: string, minute: number) =>
  v1('trade.executed', { ...fields(id, minute), strategy: 'oracle-sniper', paper_trade: true }, { agent: 'paper-executor' });

const settled = (id: string, won: boolean, pnl: string) =>
  v1('trade.settled', { trade_id: id, strategy: 'oracle-sniper', market_id: 'polymarket:btc-100k', won, pnl, settled_at: at(59) });

/** The entry `executed(id, minute)` leaves in the state, with `changes` made. */
const entry = (id: string, minute: number, changes: Partial<TradeEntry> = {}): TradeEntry =>
  ({ ...fields(id, minute), amount: '25', strategy: 'oracle-sniper', paper_trade: true, won: null, pnl: null, settled_at: null, ...changes }) as TradeEntry;

const snapshot = (trade_count: number, ids: readonly [string, number][]) =>
  legacy('executor.snapshot', { trade_count, recent_trades: ids.map(([id, m]) => fields(id, m)) }, 'paper-executor');

describe('trade.results projection', () => {
  it('counts executions and shows them newest first, in plain notation', () => {
    const { state } = given(tradeResults, [executed('t1', 1), executed('t2', 2)]);
    expect(state.trade_count).toBe(2);
    expect(state.trades.map((t) => t.id)).toEqual(['t2', 't1']);
    expect(state.trades[0]).toEqual({
      ...fields('t2', 2),
      amount: '25',
      strategy: 'oracle-sniper',
      paper_trade: true,
      won: null,
      pnl: null,
      settled_at: null,
    });
    expect(state.trades[1]).toEqual(entry('t1', 1));
  });

  it('adds the settlement to the trade it names', () => {
    given(tradeResults, [executed('t1', 1), executed('t2', 2), settled('t1', false, '-25.0')]).thenHas({
      trades: [entry('t2', 2), entry('t1', 1, { won: false, pnl: '-25', settled_at: at(59) })],
    });
  });

  it('ignores a settlement of a trade it does not hold', () => {
    const s = given(tradeResults, [executed('t1', 1)]).state;
    expect(tradeResults.evolve(s, settled('gone', true, '3'))).toBe(s);
  });

  it('keeps the 50 most recent trades while counting all of them', () => {
    const { state } = given(tradeResults, Array.from({ length: MAX_TRADES + 5 }, (_, i) => executed(`t${i}`, i)));
    expect(state.trade_count).toBe(MAX_TRADES + 5);
    expect(state.trades).toHaveLength(MAX_TRADES);
    expect(state.trades[0]?.id).toBe(`t${MAX_TRADES + 4}`);
    expect(state.trades[MAX_TRADES - 1]?.id).toBe('t5');
  });

  it('given a full window, when a trade older than all of it executes, then it is counted and the window stays the 50 newest', () => {
    const full = given(tradeResults, Array.from({ length: MAX_TRADES }, (_, i) => executed(`t${i}`, 10 + i))).state;
    const after = tradeResults.evolve(full, executed('old', 0));
    expect(after.trade_count).toBe(MAX_TRADES + 1);
    expect(after.trades).toHaveLength(MAX_TRADES);
    expect(after.trades).toEqual(full.trades);
  });

  it('given a full window, when a trade in its middle executes, then it takes its place by time and the oldest leaves', () => {
    const full = given(tradeResults, Array.from({ length: MAX_TRADES }, (_, i) => executed(`t${i}`, 2 * i))).state;
    const after = tradeResults.evolve(full, executed('mid', 51));
    const ids = after.trades.map((t) => t.id);
    expect(ids).toHaveLength(MAX_TRADES);
    expect(ids.slice(0, 25)).toEqual([...Array.from({ length: 24 }, (_, k) => `t${49 - k}`), 'mid']);
    expect(ids[MAX_TRADES - 1]).toBe('t1');
  });

  describe('reconciliation with the executor snapshot', () => {
    it('counts a trade.executed followed by the snapshot that includes it once', () => {
      given(tradeResults, [executed('t1', 1), snapshot(1, [['t1', 1]])]).thenHas({ trade_count: 1, trades: [entry('t1', 1)] });
    });

    it('keeps what only events know (strategy, settlement) when the snapshot updates the trade', () => {
      const { state } = given(tradeResults, [executed('t1', 1), settled('t1', true, '15.3'), snapshot(1, [['t1', 1]])]);
      expect(state.trades).toEqual([entry('t1', 1, { won: true, pnl: '15.3', settled_at: at(59) })]);
    });

    it('is authoritative for the count and fields it carries', () => {
      const updated = legacy('executor.snapshot', { trade_count: 7, recent_trades: [{ ...fields('t1', 1), status: 'partial' }] });
      given(tradeResults, [executed('t1', 1), updated]).thenHas({ trade_count: 7, trades: [entry('t1', 1, { status: 'partial' })] });
    });

    it('never truncates a longer list with its 10-item window', () => {
      const events = Array.from({ length: 30 }, (_, i) => executed(`t${i}`, i));
      const window = Array.from({ length: 10 }, (_, k): [string, number] => [`t${20 + k}`, 20 + k]);
      const { state } = given(tradeResults, [...events, snapshot(30, window)]);
      expect(state.trades).toHaveLength(30);
      expect(state.trade_count).toBe(30);
    });

    it('merges trades it did not hold into place by execution time, with no duplicates', () => {
      const { state } = given(tradeResults, [executed('t1', 1), executed('t3', 3), snapshot(4, [['t2', 2], ['t3', 3], ['t4', 4]])]);
      expect(state.trades.map((t) => t.id)).toEqual(['t4', 't3', 't2', 't1']);
      expect(state.trades.find((t) => t.id === 't2')?.strategy).toBeNull();
    });

    it('leaves the state === when the snapshot repeats what is held', () => {
      const s = given(tradeResults, [snapshot(1, [['t1', 1]])]).state;
      expect(tradeResults.evolve(s, snapshot(1, [['t1', 1]]))).toBe(s);
    });

    it('given a full window and a snapshot with the count held listing only a trade older than all of it, then the state is left as it was', () => {
      const events = Array.from({ length: MAX_TRADES }, (_, i) => executed(`w${i}`, 10 + i));
      const s = given(tradeResults, events).state;
      expect(tradeResults.evolve(s, snapshot(MAX_TRADES, [['old', 1]]))).toBe(s);
    });

    it('given a snapshot with the count held and a trade not held, then the trade is merged in', () => {
      const s = given(tradeResults, [snapshot(2, [['t1', 1]])]).state;
      const next = tradeResults.evolve(s, snapshot(2, [['t2', 2]]));
      expect(next.trade_count).toBe(2);
      expect(next.trades.map((t) => t.id)).toEqual(['t2', 't1']);
    });
  });
});

describe('trade.results: what counts as a change', () => {
  it.each([
    ['status', { status: 'partial' }],
    ['amount', { amount: '30' }],
    ['price', { price: '0.7' }],
    ['fees', { fees: '0.5' }],
    ['side', { side: 'sell' }],
    ['outcome', { outcome: 'NO' }],
    ['venue', { venue: 'kalshi' }],
    ['market', { market_id: 'kalshi:x' }],
    ['request id', { request_id: 'req-other' }],
  ])('given a held trade, when a snapshot changes only its %s, then the trade is updated in place, the count unchanged', (_label, change) => {
    const s1 = given(tradeResults, [executed('t1', 1), executed('t2', 2)]).state;
    const s2 = tradeResults.evolve(s1, legacy('executor.snapshot', { trade_count: 2, recent_trades: [{ ...fields('t1', 1), ...change }] }));
    expect(s2.trades).toEqual([entry('t2', 2), entry('t1', 1, change as Partial<TradeEntry>)]);
    expect(s2.trade_count).toBe(2);
  });

  it('given a held trade, when trade.executed repeats it exactly, then the state is the same object', () => {
    const s1 = given(tradeResults, [executed('t1', 1)]).state;
    expect(tradeResults.evolve(s1, executed('t1', 1))).toBe(s1);
  });

  it('given a settled trade, when the same settlement comes again, then the state is the same object; a different one replaces it', () => {
    const s1 = given(tradeResults, [executed('t1', 1), settled('t1', true, '2')]).state;
    expect(tradeResults.evolve(s1, settled('t1', true, '2.0'))).toBe(s1);
    expect(tradeResults.evolve(s1, settled('t1', false, '2')).trades[0]?.won).toBe(false);
    expect(tradeResults.evolve(s1, settled('t1', true, '3')).trades[0]?.pnl).toBe('3');
  });

  it('given trades executed at the same time, then the later arrival is first', () => {
    const { state } = given(tradeResults, [executed('first', 5), executed('second', 5), executed('older', 4), executed('newer', 6)]);
    expect(state.trades.map((t) => t.id)).toEqual(['newer', 'second', 'first', 'older']);
  });

  it('given a snapshot with only its count changed, then the list keeps its identity', () => {
    const s1 = given(tradeResults, [executed('t1', 1)]).state;
    const s2 = tradeResults.evolve(s1, snapshot(9, [['t1', 1]]));
    expect(s2.trade_count).toBe(9);
    expect(s2.trades).toBe(s1.trades);
  });
});

describe('trade.results: updates by trade.executed and settlements', () => {
  it('given a held trade, when trade.executed repeats it with another status, then the trade is updated in place and not counted again', () => {
    const s1 = given(tradeResults, [executed('t1', 1), executed('t2', 2)]).state;
    const partial = v1('trade.executed', { ...fields('t1', 1), status: 'partial', strategy: 'oracle-sniper', paper_trade: true }, { agent: 'paper-executor' });
    expect(tradeResults.evolve(s1, partial)).toStrictEqual({ trade_count: 2, trades: [entry('t2', 2), entry('t1', 1, { status: 'partial' })] });
  });

  it('given a settled trade, when a settlement differs only in its time, then the settlement time is replaced', () => {
    const s1 = given(tradeResults, [executed('t1', 1), settled('t1', true, '2')]).state;
    const later = v1('trade.settled', { trade_id: 't1', strategy: 'oracle-sniper', market_id: 'polymarket:btc-100k', won: true, pnl: '2', settled_at: at(58) });
    expect(tradeResults.evolve(s1, later)).toStrictEqual({ trade_count: 1, trades: [entry('t1', 1, { won: true, pnl: '2', settled_at: at(58) })] });
  });

  it('given a window not yet full, when a trade executes between two held ones, then every trade keeps its place by time and nothing is dropped', () => {
    const { state } = given(tradeResults, [executed('t1', 1), executed('t3', 3), executed('t2', 2)]);
    expect(state).toStrictEqual({ trade_count: 3, trades: [entry('t3', 3), entry('t2', 2), entry('t1', 1)] });
  });
});

describe('trade.results: a state once returned never changes', () => {
  it('given a state holding a trade, when the trade settles, then the earlier state still shows it unsettled', () => {
    const s1 = given(tradeResults, [executed('t1', 1), executed('t2', 2)]).state;
    tradeResults.evolve(s1, settled('t1', true, '3'));
    expect(s1).toStrictEqual({ trade_count: 2, trades: [entry('t2', 2), entry('t1', 1)] });
  });

  it('given a state holding a trade, when a snapshot updates the trade, then the earlier state still shows it as it was', () => {
    const s1 = given(tradeResults, [executed('t1', 1), executed('t2', 2)]).state;
    tradeResults.evolve(s1, legacy('executor.snapshot', { trade_count: 2, recent_trades: [{ ...fields('t1', 1), status: 'partial' }] }));
    expect(s1).toStrictEqual({ trade_count: 2, trades: [entry('t2', 2), entry('t1', 1)] });
  });
});

describe('trade.results order', () => {
  /** One instant written the ways the codec accepts: UTC to the ms, other precisions, other zones. */
  const forms = (ms: number): string[] => {
    const iso = new Date(ms).toISOString();
    const plus2 = new Date(ms + 2 * 3_600_000).toISOString().slice(0, 23);
    return [iso, iso.replace('Z', '000Z'), iso.replace(/\.\d{3}Z$/, `.${iso.slice(20, 23)}4Z`), `${plus2}+02:00`];
  };

  it('given trades executed at times written in any accepted form, then they are newest first by time, ties newest arrival first', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 30 }), (trades) => {
        const base = Date.UTC(2026, 0, 31, 12, 0, 0, 0);
        const events = trades.map(([step, form], i) => {
          const executedAt = forms(base + step * 500)[form] as string;
          return v1('trade.executed', { ...tradeRecord({ id: `t${i}`, request_id: `req-${i}`, executed_at: executedAt }), strategy: 'momentum', paper_trade: true }, { agent: 'paper-executor' });
        });
        const { state } = given(tradeResults, events);
        const expected = trades
          .map(([step], i) => ({ id: `t${i}`, time: base + step * 500, arrival: i }))
          .sort((a, b) => b.time - a.time || b.arrival - a.arrival)
          .slice(0, MAX_TRADES)
          .map((t) => t.id);
        expect(state.trades.map((t) => t.id)).toEqual(expected);
      }),
    );
  });
});

describe('trade.results: the text of a trade', () => {
  it('given a trade that settles, then its entry lists its fields in the order it had before', () => {
    const { state } = given(tradeResults, [executed('t1', 1), settled('t1', true, '4.50')]);
    const settledEntry = state.trades[0];
    expect(JSON.stringify(Object.keys(settledEntry ?? {}))).toBe(JSON.stringify(Object.keys(given(tradeResults, [executed('t1', 1)]).state.trades[0] ?? {})));
    expect(settledEntry).toStrictEqual(entry('t1', 1, { won: true, pnl: '4.5', settled_at: at(59) }));
  });
});

describe('trade.results: finding a trade by id', () => {
  it('given held ids that end alike, then a settlement finds exactly its own trade, and one for an id ending alike that is not held changes nothing', () => {
    const { state } = given(tradeResults, [executed('x-1', 1), executed('y-1', 2), executed('x-11', 3), settled('y-1', true, '2')]);
    expect(state.trades.map((t) => [t.id, t.won])).toEqual([
      ['x-11', null],
      ['y-1', true],
      ['x-1', null],
    ]);
    expect(tradeResults.evolve(state, settled('z-1', false, '-1'))).toBe(state);
    expect(tradeResults.evolve(state, settled('x-1x', false, '-1'))).toBe(state);
  });
});
