// The public site in Chromium, as a reader walks it: subscribe on the form, confirm from
// the email, vote from the issue email, see the vote on the web version, unsubscribe and come
// back. Screenshots of every step go to test-artifacts/public-site-*.png.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { artifactPath, measure, screenshot, useBrowser } from '../support/browser.ts';
import { mailTo, type TestServer, useServer, WEEK } from '../web/web-fixture.ts';

const ADA = 'ada@example.com';
const browser = useBrowser();

const start = useServer();

/** A page that may reach only this test's server; CSP violations and errors are collected. */
async function sitePage(
  s: TestServer,
  opts: { width?: number; colorScheme?: 'light' | 'dark' } = {},
) {
  const page = await browser.page(opts);
  // Registered after the helper's catch-all abort, so it wins for our own origin.
  await page.route(`${s.url}/**`, (route) => route.continue());
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return { page, problems };
}

const shot = (page: Page, name: string) =>
  screenshot(page, { path: artifactPath(`public-site-${name}.png`), fullPage: true });

/** Links in an email, as paths: the archived email carries the build's PUBLIC_BASE_URL. */
const paths = (html: string, pattern: RegExp) =>
  [...html.matchAll(/href="([^"]+)"/g)]
    .map((m) => new URL(m[1]!.replace(/&amp;/g, '&')).pathname)
    .filter((h) => pattern.test(h));

describe('the public site in a browser', () => {
  it('walks subscribe → confirm → vote → unsubscribe → resubscribe', {
    timeout: 90_000,
  }, async () => {
    const s = await start({ sent: false });
    const { page, problems } = await sitePage(s);

    // Subscribe on the form.
    await page.goto(`${s.url}/subscribe`);
    await shot(page, '01-subscribe-form');
    await page.getByLabel('Email address').fill(ADA);
    await page.getByLabel('Name').fill('Ada <b>Lovelace</b>');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    await shot(page, '02-check-inbox');
    expect(await page.locator('form.subscribe').count()).toBe(0);
    // The typed name is not stored: it went back to this browser only (a signed cookie).
    expect(s.subscribers.getByEmail(ADA)).toMatchObject({ status: 'pending', name: null });

    // Confirm from the email: the page asks, the button confirms.
    const confirmUrl = s.url + (await s.confirmPath(ADA));
    await page.goto(confirmUrl);
    // In the browser that signed up, the name comes back in an editable field (as text, not
    // markup): the mailbox owner's to keep.
    const nameField = page.getByLabel('Your name, for the greeting');
    await expect(nameField.inputValue()).resolves.toBe('Ada <b>Lovelace</b>');
    const cookies = await page.context().cookies(s.url + '/confirm/x');
    expect(cookies.find((c) => c.name === 'verdicts_signup_name')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
    });
    await shot(page, '03-confirm');
    expect(s.subscribers.getByEmail(ADA)?.status).toBe('pending');
    await nameField.fill('Ada Lovelace');
    await page.getByRole('button', { name: 'Yes, subscribe me' }).click();
    await page.getByRole('heading', { name: 'You are subscribed' }).waitFor();
    await shot(page, '04-subscribed');
    expect(await page.locator('form.subscribe').count()).toBe(0);
    expect(s.subscribers.getByEmail(ADA)).toMatchObject({ status: 'active', name: 'Ada Lovelace' });

    // The weekly send puts the issue in the outbox, with vote and unsubscribe links.
    const sent = await s.sendWeek();
    expect(sent.code, sent.stderr).toBe(0);
    // The issue itself: the one mail with vote links (the confirmation and welcome have none).
    const issueMail = (await mailTo(s, ADA)).find((m) => m.html.includes('/vote/'))!;
    const [votePath] = paths(issueMail.html, /\/vote\/.*\/smolvlm2\//);
    const [unsubscribePath] = paths(issueMail.html, /\/unsubscribe\//);
    expect(votePath).toBeDefined();
    expect(unsubscribePath).toBeDefined();

    // Vote: the page shows the pair and asks; the button records.
    await page.goto(s.url + votePath);
    await page.getByRole('heading', { name: 'SmolVLM2 vs Code Llama 4' }).waitFor();
    await shot(page, '05-vote');
    expect(s.db.prepare('SELECT COUNT(*) AS n FROM votes').get()).toEqual({ n: 0 });
    await page.getByRole('button', { name: 'Vote for SmolVLM2' }).click();
    await page.getByText('your vote for SmolVLM2 is in').waitFor();
    await shot(page, '06-voted');
    // A reader who just voted is a subscriber: no page on their way offers the form again.
    expect(await page.locator('form.subscribe').count()).toBe(0);
    await page.getByRole('link', { name: 'Read the full panel verdict' }).click();
    await page.waitForURL(`**/issues/${WEEK}/**`);
    expect(await page.locator('form.subscribe').count()).toBe(0);
    const cells = await page.locator('dt:text-is("Community vote") + dd').allTextContents();
    expect(cells).toEqual(['100% (1 vote)', '0% (0 votes)']);
    await shot(page, '07-web-version');

    // Unsubscribe from the email's link, then come back.
    await page.goto(s.url + unsubscribePath);
    await shot(page, '08-unsubscribe');
    expect(s.subscribers.getByEmail(ADA)?.status).toBe('active');
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.getByRole('heading', { name: 'You are unsubscribed' }).waitFor();
    await shot(page, '09-unsubscribed');
    expect(s.subscribers.getByEmail(ADA)?.status).toBe('unsubscribed');
    await page.getByRole('button', { name: /Resubscribe/ }).click();
    await page.getByRole('heading', { name: 'Welcome back' }).waitFor();
    expect(s.subscribers.getByEmail(ADA)?.status).toBe('active');

    expect(problems).toEqual([]);
  });

  it('fits a phone in dark mode, and a hostile query stays text', async () => {
    const s = await start();
    const { page, problems } = await sitePage(s, { width: 375, colorScheme: 'dark' });
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs += 1;
      void d.dismiss();
    });
    const q = new URLSearchParams({
      email: '"><script>alert(1)</script>',
      name: '<img src=x onerror=alert(2)>',
    });
    await page.goto(`${s.url}/subscribe?${q}`);
    expect(await page.getByLabel('Email address').inputValue()).toBe('"><script>alert(1)</script>');
    expect(await page.locator('img').count()).toBe(0);
    const m = await measure(page);
    expect(m.scrollWidth).toBeLessThanOrEqual(m.innerWidth);
    await shot(page, '10-subscribe-phone-dark');
    await page.goto(`${s.url}/`);
    await shot(page, '11-archive-phone-dark');
    expect(dialogs).toBe(0);
    expect(problems).toEqual([]);
  });
});
