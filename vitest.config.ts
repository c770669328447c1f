import { defineConfig } from 'vitest/config';

// Test files:  *.test.ts  run once (on PGlite where a database is involved);
//              *.int.test.ts are database integration tests, run by scripts/test.mjs
//              once on PGlite and once on PostgreSQL (TEST_DATABASE_URL).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules', 'test/browser/**'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-fast-check.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
