import { describe, expect, it } from 'vitest';
import { readLogBatches } from '../../src/logtools/logReader';
import { lineEntryBatches } from '../../src/logtools/lineEntries';
import { encodeLogLine } from '../../src/logtools/logLine';
import { replay } from '../../src/logtools/replay';
import { REDUCER_SCHEMA } from '../../src/pipeline/checkpoint';
import { reduceEntries, type ChannelVersions } from '../../src/pipeline/logReduction';
import { ProjectionStates } from '../../src/pipeline/projectionStates';
import { allEntries, memoryLogWith, mixedMessages } from './support';

const OPTIONS = { maxEventBytes: 65536 };

async function* lines(texts: readonly string[]): AsyncGenerator<string> {
  for (const text of texts) yield text;
}

describe('replay', () => {
  it('stops after --until-pos, giving what a replay of only those entries gives', async () => {
    const messages = mixedMessages(40);
    const log = await memoryLogWith(messages);
    const upTo20 = await memoryLogWith(messages.slice(0, 20));
    const bounded = await replay(readLogBatches(log, 0, 7), { ...OPTIONS, bounds: { untilPos: 20 } });
    const short = await replay(readLogBatches(upTo20, 0, 7), { ...OPTIONS, bounds: {} });
    expect(bounded.pos).toBe(20);
    expect(bounded).toEqual(short);
    const full = await replay(readLogBatches(log, 0, 7), { ...OPTIONS, bounds: {} });
    expect(full.pos).toBe(44);
    expect(full.states).not.toEqual(bounded.states);
  });

  it('stops before the first entry stamped after --until-time', async () => {
    const start = Date.parse('2026-11-30T05:00:00Z');
    const log = await memoryLogWith(mixedMessages(40), start);
    // Entries are a second apart: position 11 is stamped start + 10 s, position 12 start + 11 s.
    const replayed = await replay(readLogBatches(log, 0, 5), { ...OPTIONS, bounds: { untilTime: start + 10_500 } });
    expect(replayed.pos).toBe(11);
    expect(replayed.entries).toBe(11);
  });

  it('continues from a checkpoint to the same states and versions as a replay from the first entry', async () => {
    const log = await memoryLogWith(mixedMessages(60));
    // A checkpoint as a server writes one: states (seq trackers included) and versions at position 30.
    const states = new ProjectionStates({ inPlace: true });
    const versions: ChannelVersions = {};
    reduceEntries({ states, versions }, (await allEntries(log)).slice(0, 30), OPTIONS);
    const checkpoint = { schema: REDUCER_SCHEMA, epoch: (await log.bounds()).epoch, pos: 30, versions, saved: states.saved() };
    const fromCheckpoint = await replay(readLogBatches(log, 30, 8), { ...OPTIONS, bounds: {}, checkpoint });
    const fromStart = await replay(readLogBatches(log, 0, 8), { ...OPTIONS, bounds: {} });
    expect(fromCheckpoint.from).toBe(30);
    expect(fromCheckpoint.states).toEqual(fromStart.states);
    expect(fromCheckpoint.versions).toEqual(fromStart.versions);
    expect(fromCheckpoint.entries).toBe(fromStart.entries - 30);
  });

  it('replays an NDJSON export like the log, skipping (and reporting) lines that hold no entry or go back in position', async () => {
    const log = await memoryLogWith(mixedMessages(30));
    const entries = await allEntries(log);
    const texts = entries.map(encodeLogLine);
    texts.splice(5, 0, 'garbage', '', encodeLogLine({ ...(entries[1] as (typeof entries)[number]) }));
    const bad: [number, string][] = [];
    const fromFile = await replay(lineEntryBatches(lines(texts), 4, (line, reason) => bad.push([line, reason])), { ...OPTIONS, bounds: {} });
    const fromLog = await replay(readLogBatches(log, 0, 4), { ...OPTIONS, bounds: {} });
    expect(fromFile).toEqual(fromLog);
    expect(bad).toEqual([
      [6, 'not JSON'],
      [8, 'position 2 does not come after the previous entry\'s 5'],
    ]);
  });
});
