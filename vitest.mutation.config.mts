import { defineConfig } from 'vitest/config';
import base from './vitest.config.mts';

/**
 * The tests a mutation run uses: the unit tests of the mutated folders. Integration tests
 * (`*.int.test.ts`) need Redis and Chromium and take seconds each, which a run that repeats
 * the tests once per mutant cannot afford; they are left to `npm test`.
 */
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/{events,projections,pipeline,client,server}/**/*.test.ts'],
    // The initial run has every test run once under per-test coverage, often on a loaded machine: a
    // property test may then take minutes, and a timeout there stops the whole run. Stryker times each
    // mutant itself (timeoutMS, timeoutFactor), so hung mutants are still caught.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    exclude: ['**/*.int.test.ts', '**/node_modules/**'],
  },
});
