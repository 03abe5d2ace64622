import type { HttpResponse } from 'uWebSockets.js';
import { describe, expect, it } from 'vitest';
import { answerFault } from '../../src/server/httpReply';

/** A stand-in for uWS's response that records what was done to it; `broken` makes every write throw. */
function response(broken: boolean) {
  const done: string[] = [];
  const res = {
    cork(cb: () => void) {
      cb();
      return res;
    },
    writeStatus(status: string) {
      if (broken) throw new Error('Invalid access of discarded or aborted uWS.HttpResponse');
      done.push(status);
      return res;
    },
    writeHeader() {
      return res;
    },
    end(body: string) {
      done.push(`end ${body.trim()}`);
      return res;
    },
    close() {
      done.push('close');
      return res;
    },
  };
  return { res: res as unknown as HttpResponse, done };
}

describe('answering a faulted request', () => {
  it('given a response that can be written, then 400', () => {
    const { res, done } = response(false);
    answerFault(res);
    expect(done).toEqual(['400 Bad Request', 'end This request could not be handled']);
  });

  it('given a response that cannot be written, then the connection is closed (uWS would end the process for an unanswered request)', () => {
    const { res, done } = response(true);
    answerFault(res);
    expect(done).toEqual(['close']);
  });
});
