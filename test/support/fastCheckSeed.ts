import fc from 'fast-check';

/**
 * With FAST_CHECK_SEED set, every property draws the same cases on every run: the mutation run
 * sets it so that a score does not depend on which values a property happened to draw, and
 * `FAST_CHECK_SEED=<seed> npm test` replays a property failure reported with that seed.
 * FAST_CHECK_END_ON_FAILURE=1 reports the first counterexample without shrinking it: a mutation
 * run only needs to know that a property fails, not the smallest case that shows it.
 */
const seed = process.env.FAST_CHECK_SEED;
if (seed !== undefined && seed !== '') {
  const value = Number(seed);
  if (!Number.isSafeInteger(value)) throw new Error(`FAST_CHECK_SEED must be an integer, got "${seed}"`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: value });
}
if (process.env.FAST_CHECK_END_ON_FAILURE === '1') fc.configureGlobal({ ...fc.readConfigureGlobal(), endOnFailure: true });
