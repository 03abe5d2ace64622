import * as E from 'fp-ts/Either';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isProjectionChannel, PROJECTION_CHANNELS } from '../../src/server/channels';
import { MAX_QUERY_BYTES, parseWsQuery } from '../../src/server/wsQuery';

const parse = (query: string) => parseWsQuery(query, isProjectionChannel, PROJECTION_CHANNELS.length);
const refusal = (query: string): string => {
  const result = parse(query);
  if (E.isRight(result)) throw new Error(`expected a refusal of ${query}`);
  return result.left;
};

describe('the /ws query', () => {
  it('gives channels, epoch, since and token as typed values', () => {
    const result = parse('channels=risk.state,trade.results&epoch=e-7f3a&since=risk.state:4711,trade.results:0&token=aGVhZA.Ym9keQ.c2ln');
    expect(result).toEqual(
      E.right({
        channels: ['risk.state', 'trade.results'],
        epoch: 'e-7f3a',
        since: new Map([
          ['risk.state', 4711],
          ['trade.results', 0],
        ]),
        token: 'aGVhZA.Ym9keQ.c2ln',
      }),
    );
    expect(parse('')).toEqual(E.right({ channels: [], epoch: undefined, since: undefined, token: undefined }));
    expect(parse('channels=*&x=1')).toMatchObject(E.right({ channels: ['*'] }));
    expect(parse('channels=risk%2Estate,,')).toMatchObject(E.right({ channels: ['risk.state'] }));
  });

  it('refuses what the grammar does not allow', () => {
    expect(refusal(`channels=a&pad=${'x'.repeat(MAX_QUERY_BYTES)}`)).toBe(`query over ${MAX_QUERY_BYTES} bytes`);
    expect(refusal('epoch=a&epoch=b')).toBe('parameter "epoch" given more than once');
    expect(refusal('channels=%E0%A4%A')).toBe('malformed escape in channels');
    expect(refusal(`channels=${'a,'.repeat(PROJECTION_CHANNELS.length + 1)}`)).toContain('channels names');
    expect(refusal('since=risk.state')).toContain('<channel>:<version>');
    expect(refusal('since=risk.state:-1')).toContain('<channel>:<version>');
    expect(refusal('since=risk.state:1e3')).toContain('<channel>:<version>');
    expect(refusal('since=nope:1')).toBe('since names an unknown channel "nope"');
    expect(refusal('since=system:1,system:2')).toBe('since names "system" twice');
    expect(refusal('epoch=')).toContain('epoch');
    expect(refusal('token=abc')).toBe('token is not a JWT');
  });

  it('never throws, whatever the text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (query) => {
      const result = parse(query);
      expect(E.isLeft(result) || E.isRight(result)).toBe(true);
    }));
  });
});
