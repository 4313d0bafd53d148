// The preference page (issue #26) on the real HTTP server: reached from "Manage preferences" in
// a sent issue and from the unsubscribe page; GET changes nothing, every change is a POST
// under the site's CSRF check; topics, pause and resume, the name, the data download,
// unsubscribe and back, and erasure after a confirmation step, each checked in the database
// and, for topics and pause, in the next send.
import { describe, expect, it } from 'vitest';
import { preferencesToken, routes, unsubscribeToken } from '../../src/links.ts';
import { createLedger } from '../../src/store/ledger.ts';
import { dataDir } from '../support/paths.ts';
import { SECRET, type TestServer, useServer, WEEK } from './web-fixture.ts';

const start = useServer();
// The seed week unsent: these tests send it.
const serve = () => start({ env: { DATA_DIR: dataDir }, sent: false });

const reader = (s: TestServer, email = 'reader@example.com') => {
  const added = s.subscribers.add(email, { source: 'cli', status: 'active', now: s.clock.now });
  if (!added.ok) throw new Error(added.error);
  const id = added.value.id;
  return { id, path: routes.preferences(preferencesToken({ baseUrl: '', secret: SECRET }, id)) };
};

/** The path of the "Manage preferences" link in the latest email to `to`. */
async function linkFromMail(s: TestServer, to: string): Promise<string> {
  const mails = await s.outbox();
  const mail = mails
    .filter((m) => (Array.isArray(m.to) ? m.to[0]?.text : m.to?.text) === to)
    .at(-1);
  const html = typeof mail?.html === 'string' ? mail.html : '';
  const m = /<a href="([^"]+)">Manage preferences<\/a>/.exec(html);
  if (!m) throw new Error(`no Manage preferences link in the email to ${to}`);
  expect(mail?.text).toContain(`Manage preferences (topics, pause, your data): ${m[1]}`);
  return new URL(m[1]!).pathname;
}

describe('preference page', () => {
  it('is linked from every issue; GET changes nothing; topics and pause take effect in the next send', async () => {
    const s = await serve();
    const a = reader(s, 'ada@example.com');
    const b = reader(s, 'bob@example.com');
    const sent = await s.sendWeek();
    expect(sent.code, sent.stderr).toBe(0);
    const path = await linkFromMail(s, 'ada@example.com');
    expect(path).toBe(a.path);

    const before = s.subscribers.getById(a.id);
    const page = await s.get(path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('ada@example.com');
    // The categories the data has, each a checkbox; "everything" checked by default.
    expect(html).toMatch(/name="everything" value="on" checked/);
    expect(html).toContain('value="developer-tools"');
    expect(html).toContain('value="image-generation"');
    expect(html).toContain('name="viewport"');
    expect(s.subscribers.getById(a.id)).toEqual(before);

    // Without our Origin nothing changes (CSRF).
    const forged = await s.post(
      path,
      { action: 'pause', issues: '4' },
      { origin: 'https://evil.example' },
    );
    expect(forged.status).toBe(403);
    expect(s.subscribers.getById(a.id)?.pausedIssues).toBe(0);

    const topics = await fetch(s.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: s.url },
      body: 'action=topics&topic=image-generation&topic=not-a-category',
    });
    expect(topics.status).toBe(200);
    expect(await topics.text()).toContain('Your topics are saved');
    expect(s.subscribers.getById(a.id)?.topics).toEqual(['image-generation']);
    const none = await s.post(path, { action: 'topics' });
    expect(await none.text()).toContain('Choose at least one topic, or everything.');
    expect(s.subscribers.getById(a.id)?.topics).toEqual(['image-generation']);

    expect((await s.post(b.path, { action: 'pause', issues: '3' })).status).toBe(200);
    expect(s.subscribers.getById(b.id)?.pausedIssues).toBe(0);
    await s.post(b.path, { action: 'pause', issues: '4' });
    expect(s.subscribers.getById(b.id)?.pausedIssues).toBe(4);
    await s.post(b.path, { action: 'resume' });
    expect(s.subscribers.getById(b.id)?.pausedIssues).toBe(0);
    await s.post(b.path, { action: 'pause', issues: '2' });
    expect(s.subscribers.getById(b.id)?.pausedIssues).toBe(2);

    // The next send of the seed week (a developer-tools pair): Ada's topics meet no pair and
    // Bob is paused, so neither gets it, and the ledger says why.
    s.db.prepare('DELETE FROM send_recipients').run();
    s.db.prepare('DELETE FROM send_batches').run();
    s.db.prepare('DELETE FROM issue_sends').run();
    const again = await s.sendWeek();
    expect(again.code, again.stderr).toBe(0);
    expect(createLedger(s.db).variants(WEEK)).toEqual([
      { variant: null, skipReason: 'no_topics', recipients: 1 },
      { variant: null, skipReason: 'paused', recipients: 1 },
    ]);
    expect(s.subscribers.getById(b.id)?.pausedIssues).toBe(1);
  }, 60_000);

  it('renames, downloads the data, unsubscribes and back, and erases after a confirmation', async () => {
    const s = await serve();
    const a = reader(s, 'ada@example.com');
    await s.sendWeek();

    await s.post(a.path, { action: 'name', name: '  Ada L.  ' });
    expect(s.subscribers.getById(a.id)?.name).toBe('Ada L.');

    const dl = await s.post(a.path, { action: 'download' });
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toMatch(/^application\/json/);
    expect(dl.headers.get('content-disposition')).toMatch(/attachment/);
    const data = (await dl.json()) as Record<string, unknown>;
    expect(data.subscriber).toMatchObject({ email: 'ada@example.com', name: 'Ada L.' });
    expect(data.issues).toEqual([
      expect.objectContaining({ week: WEEK, status: 'sent', variant: null }),
    ]);
    expect(data.votes).toEqual([]);
    expect(Array.isArray(data.events)).toBe(true);

    const un = await s.post(a.path, { action: 'unsubscribe' });
    expect(await un.text()).toContain('You are unsubscribed');
    expect(s.subscribers.getById(a.id)?.status).toBe('unsubscribed');
    const back = await s.post(a.path, { action: 'resubscribe' });
    expect(await back.text()).toContain('You are subscribed again');
    expect(s.subscribers.getById(a.id)?.status).toBe('active');

    const ask = await s.post(a.path, { action: 'erase' });
    expect(await ask.text()).toContain('Yes, erase everything');
    expect(s.subscribers.getById(a.id)).toBeDefined();
    const erased = await s.post(a.path, { action: 'erase-confirm' });
    expect(erased.status).toBe(200);
    expect(await erased.text()).toContain('Everything is erased');
    expect(s.subscribers.getById(a.id)).toBeUndefined();
    expect(s.subscribers.getByEmail('ada@example.com')).toBeUndefined();
    expect(await (await s.get(a.path)).text()).toContain('This link does not work');
  }, 60_000);

  it('the unsubscribe page links to it; a bad or unsubscribe token does not open it', async () => {
    const s = await serve();
    const a = reader(s);
    const unsub = routes.unsubscribe(unsubscribeToken({ baseUrl: '', secret: SECRET }, a.id));
    const page = await (await s.get(unsub)).text();
    expect(page).toContain(`${s.url}${a.path}`);
    expect(page).toContain('Manage preferences');
    // A token of another purpose is no preferences token.
    expect(await (await s.get(unsub.replace('/unsubscribe/', '/preferences/'))).text()).toContain(
      'This link does not work',
    );
    expect(await (await s.post(`${a.path}x`, { action: 'resume' })).text()).toContain(
      'This link does not work',
    );
  });
});
