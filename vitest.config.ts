import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    // Handlers log JSON and EMF to stdout; tests that check logs capture them explicitly.
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // The suite shares one DynamoDB Local; each file uses its own table.
    fileParallelism: true,
  },
});
