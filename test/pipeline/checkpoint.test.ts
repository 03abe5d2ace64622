import * as E from 'fp-ts/Either';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AGENT_CHANNELS } from '../../src/events';
import { decodeCheckpoint, encodeCheckpoint, REDUCER_SCHEMA, type Checkpoint } from '../../src/pipeline/checkpoint';
import { ProjectionStates } from '../../src/pipeline/projectionStates';
import { arbStream } from './streams';

const statesOf = (p: ProjectionStates) => Object.fromEntries(AGENT_CHANNELS.map((c) => [c, p.state(c)]));

describe('checkpoints of the projection states', () => {
  it('given a stream cut anywhere, when the first part is checkpointed (through its bytes) and the rest applied to the restored states, then states, seq trackers and counters equal one pass over the whole stream', () => {
    fc.assert(
      fc.property(arbStream(0, 60), fc.nat(60), (events, cutAt) => {
        const cut = Math.min(cutAt, events.length);
        const whole = new ProjectionStates({ inPlace: true });
        const first = new ProjectionStates({ inPlace: true });
        const whole1 = events.map((e) => whole.apply(e, '2026-01-01T00:00:00.000Z'));
        for (const e of events.slice(0, cut)) first.apply(e, '2026-01-01T00:00:00.000Z');
        const checkpoint: Checkpoint = { schema: REDUCER_SCHEMA, epoch: 'e', pos: cut, versions: {}, saved: first.saved() };
        const decoded = decodeCheckpoint(encodeCheckpoint(checkpoint));
        if (E.isLeft(decoded)) throw new Error(decoded.left);
        const restored = new ProjectionStates({ inPlace: true }, decoded.right.saved);
        const rest = events.slice(cut).map((e) => restored.apply(e, '2026-01-01T00:00:00.000Z'));
        expect(rest).toEqual(whole1.slice(cut));
        expect(statesOf(restored)).toEqual(statesOf(whole));
        expect(restored.counters).toEqual(whole.counters);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses a checkpoint of another reducer schema, one that is not JSON, and one missing a state, saying why', () => {
    const saved = new ProjectionStates().saved();
    const good: Checkpoint = { schema: REDUCER_SCHEMA, epoch: 'e', pos: 3, versions: { 'risk.state': 2 }, saved };
    expect(E.isRight(decodeCheckpoint(encodeCheckpoint(good)))).toBe(true);
    expect(decodeCheckpoint(encodeCheckpoint({ ...good, schema: `${REDUCER_SCHEMA}x` }))).toEqual(
      E.left(`checkpoint has reducer schema ${REDUCER_SCHEMA}x, this server ${REDUCER_SCHEMA}`),
    );
    expect(decodeCheckpoint('{')).toEqual(E.left('checkpoint is not JSON'));
    const { 'risk.state': _dropped, ...others } = saved.states;
    const missing = decodeCheckpoint(JSON.stringify({ ...good, saved: { ...saved, states: others } }));
    expect(missing).toEqual(E.left('checkpoint is malformed: Expecting UnknownRecord at saved.states.risk.state but instead got: undefined'));
  });

  it('given the bytes of a checkpoint as a Buffer, then they decode as the same text would', () => {
    const good: Checkpoint = { schema: REDUCER_SCHEMA, epoch: 'e', pos: 3, versions: { 'risk.state': 2 }, saved: new ProjectionStates().saved() };
    const decoded = decodeCheckpoint(Buffer.from(encodeCheckpoint(good)));
    expect(decoded).toEqual(E.right(good));
  });

  it.each([
    ['a negative position', { pos: -1 }, 'Expecting non-negative integer at pos but instead got: -1'],
    ['a fractional position', { pos: 1.5 }, 'Expecting non-negative integer at pos but instead got: 1.5'],
    ['a position past 2^53', { pos: 2 ** 53 }, `Expecting non-negative integer at pos but instead got: ${2 ** 53}`],
    ['a negative version', { versions: { 'risk.state': -2 } }, 'Expecting non-negative integer at versions.risk.state but instead got: -2'],
  ])('given a checkpoint with %s, then it is refused as malformed', (_label, change, why) => {
    const good: Checkpoint = { schema: REDUCER_SCHEMA, epoch: 'e', pos: 3, versions: { 'risk.state': 2 }, saved: new ProjectionStates().saved() };
    expect(decodeCheckpoint(JSON.stringify({ ...good, ...change }))).toEqual(E.left(`checkpoint is malformed: ${why}`));
  });

  it('given a checkpoint at position 0 with nothing reduced, then it is accepted', () => {
    const empty: Checkpoint = { schema: REDUCER_SCHEMA, epoch: 'e', pos: 0, versions: { 'risk.state': 0 }, saved: new ProjectionStates().saved() };
    expect(decodeCheckpoint(encodeCheckpoint(empty))).toEqual(E.right(empty));
  });
});
