// Confirmation bombing: someone posts the subscribe form for plus-tags of one victim's mailbox
// from several addresses, with their own words as the name. At most the capped number of
// confirmations may go out, none carrying the visitor's text; every answer is the same bytes
// whatever the address's state; and no send happens while the request is being answered.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTransport } from '../../src/send/create-transport.ts';
import type { Transport } from '../../src/send/transport.ts';
import { createMailQueue } from '../../src/store/mail-queue.ts';
import type { MailWorker } from '../../src/web/public/mail-worker.ts';
import { postFrom, type TestServer, useServer } from './web-fixture.ts';

const start = useServer();
const SCAM = 'Your account is locked, verify at https://evil.example/login';

const bomb = async (s: TestServer) => {
  const answers = [];
  for (let i = 1; i <= 20; i++) {
    const from = `127.0.0.${2 + (i % 4)}`;
    const email = i % 3 === 0 ? `Victim+${i}@EXAMPLE.org` : `victim+${i}@example.org`;
    answers.push(await postFrom(s, from, { email, name: SCAM, website: '' }));
  }
  return answers;
};

describe('confirmation bombing', () => {
  it('20 posts for plus-tags of one mailbox from 4 addresses send one confirmation, without the visitor text', async () => {
    const s = await start();
    const answers = await bomb(s);
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    const mails = await s.outbox();
    expect(mails).toHaveLength(1);
    for (const m of mails) {
      const all = `${m.subject}\n${m.text}\n${m.html}`;
      expect(all).not.toContain('evil.example');
      expect(all).not.toContain('account is locked');
      expect(all).toMatch(/\/confirm\//);
    }
    expect(await s.mailQueue()).toMatchObject({ sent: 1, queued: 0, sending: 0 });
  });

  it('25 dot and googlemail variants of one Gmail address send one confirmation', async () => {
    const s = await start({ overrides: { limits: { subscribePerWindow: 30 } } });
    const letters = 'johnsmith'.split('');
    for (let mask = 0; mask < 25; mask++) {
      const local = letters.map((c, i) => (i > 0 && mask & (1 << (i - 1)) ? `.${c}` : c)).join('');
      const domain = mask % 5 === 4 ? 'googlemail.com' : 'gmail.com';
      const res = await postFrom(s, `127.0.0.${2 + (mask % 5)}`, {
        email: `${local}@${domain}`,
        website: '',
      });
      expect(res.status).toBe(200);
    }
    expect(await s.outbox()).toHaveLength(1);
  });

  it('CONFIRM_PER_MAILBOX_PER_DAY raises the mailbox cap, and the cap still holds', async () => {
    const s = await start({ env: { CONFIRM_PER_MAILBOX_PER_DAY: '3' } });
    await bomb(s);
    expect(await s.outbox()).toHaveLength(3);
  });

  it('answers new, pending, active, unsubscribed, bounced, complained and capped addresses with the same bytes', async () => {
    const s = await start({ overrides: { limits: { subscribePerWindow: 20 } } });
    const now = s.clock.now;
    for (const status of ['active', 'unsubscribed', 'bounced', 'complained'] as const)
      s.subscribers.add(`${status}@example.com`, { source: 'cli', status, now });
    await s.subscribe('pending@example.com');
    const answers = [];
    for (const email of [
      'new@example.com',
      'pending@example.com',
      'active@example.com',
      'unsubscribed@example.com',
      'bounced@example.com',
      'complained@example.com',
      'pending+again@example.com', // capped: the pending mailbox had its confirmation today
    ]) {
      const res = await s.subscribe(email, 'Ada');
      answers.push({
        status: res.status,
        type: res.headers.get('content-type'),
        body: await res.text(),
      });
    }
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
  });

  it('answers before sending: the answer reaches the client while the send is still blocked', async () => {
    const blocked = blockingTransport();
    const s = await start({ transport: (config) => blocked.wrap(createTransport(config)) });
    const res = await s.subscribe('new@example.com', 'Ada');
    expect(res.status).toBe(200);
    await res.text();
    blocked.answered();
    await s.mailSent();
    // Had the route awaited the send, the answer could only arrive after the gate timed out.
    expect(blocked.log.filter((l) => l !== 'send started')).toEqual([
      'answer received',
      'gate opened by the answer',
      'send done',
    ]);
    expect(await s.outbox()).toHaveLength(1);
  });

  it('the hourly site cap holds across every process on the database and across a restart', async () => {
    const a = await start({ env: { CONFIRM_PER_HOUR: '3' } });
    const b = await start({
      env: { CONFIRM_PER_HOUR: '3', DATABASE_PATH: a.env.DATABASE_PATH },
      sent: false,
    });
    for (let i = 0; i < 3; i++) {
      await a.subscribe(`a${i}@example.com`);
      await b.subscribe(`b${i}@example.com`);
    }
    const sent = [...(await a.outbox()), ...(await b.outbox())];
    expect(sent).toHaveLength(3);
    expect(a.logs.concat(b.logs).some((l) => l.includes('confirmation email capped'))).toBe(true);
    await b.close();
    const c = await start({
      env: { CONFIRM_PER_HOUR: '3', DATABASE_PATH: a.env.DATABASE_PATH },
      sent: false,
    });
    await c.subscribe('c@example.com');
    expect(await c.outbox()).toHaveLength(0);
    // An hour later the site may send again.
    c.clock.now = new Date(c.clock.now.getTime() + 3600_000 + 1000);
    await c.subscribe('c@example.com');
    expect(await c.outbox()).toHaveLength(1);
  });
});

describe('the confirmation queue survives a crash', () => {
  /** A worker that never runs: the process died after answering, before sending. */
  const dead: MailWorker = {
    wake() {},
    start() {},
    idle: async () => {},
    stop: async () => {},
  };

  it('a confirmation queued before a crash is sent when serve starts again', async () => {
    const a = await start({ overrides: { mail: dead } });
    await a.subscribe('ada@example.com');
    expect(await a.outbox()).toHaveLength(0);
    expect(await a.mailQueue()).toMatchObject({ queued: 1 });
    const b = await start({
      env: { DATABASE_PATH: a.env.DATABASE_PATH, OUTBOX_DIR: a.env.OUTBOX_DIR },
      sent: false,
    });
    await b.mailSent();
    const mails = await b.outbox();
    expect(mails.map((m) => m.to)).toEqual([expect.objectContaining({ text: 'ada@example.com' })]);
    expect(await b.mailQueue()).toMatchObject({ sent: 1, queued: 0 });
  });

  it('one left "sending" by a process that died is taken again once stale, with the same key', async () => {
    const a = await start({ overrides: { mail: dead } });
    await a.subscribe('ada@example.com');
    // The dead process had claimed it.
    createMailQueue(a.db).claim(a.clock.now, new Date(0));
    expect(await a.mailQueue()).toMatchObject({ sending: 1 });
    const env = { DATABASE_PATH: a.env.DATABASE_PATH, OUTBOX_DIR: a.env.OUTBOX_DIR };
    const soon = await start({ env, sent: false });
    await soon.mailSent();
    expect(await soon.mailQueue()).toMatchObject({ sending: 1 }); // not stale yet: not taken
    await soon.close();
    const staleAt = new Date(a.clock.now.getTime() + 5 * 60_000 + 1000);
    const later = await start({ env, sent: false, overrides: { now: () => staleAt } });
    await later.mailSent();
    expect(await later.mailQueue()).toMatchObject({ sent: 1, sending: 0 });
    const mails = await later.outbox();
    expect(mails).toHaveLength(1);
    // Keyed by the queue row, so a send the dead process did make is not made twice.
    expect(readdirSync(path.join(env.OUTBOX_DIR), { recursive: true }).join(' ')).toMatch(/mail-1/);
  });
});

/** Wraps a transport so every send waits until the test says the answer has arrived. */
function blockingTransport() {
  const log: string[] = [];
  let open!: (why: string) => void;
  const gate = new Promise<string>((resolve) => {
    open = resolve;
  });
  const fallback = setTimeout(() => open('the timeout'), 5_000);
  return {
    log,
    answered() {
      log.push('answer received');
      clearTimeout(fallback);
      open('the answer');
    },
    wrap: (inner: Transport): Transport => ({
      name: inner.name,
      sendBatch: (emails, opts) => inner.sendBatch(emails, opts),
      async sendOne(email, opts) {
        log.push('send started');
        log.push(`gate opened by ${await gate}`);
        const sent = await inner.sendOne(email, opts);
        log.push('send done');
        return sent;
      },
    }),
  };
}
