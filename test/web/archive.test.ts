import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseFeed } from '@rowanmanning/feed-parser';
import { describe, expect, it } from 'vitest';
import { markSent, type TestServer, useServer, WEEK } from './web-fixture.ts';

const start = useServer();

/** Another archived week: the seed issue under a new week, number and headline. */
const archiveCopy = (s: TestServer, week: string, n: number) => {
  const dir = path.join(s.env.ISSUES_DIR, week);
  cpSync(path.join(s.env.ISSUES_DIR, WEEK), dir, { recursive: true });
  const file = path.join(dir, 'issue.json');
  const issue = JSON.parse(readFileSync(file, 'utf8'));
  issue.week = week;
  issue.number = n;
  issue.pairs[0].headline = `Headline of ${week}`;
  writeFileSync(file, JSON.stringify(issue));
};

describe('archive', () => {
  it('lists only sent issues on the front page and in the feed, newest first', async () => {
    const s = await start();
    archiveCopy(s, '2026-W49', 2);
    archiveCopy(s, '2026-W50', 3); // archived, never sent: a draft
    archiveCopy(s, '2026-W51', 4); // sending right now
    markSent(s.db, '2026-W49');
    markSent(s.db, '2026-W51', 'sending');

    const home = await s.get('/');
    expect(home.status).toBe(200);
    const html = await home.text();
    const listed = [...html.matchAll(/\/issues\/(\d{4}-W\d{2})\//g)].map((m) => m[1]);
    expect([...new Set(listed)]).toEqual(['2026-W49', '2026-W48']);
    expect(html).not.toContain('Headline of 2026-W50');

    const feedRes = await s.get('/feed.xml');
    expect(feedRes.headers.get('content-type')).toContain('application/atom+xml');
    const feed = parseFeed(await feedRes.text());
    expect(feed.items.map((i) => i.url)).toEqual([
      `${s.url}/issues/2026-W49/`,
      `${s.url}/issues/2026-W48/`,
    ]);
  });

  it('serves the web version of a sent or sending week, and nothing for drafts or junk', async () => {
    const s = await start();
    archiveCopy(s, '2026-W50', 3);
    archiveCopy(s, '2026-W51', 4);
    markSent(s.db, '2026-W51', 'sending');
    const page = await s.get(`/issues/${WEEK}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('SmolVLM2');
    expect((await s.get('/issues/2026-W51/')).status).toBe(200);
    for (const p of [
      '/issues/2026-W50/',
      '/issues/2026-W52/',
      '/issues/..%2F..%2Fetc/',
      '/issues/x/',
    ]) {
      expect((await s.get(p)).status, p).toBe(404);
    }
    const bare = await s.get(`/issues/${WEEK}`);
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe(`/issues/${WEEK}/`);
  });

  it('serves one stylesheet and a health check', async () => {
    const s = await start();
    const css = await s.get('/assets/site.css');
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(await css.text()).toContain('prefers-color-scheme: dark');
    expect(await (await s.get('/healthz')).text()).toBe('ok');
  });

  it('puts the subscribe form on the site pages', async () => {
    const s = await start();
    for (const p of ['/subscribe', '/no-such-page']) {
      const html = await (await s.get(p)).text();
      expect(html, p).toContain('Get the next comparison in your inbox');
      expect(html, p).toMatch(/<form class="subscribe" method="post" action="[^"]*\/subscribe">/);
      expect(html, p).toContain('name="website"');
    }
  });
});
