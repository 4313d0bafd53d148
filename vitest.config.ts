import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/scrub-env.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser, fault and server suites start processes and ports; two workers fit 2 cores.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
