// Mutation testing of the core: `npm run test:mutation` (see docs/MUTATION.md).

// Properties draw the same cases in every run, so a fresh run gives the same score; a failing
// property is reported at once, without shrinking (see test/support/fastCheckSeed.ts).
process.env.FAST_CHECK_SEED ??= '20261130';
process.env.FAST_CHECK_END_ON_FAILURE ??= '1';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.mts' },
  mutate: [
    'src/events/**/*.ts',
    'src/projections/**/*.ts',
    'src/pipeline/**/*.ts',
    'src/client/**/*.ts',
    'src/server/fanout.ts',
    'src/server/rateLimiter.ts',
    'src/server/clientMessage.ts',
    '!src/**/index.ts',
  ],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/mutation/incremental.json',
  reporters: ['progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // The machine is shared and slow: the first run with every test may take minutes.
  dryRunTimeoutMinutes: 20,
  // A mutant's tests are timed against the initial run (x timeoutFactor + timeoutMS). Slowed by other
  // work on the machine, a mutant's ordinary run would pass the default limit (x1.5 + 5 s), be counted
  // caught as a timeout it is not, and cost a restart of the test runner: the limit is wider.
  timeoutFactor: 3,
  timeoutMS: 20_000,
  // A static mutant (module-level code: chiefly the io-ts codec definitions) needs every test file
  // reloaded and run, ~10 s each here, over a thousand of them: hours. The codec and enumeration
  // tests defend that code; `npm run test:mutation -- --ignoreStatic false` includes them.
  ignoreStatic: true,
};
