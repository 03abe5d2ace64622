import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runOf } from '../../src/events/envelope';

/** The run part of a v1 id `<agent>:<run>:<seq>` (PROTOCOL.md): anything else is not an id of that event. */
describe('runOf', () => {
  it('given an id of the form agent:run:seq, then the run is read out, colons inside it included', () => {
    expect(runOf('paper-executor:3f9a:42', 'paper-executor', 42)).toBe('3f9a');
    expect(runOf('a:r:1', 'a', 1)).toBe('r');
    expect(runOf('a:x:y:10', 'a', 10)).toBe('x:y');
  });

  it.each([
    ['a dash instead of the colon after the agent', 'paper-executor-3f9a:42'],
    ['a dash instead of the colon before the seq', 'paper-executor:3f9a-42'],
    ['no separators at all', 'paper-executor3f9a42'],
    ['an empty run', 'paper-executor::42'],
    ['another agent of the same length', 'paper-executer:3f9a:42'],
    ['another seq of the same length', 'paper-executor:3f9a:41'],
    ['only the agent and the seq', 'paper-executor:42'],
    ['the seq with a leading zero', 'paper-executor:3f9a:042'],
    ['a letter among the seq digits', 'paper-executor:3f9a:4x2'],
    ['a sign before the seq', 'paper-executor:3f9a:+42'],
    ['no seq after the last colon', 'paper-executor:3f9a:'],
    ['a character just after the digits among them', 'paper-executor:3f9a:3<'],
    ['a character just before the digits among them', 'paper-executor:3f9a:5('],
  ])('given %s, then there is no run', (_label, id) => {
    expect(runOf(id, 'paper-executor', 42)).toBeUndefined();
  });

  it('given seqs up to the largest safe integer, then their ids are read; longer digit strings that round to them are not', () => {
    const largest = Number.MAX_SAFE_INTEGER;
    expect(runOf(`a:r:${largest}`, 'a', largest)).toBe('r');
    expect(runOf('a:r:9007199254740993', 'a', largest)).toBeUndefined();
    expect(runOf('a:r:19007199254740991', 'a', largest)).toBeUndefined();
    expect(runOf(`a:r:${largest - 1}`, 'a', largest)).toBeUndefined();
  });

  it('given ids of different runs in turn, then each gives its own run', () => {
    const ids = ['a:run-1:1', 'a:run-2:2', 'a:run-1:3', 'b:run-1:4', 'a:run-12:5', 'a:run-1:6'];
    expect(ids.map((id, i) => runOf(id, id.slice(0, 1), i + 1))).toEqual(['run-1', 'run-2', 'run-1', 'run-1', 'run-12', 'run-1']);
    // A run that is another agent's name and colon, then that agent's run of the same length.
    expect(runOf('q:b::1', 'q', 1)).toBe('b:');
    expect(runOf('b:zz:2', 'b', 2)).toBe('zz');
    expect(runOf('a:r:a', 'a', 49)).toBeUndefined();
  });
});

/** The definition `runOf` reads in place: the text between `<agent>:` and the last colon, when what follows that colon is the seq written out. */
function runByText(id: string, agent: string, seq: number): string | undefined {
  const start = agent.length + 1;
  const end = id.lastIndexOf(':');
  if (!id.startsWith(`${agent}:`) || end <= start || id.slice(end + 1) !== String(seq)) return undefined;
  return id.slice(start, end);
}

describe('runOf against the text definition', () => {
  it('given ids built from near-miss agents, runs and seqs (colons and digits included), then runOf answers as slicing the text does', () => {
    const part = fc.string({ unit: fc.constantFrom('a', 'b', ':', '1', '0', '-'), maxLength: 6 });
    const seq = fc.oneof(fc.integer({ min: 1, max: 120 }), fc.constant(Number.MAX_SAFE_INTEGER));
    const tail = fc.oneof(seq.map(String), part);
    fc.assert(
      fc.property(part, part, part, tail, seq, (agent, idAgent, run, written, s) => {
        const id = `${idAgent}:${run}:${written}`;
        expect(runOf(id, agent, s)).toBe(runByText(id, agent, s));
        expect(runOf(id, idAgent, s)).toBe(runByText(id, idAgent, s));
        expect(runOf(`${agent}:${run}:${s}`, agent, s)).toBe(runByText(`${agent}:${run}:${s}`, agent, s));
      }),
      { numRuns: 5_000 },
    );
  });
});
