import { Resend } from 'resend';
import { describe, expect, it } from 'vitest';
import { signWebhook, toVerifyHeaders } from './webhook-sign.ts';

const webhookSecret = `whsec_${Buffer.from('a test secret of 24 bytes').toString('base64')}`;
const payload = JSON.stringify({
  type: 'email.bounced',
  created_at: '2026-08-31T08:00:00.000Z',
  data: { email_id: 'e1', from: 'news@verdicts.example', to: ['r@example.com'], subject: 'Hi' },
});

describe('webhook-sign', () => {
  const resend = new Resend('re_x');
  const timestamp = Math.floor(Date.now() / 1000);

  it('produces Svix headers the SDK accepts', () => {
    const headers = signWebhook({ secret: webhookSecret, id: 'msg_1', timestamp, body: payload });
    expect(headers['svix-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const event = resend.webhooks.verify({
      payload,
      headers: toVerifyHeaders(headers),
      webhookSecret,
    });
    expect(event).toEqual(JSON.parse(payload));
  });

  it('is refused by the SDK for a changed body, another secret, or an old timestamp', () => {
    const headers = toVerifyHeaders(
      signWebhook({ secret: webhookSecret, id: 'msg_1', timestamp, body: payload }),
    );
    const other = `whsec_${Buffer.from('another secret').toString('base64')}`;
    expect(() =>
      resend.webhooks.verify({ payload: `${payload} `, headers, webhookSecret }),
    ).toThrow();
    expect(() => resend.webhooks.verify({ payload, headers, webhookSecret: other })).toThrow();
    const old = signWebhook({
      secret: webhookSecret,
      id: 'msg_1',
      timestamp: timestamp - 600,
      body: payload,
    });
    expect(() =>
      resend.webhooks.verify({ payload, headers: toVerifyHeaders(old), webhookSecret }),
    ).toThrow();
  });
});
