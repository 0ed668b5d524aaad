import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,functions,infra,bench,web}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/cdk.out/**'],
    // One DynamoDB Local for the whole run; each test file makes its own table.
    globalSetup: ['shared/testing/global-setup.ts'],
    setupFiles: ['shared/testing/setup-file.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // A guard against hangs, not a speed check: CLI and host tests spawn processes that are slow on a loaded CI box.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    reporters: ['default', './shared/testing/summary-reporter.ts'],
  },
});
