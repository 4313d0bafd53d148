// The welcome email: one per confirmed reader however often they confirm, through the mail
// queue and the same transport as every other mail (the outbox here, the Resend stand-in
// below), never in the confirm page's answer time, with nothing
// the visitor typed in it, the palette, the footer and a working unsubscribe link.
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unsubscribeUrl } from '../../src/links.ts';
import { palette } from '../../src/render/palette.ts';
import { createTransport } from '../../src/send/create-transport.ts';
import { repoRoot, tempDir } from '../support/paths.ts';
import { KEY, manualClock, useStandIn } from '../support/stand-in-fixture.ts';
import { SECRET, type TestServer, useServer } from './web-fixture.ts';

const start = useServer();
const startStandIn = useStandIn();
const ADA = 'ada@example.com';
const VISITOR_TEXT = 'Click http://evil.example now';

/** Parsed welcome emails to `to` in the outbox. */
const welcomes = async (s: TestServer, to: string) =>
  (await s.outbox()).filter(
    (m) =>
      (Array.isArray(m.to) ? m.to[0]?.text : m.to?.text) === to && m.subject?.startsWith('Welcome'),
  );

/** A header as written (mailparser turns List-Unsubscribe into an object). */
const header = (m: { headerLines: readonly { key: string; line: string }[] }, key: string) =>
  m.headerLines
    .find((l) => l.key === key)
    ?.line.slice(key.length + 1)
    .trim();

const signUp = async (s: TestServer, email: string, name = '') => {
  await s.subscribe(email, name);
  const path = await s.confirmPath(email);
  // As the confirm page posts it in the browser that signed up (prefilled from its cookie).
  return { path, res: await s.post(path, { name }) };
};

describe('the welcome email', () => {
  it('goes out once to a confirmed reader, with no visitor-written text, the footer and an unsubscribe link that works', async () => {
    const s = await start();
    const { path, res } = await signUp(s, ADA, VISITOR_TEXT);
    expect(res.status).toBe(200);
    const ada = s.subscribers.getByEmail(ADA)!;
    expect(ada.name).toBe(VISITOR_TEXT); // stored…
    expect(ada.welcomedAt).toBe(s.clock.now.toISOString());

    const [mail, ...more] = await welcomes(s, ADA);
    expect(more).toHaveLength(0);
    expect(mail!.subject).toBe('Welcome to Weekly AI Tool Verdicts');
    const html = typeof mail!.html === 'string' ? mail!.html : '';
    const text = mail!.text ?? '';
    for (const body of [html, text]) {
      expect(body).not.toContain('evil.example'); // …not echoed
      expect(body).not.toContain(ADA);
    }
    const unsub = unsubscribeUrl({ baseUrl: s.url, secret: SECRET }, ada.id);
    expect(text).toContain(`Unsubscribe: ${unsub}`);
    expect(html).toContain(`href="${unsub}"`);
    expect(header(mail!, 'list-unsubscribe')).toBe(`<${unsub}>`);
    expect(header(mail!, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(html).toContain(palette.light.buttonBg);
    expect(html).toContain(palette.dark.page); // the dark-mode styles came along
    expect(text).toContain(s.config.POSTAL_ADDRESS);
    expect(html).toContain(`href="${s.url}/"`);

    // Confirming again, and again later, sends nothing more.
    await s.post(path, {});
    s.clock.now = new Date(s.clock.now.getTime() + 3600_000);
    await s.post(path, {});
    expect(await welcomes(s, ADA)).toHaveLength(1);

    // The footer's link is the real one-click unsubscribe.
    const one = await fetch(unsub, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(one.status).toBe(200);
    expect(s.subscribers.getById(ada.id)?.status).toBe('unsubscribed');

    // Coming back through a new confirmation is not a second welcome (a day later: the
    // mailbox cap allows one confirmation per 24 h).
    s.clock.now = new Date(s.clock.now.getTime() + 25 * 3600_000);
    const back = await signUp(s, ADA);
    expect(back.res.status).toBe(200);
    expect(s.subscribers.getById(ada.id)?.status).toBe('active');
    expect(await welcomes(s, ADA)).toHaveLength(1);
  });

  it('is one per reader: two readers get one each, and WELCOME_EMAIL=false sends none', async () => {
    const s = await start();
    await signUp(s, ADA);
    await signUp(s, 'bob@example.com');
    expect(await welcomes(s, ADA)).toHaveLength(1);
    expect(await welcomes(s, 'bob@example.com')).toHaveLength(1);

    const off = await start({ env: { WELCOME_EMAIL: 'false' } });
    const { res } = await signUp(off, ADA);
    expect(res.status).toBe(200);
    expect(off.subscribers.getByEmail(ADA)?.status).toBe('active');
    expect(await welcomes(off, ADA)).toHaveLength(0);
    expect((await off.outbox()).length).toBe(1); // just the confirmation
  });

  it('the confirm answer never waits for the provider: the welcome leaves after it, from the queue', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const welcomeAsked: string[] = [];
    const s = await start({
      transport: (config) => {
        const outbox = createTransport(config);
        return {
          ...outbox,
          name: outbox.name,
          sendBatch: outbox.sendBatch.bind(outbox),
          async sendOne(email, o) {
            if (email.subject.startsWith('Welcome')) {
              welcomeAsked.push(email.to);
              await gate; // a provider that has not answered yet
            }
            return outbox.sendOne(email, o);
          },
        };
      },
    });
    const { res } = await signUp(s, ADA);
    expect(res.status).toBe(200); // answered while the welcome is still with the provider
    // The send had started and cannot have finished: the gate is still shut.
    await expect.poll(() => welcomeAsked).toEqual([ADA]);
    release();
    expect(await welcomes(s, ADA)).toHaveLength(1);
  });

  it('a welcome template that does not compile leaves the confirmation done and the claim free', async () => {
    const templatesDir = path.join(tempDir('verdicts-welcome-tpl-'), 'templates');
    cpSync(path.join(repoRoot, 'templates'), templatesDir, { recursive: true });
    writeFileSync(
      path.join(templatesDir, 'welcome.mjml.hbs'),
      '<mjml><mj-body><mj-bogus /></mj-body></mjml>',
    );
    const s = await start({ overrides: { templatesDir } });
    const { res } = await signUp(s, ADA);
    expect(res.status).toBe(200);
    await s.mailSent(); // the welcome is composed by the mail queue, after the answer
    expect(s.subscribers.getByEmail(ADA)).toMatchObject({ status: 'active', welcomedAt: null });
    expect(s.logs.some((l) => l.includes('welcome email not rendered'))).toBe(true);
    expect(await welcomes(s, ADA)).toHaveLength(0);
  });

  it('goes through Resend once for two racing confirmations, and a refused send is retried by the next confirmation', async () => {
    let refuse = true;
    const standInClock = manualClock(Date.parse('2026-11-30T09:00:00Z'));
    const { standIn } = await startStandIn({
      now: standInClock.now,
      faults: (ctx) => (refuse && ctx.idempotencyKey?.startsWith('welcome-') ? 'validation' : null),
    });
    const s = await start({
      transport: (config) =>
        createTransport({ ...config, RESEND_API_KEY: KEY, RESEND_BASE_URL: standIn.url }),
    });
    await s.subscribe(ADA);
    await s.mailSent(); // the confirmation leaves through the queue, after the answer
    const confirm = standIn.deliveries()[0]!.text!;
    const path = new URL(/https?:\/\/\S+\/confirm\/\S+/.exec(confirm)![0]).pathname;

    // The provider refuses the first welcome: the reader is subscribed, the claim is given back.
    expect((await s.post(path, {})).status).toBe(200);
    await s.mailSent();
    expect(s.subscribers.getByEmail(ADA)).toMatchObject({ status: 'active', welcomedAt: null });
    expect(s.logs.some((l) => l.includes('welcome email not sent'))).toBe(true);

    refuse = false;
    const [a, b] = await Promise.all([s.post(path, {}), s.post(path, {})]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await s.mailSent();
    const sent = standIn.deliveries().filter((d) => d.subject.startsWith('Welcome'));
    expect(sent).toHaveLength(1);
    const id = s.subscribers.getByEmail(ADA)!.id;
    expect(sent[0]).toMatchObject({
      endpoint: '/emails',
      to: [ADA],
      from: 'Weekly AI Tool Verdicts <news@verdicts.example>',
      idempotencyKey: `welcome-${id}`,
      tags: [{ name: 'kind', value: 'welcome' }],
    });
    // Two days later, past Resend's 24 h idempotency window, another confirmation: the
    // reader's own claim, not the key, is what stops a second welcome.
    standInClock.advance(48 * 3600_000);
    s.clock.now = new Date(s.clock.now.getTime() + 48 * 3600_000);
    await s.subscribe(ADA); // active: no new confirmation, and the old link still works
    expect((await s.post(path, {})).status).toBe(200);
    await s.mailSent();
    expect(standIn.deliveries().filter((d) => d.subject.startsWith('Welcome'))).toHaveLength(1);
    expect(sent[0]!.headers?.['List-Unsubscribe']).toBe(
      `<${unsubscribeUrl({ baseUrl: s.url, secret: SECRET }, id)}>`,
    );
  });
});
