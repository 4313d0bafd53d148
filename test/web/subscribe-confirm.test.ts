import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { confirmUrl } from '../../src/links.ts';
import { createTransport } from '../../src/send/create-transport.ts';
import { NAME_COOKIE, rememberSignupName } from '../../src/web/public/name-cookie.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import { cookieJar, mailTo, SECRET, useServer } from './web-fixture.ts';

const start = useServer();
const startStandIn = useStandIn();
const ADA = 'ada@example.com';
const VICTIM = 'victim@example.com';

/** The value the confirm page's name field comes with (as the browser would post it). */
const nameField = (html: string) =>
  /<input type="text" name="name"[^>]*value="([^"]*)"/.exec(html)![1]!;

describe('subscribe and confirm (double opt-in)', () => {
  it('stores a pending address, mails one confirmation, GET changes nothing, POST activates', async () => {
    const s = await start();
    const res = await s.subscribe(ADA, 'Ada');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Check your inbox');
    expect(s.subscribers.getByEmail(ADA)?.status).toBe('pending');

    const mails = await mailTo(s, ADA);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain('Confirm your subscription');
    const confirm = await s.confirmPath(ADA);
    expect(mails[0]!.html).toContain(`${s.url}${confirm}`);

    // A link scanner's prefetch: a page with a button, nothing changes.
    const page = await s.get(confirm);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Yes, subscribe me');
    expect(html).toContain(`action="${s.url}${confirm}"`);
    expect(s.subscribers.getByEmail(ADA)?.status).toBe('pending');

    const done = await s.post(confirm, {});
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('You are subscribed');
    const ada = s.subscribers.getByEmail(ADA)!;
    expect(ada.status).toBe('active');
    expect(ada.confirmedAt).toBe(s.clock.now.toISOString());
    // Confirming twice is harmless.
    expect((await s.post(confirm, {})).status).toBe(200);
  });

  it('sends one email for a double click, and none again for that mailbox within 24 hours', async () => {
    const s = await start();
    const [a, b] = await Promise.all([s.subscribe(ADA), s.subscribe(ADA)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await mailTo(s, ADA)).toHaveLength(1);
    s.clock.now = new Date(s.clock.now.getTime() + 23 * 3600_000);
    await s.subscribe(ADA);
    expect(await mailTo(s, ADA)).toHaveLength(1);
    // A day after the first, a second request gets a fresh link.
    s.clock.now = new Date(s.clock.now.getTime() + 3600_000 + 60_000);
    await s.subscribe(ADA.toUpperCase().replace('EXAMPLE.COM', 'example.com'));
    expect(await mailTo(s, ADA)).toHaveLength(2);
  });

  it('answers the same page for new, pending, active and suppressed addresses (no probing)', async () => {
    const s = await start();
    const now = s.clock.now;
    s.subscribers.add('active@example.com', { source: 'cli', status: 'active', now });
    s.subscribers.add('bounced@example.com', { source: 'cli', status: 'bounced', now });
    const bodies = [];
    for (const email of ['new@example.com', 'active@example.com', 'bounced@example.com']) {
      const res = await s.subscribe(email);
      expect(res.status).toBe(200);
      bodies.push(await res.text());
    }
    expect(new Set(bodies).size).toBe(1);
    expect(await mailTo(s, 'active@example.com')).toHaveLength(0);
    expect(await mailTo(s, 'bounced@example.com')).toHaveLength(0);
    expect(await mailTo(s, 'new@example.com')).toHaveLength(1);
  });

  it('lets an unsubscribed reader come back through a new confirmation; an older link stays dead', async () => {
    const s = await start();
    await s.subscribe(ADA);
    const first = await s.confirmPath(ADA);
    await s.post(first, {});
    const id = s.subscribers.getByEmail(ADA)!.id;
    s.clock.now = new Date(s.clock.now.getTime() + 3600_000);
    s.subscribers.setStatus(id, 'unsubscribed', s.clock.now);
    // The old confirmation link must not undo the opt-out.
    const stale = await s.post(first, {});
    expect(stale.status).toBe(410);
    expect(s.subscribers.getById(id)?.status).toBe('unsubscribed');

    // Past the mailbox cap's day, a new request sends a new link.
    s.clock.now = new Date(s.clock.now.getTime() + 24 * 3600_000);
    await s.subscribe(ADA);
    expect(s.subscribers.getById(id)?.status).toBe('unsubscribed');
    const second = await s.confirmPath(ADA);
    expect(second).not.toBe(first);
    expect((await s.post(second, {})).status).toBe(200);
    expect(s.subscribers.getById(id)?.status).toBe('active');
  });

  it('rejects forged, altered and expired confirmation tokens and changes nothing', async () => {
    const s = await start();
    await s.subscribe(ADA);
    const good = await s.confirmPath(ADA);
    const id = s.subscribers.getByEmail(ADA)!.id;
    const token = good.split('/').at(-1)!;
    const [subject, exp, sig] = token.split('.') as [string, string, string];
    const other = s.subscribers.add('eve@example.com', { source: 'form', now: s.clock.now });
    const forged = confirmUrl(
      { baseUrl: '', secret: 'not-the-secret-0123456789' },
      other.ok ? other.value.id : 0,
      Number.parseInt(exp, 36),
    );
    const altered = [
      `/confirm/${other.ok ? other.value.id : 0}.${exp}.${sig}`, // someone else's id
      `/confirm/${subject}.${(Number.parseInt(exp, 36) + 86400).toString(36)}.${sig}`, // longer life
      `/confirm/${subject}.${exp}.${sig.slice(0, -2)}AA`,
      `/confirm/${encodeURIComponent('<script>')}`,
    ];
    const expired = confirmUrl(
      { baseUrl: '', secret: SECRET },
      id,
      Math.floor(s.clock.now.getTime() / 1000) - 1,
    );
    for (const p of [forged, ...altered]) {
      for (const res of [await s.get(p), await s.post(p, {})]) {
        expect(res.status, p).toBe(404);
        expect(await res.text()).toContain('This link does not work');
      }
    }
    for (const res of [await s.get(expired), await s.post(expired, {})]) {
      expect(res.status).toBe(410);
      expect(await res.text()).toContain('expired');
    }
    expect(s.subscribers.getById(id)?.status).toBe('pending');
    expect(other.ok && s.subscribers.getById(other.value.id)?.status).toBe('pending');
  });

  it('keeps a name a stranger typed off the owner’s page and greeting; the owner’s own sign-up keeps theirs', async () => {
    const s = await start({ sent: false });
    const planted = 'Your account is locked, verify at https://evil.example/login';
    // A stranger signs the victim up, with a name, from the stranger's own browser: nothing of
    // it is stored, the name goes back to the stranger's device only.
    const stranger = cookieJar();
    stranger.take(await s.subscribe(VICTIM, planted));
    expect(s.subscribers.getByEmail(VICTIM)).toMatchObject({ status: 'pending', name: null });
    expect(stranger.get(NAME_COOKIE)).toBeDefined();
    // The victim opens the link on their own device (no cookie) and confirms without reading:
    // the form is posted as the page filled it.
    const victimPath = await s.confirmPath(VICTIM);
    const victimPage = await (await s.get(victimPath)).text();
    expect(victimPage).not.toContain('account is locked');
    expect(nameField(victimPage)).toBe('');
    expect((await s.post(victimPath, { name: nameField(victimPage) })).status).toBe(200);
    expect(s.subscribers.getByEmail(VICTIM)).toMatchObject({ status: 'active', name: null });

    // The owner signs up from their own browser and confirms there without editing.
    const owner = cookieJar();
    owner.take(await s.subscribe(ADA, 'Ada'));
    expect(s.subscribers.getByEmail(ADA)).toMatchObject({ status: 'pending', name: null });
    const adaPath = await s.confirmPath(ADA);
    const adaPage = await (await s.get(adaPath, { headers: owner.header() })).text();
    expect(nameField(adaPage)).toBe('Ada');
    owner.take(await s.post(adaPath, { name: nameField(adaPage) }, owner.header()));
    expect(s.subscribers.getByEmail(ADA)).toMatchObject({ status: 'active', name: 'Ada' });
    expect(owner.get(NAME_COOKIE)).toBeUndefined(); // used: the confirm answer removes it

    // The next issue greets each by what the mailbox owner kept: the victim by no name at all.
    const run = await s.sendWeek();
    expect(run.code, run.stderr).toBe(0);
    const issueTo = async (to: string) =>
      (await s.outbox()).find(
        (m) =>
          (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address === to &&
          !m.subject?.startsWith('Confirm') &&
          !m.subject?.startsWith('Welcome'),
      )!;
    const victimIssue = await issueTo(VICTIM);
    expect(victimIssue.text).toMatch(/^Hi there,$/m);
    expect(`${victimIssue.text}${victimIssue.html}`).not.toContain('account is locked');
    expect((await issueTo(ADA)).text).toMatch(/^Hi Ada,$/m);
  });

  it('prefills the name of the latest sign-up on this device, only for its own mailbox, only if signed by us', async () => {
    const s = await start();
    // Someone else signed ADA up first; the owner later signs up with their own name (the row
    // exists, the mailbox cap sends no second email): that name is not discarded.
    cookieJar().take(await s.subscribe(ADA, 'Evil'));
    const owner = cookieJar();
    const answer = owner.take(await s.subscribe(ADA, 'Ada'));
    const cookie = answer.headers.getSetCookie().find((c) => c.startsWith(`${NAME_COOKIE}=`))!;
    expect(cookie).toMatch(/; Max-Age=604800(;|$)/);
    expect(cookie).toMatch(/; Path=\/confirm(;|$)/);
    expect(cookie).toMatch(/; HttpOnly(;|$)/);
    expect(cookie).toMatch(/; SameSite=Lax(;|$)/);
    expect(cookie).not.toMatch(/Secure/); // this test site is http; https gets Secure (below)
    expect(cookie).not.toContain(ADA); // the address is not in it
    const path = await s.confirmPath(ADA);
    const page = async (jar: ReturnType<typeof cookieJar>) =>
      nameField(await (await s.get(path, { headers: jar.header() })).text());
    expect(await page(owner)).toBe('Ada');
    // The latest sign-up on this device wins; one with no name clears it.
    owner.take(
      await s.subscribe(ADA.toUpperCase().replace('EXAMPLE.COM', 'example.com'), 'Ada L.'),
    );
    expect(await page(owner)).toBe('Ada L.');
    owner.take(await s.subscribe(ADA, ''));
    expect(owner.get(NAME_COOKIE)).toBeUndefined();
    expect(await page(owner)).toBe('');

    // A cookie for another mailbox prefills nothing here (a minute on: the form's rate limit).
    s.clock.now = new Date(s.clock.now.getTime() + 2 * 60_000);
    const other = cookieJar();
    other.take(await s.subscribe('bob@example.com', 'Bob'));
    expect(await page(other)).toBe('');
    // Nor an altered one: the name swapped, the signature kept.
    const mine = cookieJar();
    mine.take(await s.subscribe(ADA, 'Ada'));
    const [body, sig] = mine.get(NAME_COOKIE)!.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, n: 'Evil' })).toString('base64url');
    mine.set(NAME_COOKIE, `${forged}.${sig}`);
    expect(await page(mine)).toBe('');
    // Nor one past its week, on a link that is still good (sent a day after the cookie).
    mine.take(await s.subscribe(ADA, 'Ada'));
    s.clock.now = new Date(s.clock.now.getTime() + 25 * 3600_000);
    await s.subscribe(ADA);
    const later = await s.confirmPath(ADA);
    const laterPage = async () =>
      nameField(await (await s.get(later, { headers: mine.header() })).text());
    expect(await laterPage()).toBe('Ada');
    s.clock.now = new Date(s.clock.now.getTime() + 6 * 24 * 3600_000);
    expect(await laterPage()).toBe('');
  });

  it('marks the name cookie Secure, under the base path, when the site is https', async () => {
    const app = new Hono();
    const settings = {
      secret: SECRET,
      baseUrl: 'https://verdicts.example.com/news/',
      ttlMs: 7 * 24 * 3600_000,
    };
    app.get('/set', (c) => {
      rememberSignupName(c, settings, ADA, 'Ada', new Date());
      return c.text('ok');
    });
    const [cookie] = (await app.request('/set')).headers.getSetCookie();
    expect(cookie).toMatch(/; Path=\/news\/confirm(;|$)/);
    expect(cookie).toMatch(/; Secure(;|$)/);
    expect(cookie).toMatch(/; HttpOnly(;|$)/);
  });

  it('greets by a name the reader confirmed before, when they come back from another device', async () => {
    const s = await start();
    const owner = cookieJar();
    owner.take(await s.subscribe(ADA, 'Ada'));
    const first = await s.confirmPath(ADA);
    await s.post(first, { name: 'Ada' }, owner.header());
    const id = s.subscribers.getByEmail(ADA)!.id;
    s.clock.now = new Date(s.clock.now.getTime() + 25 * 3600_000);
    s.subscribers.setStatus(id, 'unsubscribed', s.clock.now);
    s.clock.now = new Date(s.clock.now.getTime() + 3600_000);
    // Someone signs the address up again with another name; the owner confirms elsewhere.
    cookieJar().take(await s.subscribe(ADA, 'Evil'));
    const again = await s.confirmPath(ADA);
    expect(again).not.toBe(first);
    const page = await (await s.get(again)).text();
    expect(nameField(page)).toBe('Ada'); // the owner's own, from their first confirmation
    await s.post(again, { name: nameField(page) });
    expect(s.subscribers.getById(id)).toMatchObject({ status: 'active', name: 'Ada' });
  });

  it('refuses invalid addresses with the form again, and stores nothing for the honeypot', async () => {
    const s = await start();
    const bad = await s.subscribe('not-an-address');
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('does not look right');
    expect(html).toContain('value="not-an-address"');

    const bot = await s.post('/subscribe', { email: 'bot@example.com', website: 'http://spam' });
    expect(bot.status).toBe(200);
    expect(await bot.text()).toContain('Check your inbox');
    expect(s.subscribers.getByEmail('bot@example.com')).toBeUndefined();
    expect(await s.outbox()).toHaveLength(0);
  });

  it('renders a hostile name and query parameters as inert text, in pages and in the email', async () => {
    const s = await start();
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'';
    const visitor = cookieJar();
    visitor.take(await s.subscribe(ADA, evil));
    expect(s.subscribers.getByEmail(ADA)!.name).toBeNull(); // not stored
    // The email carries nothing the visitor typed, escaped or not.
    const [mail] = await mailTo(s, ADA);
    for (const part of [mail!.html, mail!.text]) {
      expect(part).not.toMatch(/&lt;script|<script|alert\(|onerror/);
    }
    // Back on the visitor's own browser, the name they typed is text in the field.
    const path = await s.confirmPath(ADA);
    const page = await (await s.get(path, { headers: visitor.header() })).text();
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(await (await s.get(path)).text()).not.toContain('alert(1)');

    const q = new URLSearchParams({ email: `"><script>alert(3)</script>`, name: evil });
    const form = await (await s.get(`/subscribe?${q}`)).text();
    expect(form).not.toContain('<script>');
    expect(form).toContain('value="&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"');
    const bad = await (await s.subscribe(`"><script>alert(4)</script>`, evil)).text();
    expect(bad).not.toContain('<script>');
  });

  it('sends the confirmation through Resend as one valid /emails request with an idempotency key', async () => {
    const { standIn } = await startStandIn();
    const s = await start({
      env: { REPLY_TO: 'editors@verdicts.example' },
      transport: (config) =>
        createTransport({ ...config, RESEND_API_KEY: KEY, RESEND_BASE_URL: standIn.url }),
    });
    await Promise.all([s.subscribe(ADA, 'Ada'), s.subscribe(ADA, 'Ada')]);
    await s.mailSent();
    const sent = standIn.deliveries();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      endpoint: '/emails',
      to: [ADA],
      from: 'Weekly AI Tool Verdicts <news@verdicts.example>',
      reply_to: ['editors@verdicts.example'],
      idempotencyKey: expect.stringMatching(/^mail-\d+$/),
    });
    expect(sent[0]!.text).toContain(`${s.url}/confirm/`);
  });
});
