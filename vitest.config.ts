import { defineConfig } from 'vitest/config';

/**
 * Tests that measure timing against a stand-in for a remote service, which must not share the
 * machine's 2 cores with the rest of the suite: the Resend stand-in plays Resend's own servers
 * and stamps each request's arrival on its event loop, so a starved test process stamps late
 * and turns well-spaced requests into a burst that no real team would see. They run after
 * everything else, one file at a time.
 */
const ALONE = ['test/send/shared-rate.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/scrub-env.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: ALONE,
          // Browser, fault and server suites start processes and ports; two workers fit 2 cores.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'alone',
          include: ALONE,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
