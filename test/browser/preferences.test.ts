// The preference page in Chromium at phone width (issue #26), as a reader uses it from an
// issue in the outbox: open "Manage preferences" from the received .eml, choose one topic,
// pause, resume, rename, download the JSON, unsubscribe, resubscribe, erase. Each step is
// checked in the database, and the topic and pause in the next send. No JavaScript needed
// (the page has none); screenshots go to test-artifacts/preferences-*.png.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createLedger } from '../../src/store/ledger.ts';
import { artifactPath, measure, screenshot, useBrowser } from '../support/browser.ts';
import { dataDir } from '../support/paths.ts';
import { mailTo, type TestServer, useServer, WEEK } from '../web/web-fixture.ts';

const ADA = 'ada@example.com';
const browser = useBrowser();

const start = useServer();

/** Forget the week's send, so the next `sendWeek` freezes it again with today's choices. */
function unsend(s: TestServer) {
  for (const t of ['send_recipients', 'send_batches', 'issue_sends']) {
    s.db.prepare(`DELETE FROM ${t}`).run();
  }
}

describe('the preference page in a browser', () => {
  it('opens from the email and changes topics, pause, name, data, subscription and erasure', {
    timeout: 120_000,
  }, async () => {
    const s = await start({ sent: false, env: { DATA_DIR: dataDir } });
    const added = s.subscribers.add(ADA, { source: 'cli', status: 'active', now: s.clock.now });
    if (!added.ok) throw new Error(added.error);
    const id = added.value.id;
    expect((await s.sendWeek()).code).toBe(0);
    const [mail] = await mailTo(s, ADA);
    const href = /<a href="([^"]+)">Manage preferences<\/a>/.exec(mail!.html)?.[1];
    expect(href).toBeDefined();

    const page = await browser.page({ width: 375, height: 800 });
    await page.route(`${s.url}/**`, (route) => route.continue());
    await page.goto(s.url + new URL(href!.replace(/&amp;/g, '&')).pathname);
    await page.getByRole('heading', { name: 'Your preferences' }).waitFor();
    const fits = await measure(page);
    expect(fits.scrollWidth).toBeLessThanOrEqual(fits.innerWidth);
    await screenshot(page, { path: artifactPath('preferences-01-page.png'), fullPage: true });

    // One topic: everything off, Image Generation on.
    await page.getByLabel('Everything (new categories too)').uncheck();
    await page.getByLabel('Image Generation').check();
    await page.getByRole('button', { name: 'Save topics' }).click();
    await page.getByText('Your topics are saved').waitFor();
    expect(s.subscribers.getById(id)?.topics).toEqual(['image-generation']);
    // The next send (the seed week's developer-tools pair) passes Ada by, and says why.
    unsend(s);
    expect((await s.sendWeek()).code).toBe(0);
    expect(createLedger(s.db).variants(WEEK)).toEqual([
      { variant: null, skipReason: 'no_topics', recipients: 1 },
    ]);
    await page.getByLabel('Everything (new categories too)').check();
    await page.getByRole('button', { name: 'Save topics' }).click();
    await page.getByText('Your topics are saved').waitFor();
    expect(s.subscribers.getById(id)?.topics).toBeNull();

    // Pause for 4, resume, pause for 2: the next send skips Ada and counts the pause down.
    await page.getByLabel('4 issues').check();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByText('Paused for the next 4 issues').waitFor();
    expect(s.subscribers.getById(id)?.pausedIssues).toBe(4);
    await page.getByRole('button', { name: 'Resume now' }).click();
    await page.getByText('Resumed').waitFor();
    expect(s.subscribers.getById(id)?.pausedIssues).toBe(0);
    await page.getByLabel('2 issues').check();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByText('Paused for the next 2 issues').waitFor();
    unsend(s);
    expect((await s.sendWeek()).code).toBe(0);
    expect(createLedger(s.db).variants(WEEK)).toEqual([
      { variant: null, skipReason: 'paused', recipients: 1 },
    ]);
    expect(s.subscribers.getById(id)?.pausedIssues).toBe(1);
    await page.reload();
    await page.getByRole('button', { name: 'Resume now' }).click();
    await page.getByText('Resumed').waitFor();

    // Rename: the next issue greets by it.
    await page.getByLabel('The name each issue greets you by').fill('Ada L.');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByText('Your name is saved').waitFor();
    expect(s.subscribers.getById(id)?.name).toBe('Ada L.');
    unsend(s);
    expect((await s.sendWeek()).code).toBe(0);
    const latest = (await mailTo(s, ADA)).at(-1)!;
    expect(latest.text).toMatch(/^Hi Ada L\.,$/m);

    // Download the data as JSON.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download my data (JSON)' }).click(),
    ]);
    const data = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(data.subscriber).toMatchObject({ email: ADA, name: 'Ada L.', topics: null });
    expect(data.issues.map((i: { week: string }) => i.week)).toEqual([WEEK]);

    // Unsubscribe and back.
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.getByText('You are unsubscribed').waitFor();
    expect(s.subscribers.getById(id)?.status).toBe('unsubscribed');
    await page.getByRole('button', { name: 'Resubscribe' }).click();
    await page.getByText('You are subscribed again').waitFor();
    expect(s.subscribers.getById(id)?.status).toBe('active');

    // Erase, after the confirmation step.
    await page.getByRole('button', { name: 'Erase everything…' }).click();
    await page.getByRole('heading', { name: 'Erase everything?' }).waitFor();
    expect(s.subscribers.getById(id)).toBeDefined();
    await screenshot(page, { path: artifactPath('preferences-02-erase.png'), fullPage: true });
    await page.getByRole('button', { name: 'Yes, erase everything' }).click();
    await page.getByRole('heading', { name: 'Everything is erased' }).waitFor();
    expect(s.subscribers.getById(id)).toBeUndefined();
    expect(s.subscribers.getByEmail(ADA)).toBeUndefined();
    // And the next send has nobody to send to.
    unsend(s);
    const after = await s.sendWeek();
    expect(after.stdout + after.stderr).not.toContain(ADA);
  });
});
