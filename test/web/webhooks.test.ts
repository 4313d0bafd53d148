import { describe, expect, it } from 'vitest';
import { forgetAddress } from '../../src/store/forget.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import { signWebhook } from '../support/webhook-sign.ts';
import { type TestServer, useServer, WEBHOOK_SECRET, WEEK } from './web-fixture.ts';

const start = useServer();
const startStandIn = useStandIn();

let n = 0;
const event = (type: string, to: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type,
    created_at: '2026-11-30T09:10:00.000Z',
    data: {
      email_id: `email_${++n}`,
      created_at: '2026-11-30T09:00:00.000Z',
      from: 'news@verdicts.example',
      to: [to],
      subject: 'This week',
      ...extra,
    },
  });
const bounce = (to: string, type = 'Permanent') =>
  event('email.bounced', to, { bounce: { type, subType: 'General', message: 'no such user' } });

const deliver = (
  s: TestServer,
  body: string,
  opts: { id?: string; secret?: string; timestamp?: number; headers?: Record<string, string> } = {},
) => {
  const signed = signWebhook({
    secret: opts.secret ?? WEBHOOK_SECRET,
    id: opts.id ?? `msg_${++n}`,
    timestamp: opts.timestamp ?? Math.floor(Date.now() / 1000),
    body,
  });
  // Resend posts JSON from its servers: no Origin, no cookies.
  return fetch(`${s.url}/webhooks/resend`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signed, ...opts.headers },
    body,
  });
};

const active = (s: TestServer, email: string) => {
  const r = s.subscribers.add(email, { source: 'cli', status: 'active', now: s.clock.now });
  if (!r.ok) throw new Error(r.error);
  return r.value.id;
};
const eventCount = (s: TestServer) =>
  (s.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;

describe('Resend webhooks', () => {
  it('rejects a bad, altered, unsigned or stale signature with 401 and changes nothing', async () => {
    const s = await start();
    const id = active(s, 'ann@example.com');
    const body = bounce('ann@example.com');
    const other = `whsec_${Buffer.from('some-other-secret-key').toString('base64')}`;
    const attempts = [
      await deliver(s, body, { secret: other }),
      await deliver(s, body, { timestamp: Math.floor(Date.now() / 1000) - 600 }),
      await deliver(s, body, { headers: { 'svix-signature': 'v1,AAAA' } }),
      await fetch(`${s.url}/webhooks/resend`, { method: 'POST', body }),
    ];
    // A body changed after signing (same headers).
    const signed = signWebhook({
      secret: WEBHOOK_SECRET,
      id: 'msg_x',
      timestamp: Math.floor(Date.now() / 1000),
      body,
    });
    attempts.push(
      await fetch(`${s.url}/webhooks/resend`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signed },
        body: body.replace('ann@', 'bob@'),
      }),
    );
    for (const res of attempts) expect(res.status).toBe(401);
    expect(s.subscribers.getById(id)?.status).toBe('active');
    expect(eventCount(s)).toBe(0);
  });

  it('answers 503 without a configured secret and logs why; nothing is accepted', async () => {
    const s = await start({ env: { RESEND_WEBHOOK_SECRET: '' } });
    const id = active(s, 'ann@example.com');
    const res = await deliver(s, bounce('ann@example.com'));
    expect(res.status).toBe(503);
    expect(s.subscribers.getById(id)?.status).toBe('active');
    expect(s.logs.join('')).toContain('RESEND_WEBHOOK_SECRET is not set');
  });

  it('suppresses hard bounces and complaints, records the rest, and applies a repeat once', async () => {
    const s = await start();
    const ann = active(s, 'ann@example.com');
    const bob = active(s, 'bob@example.com');
    const cat = active(s, 'cat@example.com');

    const hard = bounce('ann@example.com');
    const first = await deliver(s, hard, { id: 'msg_bounce' });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ok: true, outcome: 'recorded' });
    expect(s.subscribers.getById(ann)?.status).toBe('bounced');

    // The operator re-activates Ann; Resend retries the same delivery: it must not apply again.
    s.subscribers.setStatus(ann, 'active', s.clock.now);
    const repeat = await deliver(s, hard, { id: 'msg_bounce' });
    expect(repeat.status).toBe(200);
    expect(await repeat.json()).toEqual({ ok: true, outcome: 'duplicate' });
    expect(s.subscribers.getById(ann)?.status).toBe('active');

    expect((await deliver(s, event('email.complained', 'Bob <bob@example.com>'))).status).toBe(200);
    expect(s.subscribers.getById(bob)?.status).toBe('complained');
    // A later bounce does not weaken a complaint.
    await deliver(s, bounce('bob@example.com'));
    expect(s.subscribers.getById(bob)?.status).toBe('complained');

    for (const type of ['email.delivered', 'email.opened', 'email.clicked']) {
      expect((await deliver(s, event(type, 'cat@example.com'))).status).toBe(200);
    }
    await deliver(s, bounce('cat@example.com', 'Transient'));
    expect(s.subscribers.getById(cat)?.status).toBe('active');
    const types = s.db
      .prepare("SELECT type FROM events WHERE email = 'cat@example.com' ORDER BY id")
      .all()
      .map((r) => (r as { type: string }).type);
    expect(types).toEqual(['email.delivered', 'email.opened', 'email.clicked', 'email.bounced']);
    expect(eventCount(s)).toBe(7); // the repeat is not stored twice
  });

  it('refuses oversized webhook bodies with 413 before verifying', async () => {
    const s = await start({ overrides: { limits: { webhookBodyBytes: 1024 } } });
    const body = event('email.delivered', 'x@example.com', { padding: 'x'.repeat(2000) });
    expect((await deliver(s, body)).status).toBe(413);
    expect(eventCount(s)).toBe(0);
  });

  it('a bounced and a complained address get nothing from the next `verdicts send`', async () => {
    const s = await start({ sent: false });
    const { standIn } = await startStandIn();
    for (const who of ['ann', 'bob', 'cat', 'dan']) active(s, `${who}@example.com`);
    await deliver(s, bounce('ann@example.com'));
    await deliver(s, event('email.complained', 'bob@example.com'));

    const run = await s.sendWeek({
      RESEND_API_KEY: KEY,
      RESEND_BASE_URL: standIn.url,
      RESEND_RATE_LIMIT: '50',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(Object.fromEntries(standIn.countByRecipient())).toEqual({
      'cat@example.com': 1,
      'dan@example.com': 1,
    });
    // Once sent, the issue is public on the front page.
    expect(await (await s.get('/')).text()).toContain(`/issues/${WEEK}/`);
  });
});

describe('Resend webhooks about an erased reader', () => {
  it('are recorded without the address, so forget stays complete', async () => {
    const s = await start();
    active(s, 'gone@example.com');
    const res = forgetAddress(s.db, 'gone@example.com', {
      secret: s.config.TOKEN_SECRET,
      at: s.clock.now,
    });
    expect(res.ok).toBe(true);
    expect((await deliver(s, bounce('Gone@Example.com'))).status).toBe(200);
    expect(eventCount(s)).toBe(1);
    const row = s.db.prepare('SELECT email, message_id, payload FROM events').get() as Record<
      string,
      string | null
    >;
    expect(row).toEqual({
      email: null,
      message_id: null,
      payload: '{"type":"email.bounced","redacted":"erased reader"}',
    });
  });
});
