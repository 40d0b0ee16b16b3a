import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// End-to-end tests: the built renderer in Debian's Chromium through the web shell.
// They run one file at a time; each starts its own web shell on its own workbook.
export default defineConfig({
  resolve: { alias: { '@shared': resolve('src/shared') } },
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    globalSetup: ['test/e2e/global-setup.ts'],
  },
});
