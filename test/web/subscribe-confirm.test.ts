import { describe, expect, it } from 'vitest';
import { confirmUrl } from '../../src/links.ts';
import { createTransport } from '../../src/send/create-transport.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import { mailTo, SECRET, useServer } from './web-fixture.ts';

const start = useServer();
const startStandIn = useStandIn();
const ADA = 'ada@example.com';

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

  it('greets the reader by the name the confirm page submitted, not by what the form stored', async () => {
    const s = await start();
    const planted = 'Your account is locked, verify at https://evil.example/login';
    await s.subscribe(ADA, planted); // anyone can type this for ADA's address
    const path = await s.confirmPath(ADA);
    const page = await (await s.get(path)).text();
    // The mailbox owner sees the name in an editable field, before anything is kept.
    expect(page).toMatch(/<input type="text" name="name"[^>]*value="Your account is locked/);
    expect((await s.post(path, { name: '  Ada \u0007 Lovelace ' })).status).toBe(200);
    expect(s.subscribers.getByEmail(ADA)).toMatchObject({
      status: 'active',
      name: 'Ada Lovelace',
    });
    // Cleared on the page (or a page without the field): no name at all.
    await s.subscribe('bob@example.com', planted);
    await s.post(await s.confirmPath('bob@example.com'), {});
    expect(s.subscribers.getByEmail('bob@example.com')).toMatchObject({
      status: 'active',
      name: null,
    });
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
    await s.subscribe(ADA, evil);
    const stored = s.subscribers.getByEmail(ADA)!;
    expect(stored.name).toBe(evil);
    // The email carries nothing the visitor typed, escaped or not.
    const [mail] = await mailTo(s, ADA);
    for (const part of [mail!.html, mail!.text]) {
      expect(part).not.toMatch(/&lt;script|<script|alert\(|onerror/);
    }
    const page = await (await s.get(await s.confirmPath(ADA))).text();
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');

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
