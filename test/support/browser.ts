// Shared browser helper for tests: the Chromium the global setup resolved (CHROMIUM_PATH or the
// one @sparticuz/chromium ships) through playwright-core, one fresh user-data dir per launch
// (removed on close), no network chatter. Reuse it from any suite.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { artifactsDir, tempDir } from './paths.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** The browser's path; throws the global setup's one-line reason when there is none. */
export function chromiumPath(): string {
  const found = inject('chromium');
  if ('error' in found) throw new Error(found.error);
  return found.path;
}

export type Browser = {
  context: BrowserContext;
  /** A new page at the given viewport; `colorScheme` emulates prefers-color-scheme. */
  page: (opts?: {
    width?: number;
    height?: number;
    colorScheme?: 'light' | 'dark';
  }) => Promise<Page>;
  close: () => Promise<void>;
};

export async function launchBrowser(): Promise<Browser> {
  const userDataDir = tempDir('verdicts-chromium-');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 800, height: 900 },
  });
  // No test page may reach the network: everything is served from memory or files.
  await context.route(/^https?:\/\//, (route) => route.abort());
  return {
    context,
    page: async ({ width = 800, height = 900, colorScheme = 'light' } = {}) => {
      const page = await context.newPage();
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme });
      return page;
    },
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** What takes a picture: a Page or a Locator. */
type Capturable = { screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown> };

/** Chromium's answer when it refuses one capture that it takes when asked again. */
const TRANSIENT_CAPTURE = /Unable to capture screenshot/;
const CAPTURE_ATTEMPTS = 3;

/**
 * `target.screenshot(options)`, asked again (up to three times in all) when Chromium refuses
 * the capture with "Unable to capture screenshot": software-rendered headless Chromium does that
 * now and then and takes the same picture a moment later, and the picture is a record for
 * people, not what a test asserts. Any other error, or a third refusal, is thrown.
 */
export async function screenshot(
  target: Capturable,
  options: { path: string; fullPage?: boolean },
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await target.screenshot(options);
      return;
    } catch (e) {
      if (attempt >= CAPTURE_ATTEMPTS || !TRANSIENT_CAPTURE.test((e as Error).message)) throw e;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

/** Where a test keeps a screenshot (test-artifacts/, git-ignored). */
export function artifactPath(name: string): string {
  mkdirSync(artifactsDir, { recursive: true });
  return path.join(artifactsDir, name);
}

/** Page geometry a layout test asserts on. */
export async function measure(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  // A string, not a function: the test tsconfig has no DOM types.
  return page.evaluate(
    '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
  );
}

/**
 * Call at the top of a test file: one Chromium for the file, launched before its first test
 * and closed after its last. The Browser it returns works inside tests.
 */
export function useBrowser(): Browser {
  let launched: Browser | undefined;
  beforeAll(async () => {
    launched = await launchBrowser();
  });
  afterAll(async () => {
    await launched?.close();
  });
  const live = () => {
    if (!launched) throw new Error('the browser is launched before the first test: use it in one');
    return launched;
  };
  return {
    get context() {
      return live().context;
    },
    page: (opts) => live().page(opts),
    close: async () => undefined,
  };
}
