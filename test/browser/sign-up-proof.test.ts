// The sign-up proof of work in Chromium: once the site's hourly cap is spent, the form comes back
// with the altcha widget, which solves the challenge in this site's own worker (under the proof
// page's CSP: no inline script, no other origin) and lets the reader subscribe. (What the page
// says without JavaScript is in test/web/sign-up-flood.test.ts.)
import { describe, expect, it } from 'vitest';
import { artifactPath, screenshot, useBrowser } from '../support/browser.ts';
import { useServer } from '../web/web-fixture.ts';

const browser = useBrowser();

const start = useServer();

describe('the sign-up proof of work in a browser', () => {
  it('solves in the page and subscribes past the spent cap', { timeout: 90_000 }, async () => {
    const s = await start({ env: { CONFIRM_PER_HOUR: '1' } });
    await s.subscribe('flood@example.org'); // the hour's one confirmation
    const page = await browser.page();
    await page.route(`${s.url}/**`, (route) => route.continue());
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(`${s.url}/subscribe`);
    await page.getByLabel('Email address').fill('reader@example.org');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByText('Many sign-ups are arriving right now').waitFor();
    expect(s.subscribers.getByEmail('reader@example.org')).toBeUndefined();
    // The widget solves on load; its field carries the payload once verified.
    // (A locator, not waitForFunction: the page's CSP forbids evaluating strings.)
    const payload = page.locator('input[name="altcha"]');
    await expect.poll(() => payload.inputValue(), { timeout: 60_000 }).not.toBe('');
    await screenshot(page, { path: artifactPath('sign-up-proof.png'), fullPage: true });
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    expect(s.subscribers.getByEmail('reader@example.org')?.status).toBe('pending');
    expect(await s.confirmPath('reader@example.org')).toMatch(/^\/confirm\//);
    expect(problems).toEqual([]);
  });
});
