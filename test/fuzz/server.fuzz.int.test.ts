import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ProjectionClient } from '../../src/client';
import { startHarness, type Harness } from '../server/harness';
import { redisForTests } from '../support/redis';
import { assertConverges, fuzzProperties, startObserver } from './properties';

const redis = await redisForTests();
const skip = 'skip' in redis ? redis.skip : undefined;
/** A bounded run for every `npm test`; `npm run fuzz -- --minutes N` runs the same properties for longer. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

describe.skipIf(skip !== undefined)(`fuzzing the running server${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  let h: Harness;
  let observer: ProjectionClient;

  beforeAll(async () => {
    h = await startHarness('url' in redis ? redis.url : '', 'fuzz', { '--rate-limit': '1000', '--rate-burst': '1000' });
    observer = await startObserver(h);
  });
  afterAll(async () => {
    observer.close();
    await h.stop();
  });

  it('survives random and adversarial HTTP requests', async () => {
    await fc.assert(fuzzProperties(h).http, { numRuns: RUNS });
    await assertConverges(h, observer, 'after-http');
  });

  it('survives random WebSocket queries, subprotocols and frame sequences', async () => {
    await fc.assert(fuzzProperties(h).websocket, { numRuns: RUNS });
    await assertConverges(h, observer, 'after-ws');
  });

  it('survives random Redis payloads, and a well-behaved client keeps converging', async () => {
    await fc.assert(fuzzProperties(h).redis, { numRuns: RUNS });
    await assertConverges(h, observer, 'after-redis');
  });

  it('survives random WebSocket sessions with access control on (tokens, refreshes, subprotocols)', async () => {
    const guarded = await startHarness('url' in redis ? redis.url : '', 'fuzz-auth', { '--auth-secret': 'fuzz-secret-fuzz-secret-fuzz-secret-0123', '--rate-limit': '1000', '--rate-burst': '1000' });
    try {
      await fc.assert(fuzzProperties(guarded).websocket, { numRuns: RUNS });
      await fc.assert(fuzzProperties(guarded).http, { numRuns: Math.ceil(RUNS / 2) });
    } finally {
      await guarded.stop();
    }
  });
});
