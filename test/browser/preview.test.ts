// The editors' preview in Chromium, as an editor uses it: open a week, switch weeks,
// toggle phone and dark, read the plain text, edit a data file and watch the change arrive
// without a reload, break a file and read the error on the page, fix it, send a test.
// Screenshots go to test-artifacts/preview-*.png; with UPDATE_README_SCREENSHOT=1 the main
// view is also written to test/readme/preview.png (fixed clock, data and viewport).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { palette } from '../../src/render/palette.ts';
import { artifactPath, type Browser, launchBrowser, screenshot } from '../support/browser.ts';
import { repoRoot } from '../support/paths.ts';
import {
  ARCHIVED_WEEK,
  DRAFT_WEEK,
  type PreviewFixture,
  startPreviewFixture,
} from '../support/preview-fixture.ts';

let browser: Browser | undefined;
let fixture: PreviewFixture | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
  fixture = await startPreviewFixture();
});
afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

const shot = (page: Page, name: string) =>
  screenshot(page, { path: artifactPath(`preview-${name}.png`), fullPage: true });

const rgb = (hex: string) => {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
};

/** The email iframe's document, once it has loaded the current version. */
async function emailFrame(page: Page): Promise<Frame> {
  const handle = await page.locator('#pv-email').elementHandle();
  const frame = await handle!.contentFrame();
  await frame!.waitForLoadState();
  return frame!;
}

describe('verdicts preview in a browser', () => {
  it('switches weeks, toggles phone/dark/text, live-reloads edits and errors, sends a test', {
    timeout: 120_000,
  }, async () => {
    const f = fixture!;
    const origin = new URL(f.server.url).origin;
    const page = await browser!.page({ width: 1440, height: 1000 });
    await page.route(`${origin}/**`, (route) => route.continue());
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });

    await page.goto(f.url('/'));
    await page.waitForURL(`**/weeks/${DRAFT_WEEK}`);
    await page.locator('#pv-live[data-live="live"]').waitFor();
    await expect(page.locator('.pv-subject').textContent()).resolves.toBe(
      'SmolVLM2 vs Code Llama 4: which one should you ship?',
    );
    await expect(page.locator('.pv-size-label').textContent()).resolves.toMatch(
      /KB on the wire \(quoted-printable\) of Gmail's 102 KB clip line/,
    );
    const TAGLINE = 'Open-source 2B vision-language model';
    await (await emailFrame(page)).locator(`text=${TAGLINE}`).waitFor();
    if (process.env['UPDATE_README_SCREENSHOT'] === '1') {
      await page.evaluate('document.fonts.ready');
      await screenshot(page, { path: path.join(repoRoot, 'test/readme/preview.png') });
    }
    await shot(page, '01-draft');

    // Switch weeks from the list, without a page load; the URL follows.
    await page.evaluate('window.__sameDocument = true');
    await page.locator(`a[data-week="${ARCHIVED_WEEK}"]`).click();
    await page.locator('.pv-heading', { hasText: `Issue #1 · ${ARCHIVED_WEEK}` }).waitFor();
    await expect(page.locator('.pv-kicker').textContent()).resolves.toContain('Archived');
    expect(new URL(page.url()).pathname).toBe(`/weeks/${ARCHIVED_WEEK}`);
    await shot(page, '02-archived');
    await page.locator(`a[data-week="${DRAFT_WEEK}"]`).click();
    await page.locator('.pv-heading', { hasText: DRAFT_WEEK }).waitFor();

    // Phone width and back.
    const frameBox = async () => (await page.locator('#pv-email').boundingBox())!;
    expect((await frameBox()).width).toBeGreaterThanOrEqual(600);
    await page.getByRole('button', { name: 'Phone' }).click();
    await expect.poll(async () => (await frameBox()).width).toBe(375);
    expect(new URL(page.url()).searchParams.get('width')).toBe('phone');
    await shot(page, '03-phone');

    // Dark: the email's own dark styles apply (its prefers-color-scheme rules), whatever the
    // OS says. Chromium 156 does not derive an iframe's prefers-color-scheme from the frame's
    // CSS color-scheme, so the page switches the email's media rules; checked both ways.
    const inFrame = async (js: string) => (await emailFrame(page)).evaluate(js);
    const background = 'getComputedStyle(document.body).backgroundColor';
    const cardText = "getComputedStyle(document.querySelector('.vt-card div')).color";
    expect(await inFrame(background)).toBe(rgb(palette.light.page));
    const lightText = await inFrame(cardText);
    await page.getByRole('button', { name: 'Dark' }).click();
    await expect.poll(() => inFrame(background)).toBe(rgb(palette.dark.page));
    expect(await inFrame(cardText)).toBe(rgb(palette.dark.text));
    await shot(page, '04-phone-dark');
    await page.emulateMedia({ colorScheme: 'dark' }); // an editor whose OS is in dark mode
    await page.getByRole('button', { name: 'Light' }).click();
    await expect.poll(() => inFrame(background)).toBe(rgb(palette.light.page));
    expect(await inFrame(cardText)).toBe(lightText);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('button', { name: 'Desktop' }).click();
    await expect.poll(async () => (await frameBox()).width).toBeGreaterThanOrEqual(600);

    // Plain text and HTML source tabs.
    await page.getByRole('tab', { name: 'Plain text' }).click();
    const text = page.locator('pre[data-view="text"]');
    await text.waitFor({ state: 'visible' });
    expect(await page.locator('#pv-email').isVisible()).toBe(false);
    await expect(text.textContent()).resolves.toContain('SmolVLM2 (Developer Tools)');
    await shot(page, '05-text');
    await page.getByRole('tab', { name: 'HTML source' }).click();
    await expect(page.locator('pre[data-view="source"]').textContent()).resolves.toMatch(
      /^<!doctype html>/i,
    );
    await page.getByRole('tab', { name: 'Email' }).click();

    // Edit a tagline in the temp data: the email changes without a reload of the page. How
    // fast is a bench row (test/bench/preview.bench.ts), not a timed test on shared cores.
    const toolFile = f.data('tools/smolvlm2.yaml');
    const good = readFileSync(toolFile, 'utf8');
    for (const n of [1, 2]) {
      const edited = `Edited live from the preview test, take ${n}`;
      writeFileSync(toolFile, good.replace(/^tagline: .*$/m, `tagline: ${edited}`));
      await page.frameLocator('#pv-email').locator(`text=${edited}`).waitFor({ timeout: 15_000 });
    }
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    await expect(page.locator('#pv-live').textContent()).resolves.toContain('smolvlm2.yaml');

    // Break it: the error names file, line and field on the page; fixing it recovers.
    writeFileSync(toolFile, good.replace(/^entryPrice: Free$/m, 'entryPrice: [1, 2]'));
    const problem = page.locator('#pv-problems .pv-problem').first();
    await problem.waitFor({ timeout: 15_000 });
    await expect(problem.locator('.pv-file').textContent()).resolves.toBe(
      'data/tools/smolvlm2.yaml',
    );
    await expect(problem.locator('.pv-line').textContent()).resolves.toBe('12');
    await expect(problem.locator('.pv-field').textContent()).resolves.toBe('entryPrice');
    await expect(problem.locator('.pv-message').textContent()).resolves.toContain(
      'expected string',
    );
    await shot(page, '06-data-error');
    writeFileSync(toolFile, good);
    await page.locator('#pv-email').waitFor({ timeout: 15_000 });
    expect(await page.locator('#pv-problems').count()).toBe(0);
    await page.frameLocator('#pv-email').locator(`text=${TAGLINE}`).waitFor();
    expect(await page.evaluate('window.__sameDocument')).toBe(true);

    // Send a test: it lands in the outbox with a [TEST] subject.
    await page.getByLabel('To').fill('editor@example.com');
    await page.getByRole('button', { name: 'Send a test' }).click();
    await page.locator('#pv-send-result[data-ok="true"]').waitFor();
    await expect(page.locator('#pv-send-result').textContent()).resolves.toContain('[TEST]');
    await shot(page, '07-sent');
    const single = path.join(f.config.OUTBOX_DIR, 'single');
    const [eml] = readdirSync(single).filter((n) => n.endsWith('.eml'));
    const mail = await simpleParser(readFileSync(path.join(single, eml!)));
    expect(mail.subject).toBe('[TEST] SmolVLM2 vs Code Llama 4: which one should you ship?');
    expect(mail.to).toMatchObject({ text: 'editor@example.com' });

    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
