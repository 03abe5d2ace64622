import * as E from 'fp-ts/Either';
import { expect } from 'vitest';
import { CATALOG, decodeEvent, encodeEvent, type Event, type EventOf, type EventTag } from '../../src/events';
import type { EventsOf, Projection } from '../../src/projections';

/** Counters per (agent, run) so that successive `v1` events get seq 1, 2, 3, ... */
const seqs = new Map<string, number>();

/** Options for building a v1 event. */
export interface V1Options {
  readonly agent?: string;
  readonly run?: string;
  readonly seq?: number;
  readonly ts?: string;
}

/** A v1 event, built the way it travels: encoded, then decoded (so test data is valid). */
export function v1<K extends EventTag>(type: K, data: unknown, options: V1Options = {}): EventOf<K> {
  const agent = options.agent ?? 'test-agent';
  const run = options.run ?? 'r1';
  const key = `${agent}:${run}`;
  const seq = options.seq ?? (seqs.get(key) ?? 0) + 1;
  seqs.set(key, seq);
  const ts = options.ts ?? '2026-11-26T02:47:30.123Z';
  const raw = encodeEvent({ type, agent, run, seq, ts, data: data as Event['data'] });
  return decoded(CATALOG[type].channel, raw) as EventOf<K>;
}

/** A legacy (Python agents') event: no v, id, seq or ts. */
export function legacy<K extends EventTag>(type: K, data: unknown, agent = 'legacy-agent'): EventOf<K> {
  const raw = JSON.stringify({ agent, type: CATALOG[type].wireType, data });
  return decoded(CATALOG[type].channel, raw) as EventOf<K>;
}

/** A v1 trade request by `strategy` (what `strategy.performance` counts as a request). */
export function requested(strategy: string): EventOf<'trade.requested'> {
  return v1('trade.requested', {
    request_id: 'req-1',
    opportunity_id: 'opp-1',
    strategy,
    market_id: 'polymarket:btc-100k',
    side: 'buy',
    outcome: 'YES',
    amount: '25',
    max_price: '0.6',
    expected_edge: '0.1',
  });
}

/** A v1 risk decision on a request by `strategy`. */
export function decided(strategy: string, approved: boolean): EventOf<'risk.decided'> {
  return v1('risk.decided', { request_id: 'req-1', strategy, approved, reason: '', rule_triggered: approved ? null : 'position_limit' });
}

function decoded(channel: string, raw: string): Event {
  const result = decodeEvent(channel, raw);
  if (E.isLeft(result)) throw new Error(`test event does not decode: ${result.left.message}`);
  return result.right;
}

/**
 * Given/then for one projection: `given(p, [e1, e2]).then(expected)` for the whole state, or
 * `.thenHas(fields)` for some fields, each equal exactly (an extra key in a map is a failure:
 * `{}` expects an empty map, not any map).
 */
export function given<S, K extends EventTag>(projection: Projection<S, K>, events: readonly EventsOf<K>[]) {
  const state = events.reduce((s, e) => projection.evolve(s, e), projection.initial);
  return {
    state,
    then(expected: S): void {
      expect(state).toEqual(expected);
    },
    thenHas(expected: Partial<S>): void {
      const actual = Object.fromEntries(Object.keys(expected).map((key) => [key, (state as Record<string, unknown>)[key]]));
      expect(actual).toStrictEqual(expected);
    },
  };
}
