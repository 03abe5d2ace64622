import { describe, expect, it } from 'vitest';
import { tokenFromFragment } from '../../src/dashboard/token';

describe('the dashboard token in the URL fragment', () => {
  it('given #token=…, then the token, and nothing of it left in the fragment', () => {
    expect(tokenFromFragment('#token=aaa.bbb.ccc')).toEqual({ token: 'aaa.bbb.ccc', rest: '' });
    expect(tokenFromFragment('#token=aaa.bbb.ccc&page=risk')).toEqual({ token: 'aaa.bbb.ccc', rest: '#risk' });
  });

  it('given a page fragment or none, then no token and the fragment unchanged', () => {
    expect(tokenFromFragment('#risk')).toEqual({ token: undefined, rest: '#risk' });
    expect(tokenFromFragment('')).toEqual({ token: undefined, rest: '' });
    expect(tokenFromFragment('#token=')).toEqual({ token: undefined, rest: '' });
  });
});
