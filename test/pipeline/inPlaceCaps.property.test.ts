import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AGENT_CHANNELS, type AgentChannel, type Event } from '../../src/events';
import { ProjectionStates } from '../../src/pipeline';
import { MAX_AGENTS, MAX_MARKETS, MAX_RULES, MAX_TRADES } from '../../src/projections';
import { arbEvent, arbEventOf, arbTimestamp } from '../events/arbitraries';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Events that reach the caps: many agents, rules, markets, trades; as_of on some. */
function widen(event: Event, dice: number, asOf: string | null, i: number): Event {
  let e: Event = event;
  switch (e.type) {
    case 'agent.heartbeat':
      e = { ...e, meta: { ...e.meta, agent: `agent-${dice % 100}` } };
      break;
    case 'risk.decided':
      if (e.data.rule_triggered !== null) e = { ...e, data: { ...e.data, rule_triggered: `rule-${dice % 45}` } } as Event;
      break;
    case 'trade.executed':
      e = { ...e, data: { ...e.data, id: `${e.data.id}-${i}`, market_id: `${e.data.venue}:m-${dice % 320}`, side: 'buy', status: 'filled' } } as Event;
      break;
    case 'trade.settled':
      e = { ...e, data: { ...e.data, market_id: dice % 5 === 0 ? `polymarket:m-${dice % 320}` : `kalshi:s-${dice % 50}` } } as Event;
      break;
    case 'guardian.snapshot':
      if (dice % 200 !== 0) {
        const { positions: _p, ...data } = e.data;
        e = { ...e, data } as Event;
      }
      break;
    default:
  }
  return asOf === null ? e : { ...e, meta: { ...e.meta, asOf } };
}

const arbItem = fc.tuple(
  fc.oneof(
    { arbitrary: arbEvent, weight: 3 },
    { arbitrary: arbEventOf('trade.executed') as fc.Arbitrary<Event>, weight: 4 },
    { arbitrary: arbEventOf('agent.heartbeat') as fc.Arbitrary<Event>, weight: 2 },
    { arbitrary: arbEventOf('risk.decided') as fc.Arbitrary<Event>, weight: 2 },
  ),
  fc.nat(10_000),
  fc.option(arbTimestamp, { freq: 3 }),
);

const arbWide = (min: number, max: number) =>
  fc.array(arbItem, { minLength: min, maxLength: max }).map((items) => {
    const last = new Map<string, number>();
    return items.map(([original, dice, asOf], i): Event => {
      const event = widen(original, dice, asOf, i);
      const { agent, run } = event.meta;
      if (run === null) return event;
      const key = `${agent}:${run}`;
      const seq = (last.get(key) ?? 0) + 1;
      last.set(key, seq);
      return { ...event, meta: { ...event.meta, seq, id: `${agent}:${run}:${seq}` } };
    });
  });

/** Reduces `events` alone (module caches see only this instance), reading all states where `reads` says. */
function run(events: readonly Event[], inPlace: boolean, reads: readonly boolean[], freeze: boolean) {
  const states = new ProjectionStates(inPlace ? { inPlace: true } : {});
  const touched: (readonly AgentChannel[])[] = [];
  const read: { state: unknown; json: string }[] = [];
  events.forEach((event, i) => {
    touched.push([...states.apply(event).touched]);
    if (reads[i % reads.length] === true || !inPlace) {
      for (const c of AGENT_CHANNELS) {
        const state = states.state(c);
        if (inPlace) read.push({ state, json: JSON.stringify(state) });
        if (freeze) deepFreeze(state);
      }
    }
  });
  const final = Object.fromEntries(AGENT_CHANNELS.map((c) => [c, JSON.parse(JSON.stringify(states.state(c))) as unknown]));
  return { touched, read, final };
}

describe('in-place reduction = copying reduction, on streams that reach every cap', () => {
  it('touched equal exactly, states equal, read states never change (and are never written: frozen)', () => {
    let maxAgents = 0;
    let maxRules = 0;
    let maxMarkets = 0;
    let maxTrades = 0;
    fc.assert(
      fc.property(arbWide(2500, 3500), fc.array(fc.nat(9).map((n) => n === 0), { minLength: 97, maxLength: 97 }), (events, reads) => {
        const a = run(events, true, reads, true);
        const b = run(events, false, reads, true);
        // As text: key order is part of what clients receive.
        expect(JSON.stringify(a.final)).toBe(JSON.stringify(b.final));
        expect(a.touched).toEqual(b.touched);
        for (const r of a.read) expect(JSON.stringify(r.state)).toBe(r.json);
        const agents = a.final['agent.updates'] as { agents: object };
        const risk = a.final['risk.state'] as { decisions: { rejections_by_rule: object }; exposure_by_market: object };
        const trades = a.final['trade.results'] as { trades: unknown[] };
        maxAgents = Math.max(maxAgents, Object.keys(agents.agents).length);
        maxRules = Math.max(maxRules, Object.keys(risk.decisions.rejections_by_rule).length);
        maxMarkets = Math.max(maxMarkets, Object.keys(risk.exposure_by_market).length);
        maxTrades = Math.max(maxTrades, trades.trades.length);
      }),
      { numRuns: 8, endOnFailure: true } // streams of thousands of events: shrinking them takes minutes,
    );
    // The caps were reached (so the draftDelete / _other / pop paths ran).
    expect([maxAgents, maxRules, maxMarkets, maxTrades]).toEqual([MAX_AGENTS, MAX_RULES, MAX_MARKETS, MAX_TRADES]);
  });
});
