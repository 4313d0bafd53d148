import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { compilePersonaliser } from '../../src/render/personalise.ts';
import { renderIssue } from '../../src/render/render-issue.ts';
import { artifactPath, type Browser, launchBrowser, measure } from '../support/browser.ts';
import { builtFor } from '../support/build-week.ts';
import { LINKS, RENDER_OPTS, sixPairIssue } from '../support/issue-fixtures.ts';
import { dataDir, tempDir } from '../support/paths.ts';

const reader = { subscriberId: 42, email: 'ada@example.com', name: 'Ada' };
let browser: Browser;
let issues: string;
let seedHtml: string;
let sixHtml: string;

beforeAll(async () => {
  issues = tempDir('verdicts-issues-');
  const config = {
    ...loadConfig({ PUBLIC_BASE_URL: 'https://verdicts.example.com' }),
    ISSUES_DIR: issues,
    DATA_DIR: dataDir,
  };
  const built = await builtFor(config, '2026-W48', { at: new Date('2026-12-01T00:00:00Z') });
  seedHtml = compilePersonaliser(built.rendered, built.issue)(reader, LINKS).html;
  const six = await sixPairIssue();
  sixHtml = compilePersonaliser(await renderIssue(six, RENDER_OPTS), six)(reader, LINKS).html;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function box(page: Page, text: string) {
  const el = page.locator('h3', { hasText: text }).first();
  expect(await el.isVisible(), `${text} visible`).toBe(true);
  return (await el.boundingBox())!;
}

describe('the email in a browser', () => {
  for (const width of [375, 800]) {
    it(`fits ${width} px without horizontal scroll and shows both tools`, async () => {
      const page = await browser.page({ width });
      await page.setContent(seedHtml);
      const m = await measure(page);
      expect(m.scrollWidth).toBeLessThanOrEqual(m.innerWidth);
      const a = await box(page, 'SmolVLM2');
      const b = await box(page, 'Code Llama 4');
      for (const r of [a, b]) expect(r.x + r.width).toBeLessThanOrEqual(width);
      if (width === 800)
        expect(Math.abs(a.y - b.y)).toBeLessThan(2); // side by side
      else expect(b.y).toBeGreaterThan(a.y + 100); // stacked
      await page.screenshot({ path: artifactPath(`email-${width}.png`), fullPage: true });
      await page.close();
    });
  }

  it('switches to the dark palette under prefers-color-scheme: dark', async () => {
    const page = await browser.page({ width: 800, colorScheme: 'dark' });
    await page.setContent(seedHtml);
    const bg = await page.evaluate(
      'getComputedStyle(document.querySelector(".vt-card")).backgroundColor',
    );
    expect(bg).toBe('rgb(26, 29, 35)');
    await page.screenshot({ path: artifactPath('email-800-dark.png'), fullPage: true });
    await page.close();
  });

  it('lays out six pairs at phone width without horizontal scroll', async () => {
    const page = await browser.page({ width: 375 });
    await page.setContent(sixHtml);
    const m = await measure(page);
    expect(m.scrollWidth).toBeLessThanOrEqual(m.innerWidth);
    expect(await page.locator('h2').count()).toBe(6);
    await page.close();
  });
});

describe('the archive in a browser', () => {
  for (const width of [375, 1100]) {
    it(`shows the web version at ${width} px with full quotes`, async () => {
      const page = await browser.page({ width });
      await page.goto(pathToFileURL(path.join(issues, '2026-W48', 'index.html')).href);
      const m = await measure(page);
      expect(m.scrollWidth).toBeLessThanOrEqual(m.innerWidth);
      await box(page, 'SmolVLM2');
      await box(page, 'Code Llama 4');
      expect(await page.getByText('benchmark theater', { exact: false }).isVisible()).toBe(true);
      await page.screenshot({ path: artifactPath(`web-${width}.png`), fullPage: true });
      await page.close();
    });
  }

  it('shows the archive index', async () => {
    const page = await browser.page({ width: 800 });
    await page.goto(pathToFileURL(path.join(issues, 'index.html')).href);
    const link = page.getByRole('link', { name: 'SmolVLM2 vs Code Llama 4' });
    expect(await link.getAttribute('href')).toBe('https://verdicts.example.com/issues/2026-W48/');
    const m = await measure(page);
    expect(m.scrollWidth).toBeLessThanOrEqual(m.innerWidth);
    expect(readFileSync(path.join(issues, 'index.html'), 'utf8')).toContain('lang="en"');
    await page.screenshot({ path: artifactPath('archive-index.png'), fullPage: true });
    await page.close();
  });
});
