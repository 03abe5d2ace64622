import { describe, expect, it } from 'vitest';
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
  ])('given %s, then there is no run', (_label, id) => {
    expect(runOf(id, 'paper-executor', 42)).toBeUndefined();
  });
});
