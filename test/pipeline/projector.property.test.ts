import fc from 'fast-check';
import * as jsonpatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { AGENT_CHANNELS, type AgentChannel, type Event } from '../../src/events';
import { ProjectionStates, Projector, type Operation } from '../../src/pipeline';
import { agentUpdates, riskState, strategyPerformance, tradeResults, type Projection } from '../../src/projections';
import { arbStream } from './streams';

/** What a client holds: a JSON copy (never shared with the server's state). */
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** A client applying ops as they arrive over the wire. */
const patched = (doc: unknown, ops: readonly Operation[]): unknown =>
  jsonpatch.applyPatch(copy(doc), copy(ops) as jsonpatch.Operation[], true, true).newDocument;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const arbEvents = fc.oneof(arbStream(1, 60), arbStream(40, 120, true));
const RUNS = { numRuns: 200 };

describe('Projector properties', () => {
  it('states reduced in place (as the server does) equal the projector\'s, and a state once read never changes', () => {
    fc.assert(
      fc.property(arbEvents, fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }), (events, reads) => {
        const projector = new Projector();
        const inPlace = new ProjectionStates({ inPlace: true });
        const read: { state: unknown; json: string }[] = [];
        events.forEach((event, i) => {
          const changed = projector.apply(event).changes.map((c) => c.channel);
          const touched = inPlace.apply(event).touched;
          for (const channel of changed) expect(touched).toContain(channel);
          if (reads[i % reads.length] === true) {
            for (const c of AGENT_CHANNELS) {
              const state = inPlace.state(c);
              read.push({ state, json: JSON.stringify(state) });
            }
          }
        });
        // As text: the wire carries the states' JSON, so key order must match too, which toEqual ignores.
        for (const c of AGENT_CHANNELS) expect(JSON.stringify(inPlace.state(c))).toBe(JSON.stringify(projector.state(c)));
        for (const r of read) expect(JSON.stringify(r.state)).toBe(r.json);
        expect(inPlace.counters).toEqual(projector.counters);
      }),
      RUNS,
    );
  });

  it('snapshot before + the emitted ops = snapshot after, for every change', () => {
    fc.assert(
      fc.property(arbEvents, (events) => {
        const p = new Projector();
        for (const event of events) {
          const before = Object.fromEntries(AGENT_CHANNELS.map((c) => [c, copy(p.state(c))]));
          const result = p.apply(event);
          for (const change of result.changes) {
            expect(patched(before[change.channel], change.ops)).toEqual(copy(p.state(change.channel)));
          }
          for (const c of AGENT_CHANNELS) {
            if (!result.changes.some((ch) => ch.channel === c)) expect(copy(p.state(c))).toEqual(before[c]);
          }
        }
      }),
      RUNS,
    );
  });

  it('one conflated delta (ops concatenated over several events) = the per-event deltas applied in turn', () => {
    fc.assert(
      fc.property(arbEvents, fc.integer({ min: 1, max: 10 }), (events, tick) => {
        const p = new Projector();
        const client = Object.fromEntries(AGENT_CHANNELS.map((c) => [c, copy(p.state(c))])) as Record<AgentChannel, unknown>;
        const conflated = new Map<AgentChannel, Operation[]>();
        events.forEach((event, i) => {
          for (const change of p.apply(event).changes) conflated.set(change.channel, [...(conflated.get(change.channel) ?? []), ...change.ops]);
          if ((i + 1) % tick === 0 || i === events.length - 1) {
            for (const [channel, ops] of conflated) client[channel] = patched(client[channel], ops);
            conflated.clear();
          }
        });
        for (const c of AGENT_CHANNELS) expect(client[c]).toEqual(copy(p.state(c)));
      }),
      RUNS,
    );
  });

  it('versions start at 0 and rise by one exactly when a change is reported', () => {
    fc.assert(
      fc.property(arbEvents, (events) => {
        const p = new Projector();
        for (const c of AGENT_CHANNELS) expect(p.version(c)).toBe(0);
        for (const event of events) {
          const before = Object.fromEntries(AGENT_CHANNELS.map((c) => [c, { v: p.version(c), s: p.state(c) }]));
          const { changes } = p.apply(event);
          for (const c of AGENT_CHANNELS) {
            const change = changes.find((ch) => ch.channel === c);
            if (change === undefined) {
              expect(p.version(c)).toBe(before[c]?.v);
              expect(p.state(c)).toBe(before[c]?.s);
            } else {
              expect(change.version).toBe((before[c]?.v ?? 0) + 1);
              expect(p.version(c)).toBe(change.version);
              expect(change.ops.length).toBeGreaterThan(0);
            }
          }
        }
      }),
      RUNS,
    );
  });

  it('a duplicate event changes nothing and is counted', () => {
    fc.assert(
      fc.property(arbEvents, fc.nat(), (events, pick) => {
        const p = new Projector();
        for (const e of events) p.apply(e);
        const v1 = events.filter((e) => e.meta.seq !== null);
        const again = v1[pick % Math.max(v1.length, 1)];
        if (again === undefined) return;
        const states = AGENT_CHANNELS.map((c) => p.state(c));
        const versions = AGENT_CHANNELS.map((c) => p.version(c));
        const duplicates = p.counters.duplicates;
        expect(p.apply(again)).toEqual({ outcome: 'duplicate', lost: 0, changes: [] });
        expect(AGENT_CHANNELS.map((c) => p.state(c))).toEqual(states);
        AGENT_CHANNELS.forEach((c, i) => expect(p.state(c)).toBe(states[i]));
        expect(AGENT_CHANNELS.map((c) => p.version(c))).toEqual(versions);
        expect(p.counters.duplicates).toBe(duplicates + 1);
      }),
      RUNS,
    );
  });

  it('an event a projection does not handle leaves it === unchanged', () => {
    fc.assert(
      fc.property(arbEvents, (events) => {
        const p = new Projector();
        for (const event of events) {
          const before = AGENT_CHANNELS.map((c) => p.state(c));
          const { changes } = p.apply(event);
          for (const projection of EVENT_FED) {
            if (!(projection.handles as readonly string[]).includes(event.type)) {
              expect(p.state(projection.channel)).toBe(before[AGENT_CHANNELS.indexOf(projection.channel)]);
            }
          }
          const fedChanged = changes.some((c) => c.channel !== 'portfolio.summary');
          if (!fedChanged) expect(p.state('portfolio.summary')).toBe(before[AGENT_CHANNELS.indexOf('portfolio.summary')]);
        }
      }),
      RUNS,
    );
  });

  it('evolve never mutates its deep-frozen state and event', () => {
    fc.assert(
      fc.property(arbEvents, (events) => {
        const p = new Projector();
        for (const event of events) {
          for (const c of AGENT_CHANNELS) deepFreeze(p.state(c));
          const frozen = deepFreeze(copy(event));
          const snapshot = copy(frozen);
          expect(() => p.apply(frozen)).not.toThrow();
          expect(frozen).toEqual(snapshot);
        }
      }),
      RUNS,
    );
  });

  it('each projection, called directly, returns its frozen state untouched and never throws on its events', () => {
    fc.assert(
      fc.property(arbEvents, (events) => {
        for (const projection of EVENT_FED) {
          let state: unknown = deepFreeze(projection.initial);
          for (const event of events) {
            if (!(projection.handles as readonly string[]).includes(event.type)) continue;
            const before = copy(state);
            const next = (projection.evolve as (s: unknown, e: Event) => unknown)(state, deepFreeze(event));
            expect(state).toEqual(before);
            state = deepFreeze(next);
          }
        }
      }),
      RUNS,
    );
  });

  it('states stay bounded however long the stream', () => {
    fc.assert(
      fc.property(arbStream(200, 400, true), (events) => {
        const p = new Projector();
        for (const e of events) p.apply(e);
        expect(p.state('trade.results').trades.length).toBeLessThanOrEqual(50);
        expect(p.state('portfolio.summary').equity_curve.length).toBeLessThanOrEqual(500);
      }),
      { numRuns: 20 },
    );
  });
});

const EVENT_FED: readonly Projection<unknown, Event['type']>[] = [
  agentUpdates,
  tradeResults,
  riskState,
  strategyPerformance,
] as unknown as readonly Projection<unknown, Event['type']>[];
