import { describe, expect, it } from 'vitest';
import { AGENT_CHANNELS } from '../../src/events';
import { reduceEntries, reduceEntry, type ChannelVersions, type EntryOutcome } from '../../src/pipeline/logReduction';
import { ProjectionStates } from '../../src/pipeline/projectionStates';
import { entriesOf } from '../logtools/entries';
import { LEGACY, nthEvent } from '../server/fixtures';

const OPTIONS = { maxEventBytes: 65536 };

function given(entries: Parameters<typeof reduceEntries>[1]) {
  const into = { states: new ProjectionStates(), versions: {} as ChannelVersions };
  const outcomes: [number, EntryOutcome['outcome']][] = [];
  reduceEntries(into, entries, OPTIONS, (entry, outcome) => outcomes.push([entry.pos, outcome.outcome]));
  return { ...into, outcomes };
}

describe('reduceEntries', () => {
  it('makes the position of the last entry that changed a channel its version', () => {
    const entries = entriesOf([...Array.from({ length: 12 }, (_, n) => nthEvent(n, 'r1')), ...LEGACY]);
    // The oracle: reduce one entry at a time and watch each channel's state by value.
    const watched = new ProjectionStates();
    const expected: ChannelVersions = {};
    for (const entry of entries) {
      const before = JSON.stringify(watched.saved().states);
      reduceEntries({ states: watched, versions: {} }, [entry], OPTIONS);
      const after = watched.saved().states;
      for (const channel of AGENT_CHANNELS) {
        if (JSON.stringify(after[channel]) !== JSON.stringify((JSON.parse(before) as typeof after)[channel])) expected[channel] = entry.pos;
      }
    }
    expect(Object.keys(expected)).toHaveLength(AGENT_CHANNELS.length);
    expect(given(entries).versions).toEqual(expected);
  });

  it('leaves versions alone for an entry that changes nothing: a duplicate, or a message that does not decode', () => {
    const first = nthEvent(1, 'r1');
    const entries = entriesOf([first, first, { channel: 'risk.state', payload: '{"not":"an event"' }, { channel: 'no.such', payload: '{}' }]);
    const { versions, outcomes, states } = given(entries);
    const once = given(entriesOf([first])).versions;
    expect(Object.keys(once).length).toBeGreaterThan(0);
    expect(Object.values(once)).toEqual(Object.values(once).map(() => 1));
    expect(versions).toEqual(once);
    expect(outcomes).toEqual([
      [1, 'reduced'],
      [2, 'reduced'],
      [3, 'rejected'],
      [4, 'rejected'],
    ]);
    expect(states.counters).toEqual({ applied: 1, duplicates: 1, lost: 0 });
  });

  it('dates an event without ts by its entry\'s log time, so a replay at any later hour gives the same states', () => {
    const [legacyRisk] = LEGACY.filter((m) => m.channel === 'risk.state');
    const at = (time: number) => given(entriesOf([legacyRisk as (typeof LEGACY)[number]], 1, time)).states.saved().states;
    const morning = Date.parse('2026-11-30T05:00:00Z');
    expect(at(morning)).toEqual(at(morning));
    expect(JSON.stringify(at(morning))).toContain('2026-11-30T05:00:00.000Z');
    expect(at(morning)).not.toEqual(at(morning + 60_000));
  });

  it('given a dated event and a legacy one, then each outcome says when the event happened and whether the log dated it', () => {
    const ts = '2026-11-30T04:59:00.000Z';
    const dated = { channel: 'risk.state', payload: JSON.stringify({ ...JSON.parse(nthEvent(1, 'r1').payload), ts }) };
    const [legacyRisk] = LEGACY.filter((m) => m.channel === 'risk.state');
    const [first, second] = entriesOf([dated, legacyRisk as (typeof LEGACY)[number]], 1, Date.parse('2026-11-30T05:00:00Z'));
    const into = { states: new ProjectionStates(), versions: {} as ChannelVersions };
    const outcomeOf = (entry: typeof first) => {
      const outcome = reduceEntry(into, entry as NonNullable<typeof first>, OPTIONS);
      return outcome.outcome === 'reduced' ? { ts: outcome.ts, undated: outcome.undated } : outcome;
    };
    expect(outcomeOf(first)).toEqual({ ts, undated: false });
    // The second entry is stamped a second after the first (entriesOf).
    expect(outcomeOf(second)).toEqual({ ts: '2026-11-30T05:00:01.000Z', undated: true });
  });

  it('given a limit on event size, when an entry is larger, then it is rejected as too large and changes nothing', () => {
    const entries = entriesOf([nthEvent(1, 'r1')]);
    const bytes = (entries[0] as (typeof entries)[number]).message.length;
    const into = { states: new ProjectionStates(), versions: {} as ChannelVersions };
    const outcome = reduceEntry(into, entries[0] as (typeof entries)[number], { maxEventBytes: bytes - 1 });
    expect(outcome.outcome === 'rejected' && outcome.rejected.reason).toBe('too_large');
    expect(into.versions).toEqual({});
    expect(into.states.counters).toEqual({ applied: 0, duplicates: 0, lost: 0 });
    expect(reduceEntry(into, entries[0] as (typeof entries)[number], { maxEventBytes: bytes }).outcome).toBe('reduced');
  });
});
