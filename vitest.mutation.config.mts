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
    exclude: ['**/*.int.test.ts', '**/node_modules/**'],
  },
});
