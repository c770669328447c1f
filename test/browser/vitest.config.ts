import { defineConfig } from 'vitest/config';

// Browser tests: the real server in-process, the built console, Debian's Chromium via playwright-core.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
