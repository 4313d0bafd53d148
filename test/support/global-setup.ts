// Runs once in vitest's main process. Resolves the browser and hands its path (or why there is
// none) to every worker; a browser test then fails with that one line, never skips.
import type { TestProject } from 'vitest/node';
import { resolveChromium } from './chromium-path.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    chromium: { path: string } | { error: string };
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
}
