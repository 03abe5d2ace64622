import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeEvent, type OutgoingEvent } from '../../src/events';
import { parsedRunKey, runKeyOf } from '../../src/eventlog';

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
/** Text likely to trip a byte-level reader: quotes, backslashes, colons, commas, digits, non-ASCII. */
const awkward = fc.string({ unit: fc.constantFrom('"', '\\', ':', ',', '0', '7', 'a', 'é', '}', ' ') , maxLength: 12 });

describe('run keys', () => {
  it('reads the run key of what our encoder writes from its start alone, and agrees with parsing the whole message', () => {
    fc.assert(
      fc.property(name, name, fc.integer({ min: 1, max: 2 ** 40 }), (agent, run, seq) => {
        const event = { type: 'agent.heartbeat', agent, run, seq, ts: '2026-01-01T00:00:00.000Z', data: { role: 'scanner', status: 'running', processed: 1, interval_ms: 1000 } } as unknown as OutgoingEvent;
        const message = encodeEvent(event);
        expect(runKeyOf(message)).toEqual({ agent, run, seq });
        expect(runKeyOf(Buffer.from(message))).toEqual(parsedRunKey(message));
      }),
    );
  });

  it('agrees with parsing the whole message on any envelope-like text, awkward ids and seqs included', () => {
    fc.assert(
      fc.property(awkward, awkward, awkward, fc.oneof(fc.integer({ min: -3, max: 2 ** 53 }), fc.double(), awkward), awkward, (agent, run, id, seq, rest) => {
        const ids = [id, `${agent}:${run}:${String(seq)}`];
        for (const theId of ids) {
          const message = `{"v":1,"id":${JSON.stringify(theId)},"agent":${JSON.stringify(agent)},"seq":${typeof seq === 'string' ? JSON.stringify(seq) : String(seq)},"rest":${JSON.stringify(rest)}}`;
          expect(runKeyOf(message)).toEqual(parsedRunKey(message));
        }
        expect(runKeyOf(`{"v":1,"id":"${id}`)).toEqual(parsedRunKey(`{"v":1,"id":"${id}`));
      }),
      { numRuns: 2000 },
    );
  });

  it('given bytes that are not UTF-8 in the id and the agent, then it agrees with parsing the whole message (which reads both as U+FFFD)', () => {
    const message = Buffer.concat([Buffer.from('{"v":1,"id":"'), Buffer.from([0xfe]), Buffer.from(':r:1","agent":"'), Buffer.from([0xff]), Buffer.from('","seq":1,"x":1}')]);
    expect(parsedRunKey(message)).toEqual({ agent: '\ufffd', run: 'r', seq: 1 });
    expect(runKeyOf(message)).toEqual(parsedRunKey(message));
  });

  it('gives no key to legacy messages, other versions and garbage', () => {
    for (const message of ['{"agent":"a","type":"state_update","data":{}}', '{"v":2,"id":"a:r:1","agent":"a","seq":1}', 'nope', '', '{"v":1,"id":"a:r:01","agent":"a","seq":01,"x":1}']) {
      expect(runKeyOf(message)).toBeUndefined();
    }
  });
});
