// What the web-ingest bench sends, built (and signed) before the clock starts, and how it
// knows an answer was the one wanted. Webhooks are Resend events (delivered, opened, clicked)
// about a sent week's readers, each with its own svix id, signed as Resend signs them.
// Subscribes are new addresses, each from its own client address behind the proxy.
import { signWebhook } from '../support/webhook-sign.ts';
import type { LoadRequest } from './http-load.ts';

export const PUBLIC_URL = 'https://verdicts.example';
export const WEBHOOK_SECRET = `whsec_${Buffer.from('bench-webhook-key-0123456789').toString('base64')}`;
/** Readers of the sent week the events are about. */
export const READERS = 500;
export const reader = (i: number) => `reader${i % READERS}@example.com`;
/** The message id the sent week recorded for a reader. */
export const messageIdOf = (email: string) => `em_${email}`;

const TYPES = ['email.delivered', 'email.opened', 'email.clicked', 'email.opened'];

export function webhookRequests(tag: string, count: number): LoadRequest[] {
  const timestamp = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, (_, i) => {
    const type = TYPES[i % TYPES.length]!;
    const body = JSON.stringify({
      type,
      created_at: '2026-11-30T10:00:00.000Z',
      data: {
        email_id: messageIdOf(reader(i)),
        created_at: '2026-11-30T09:00:00.000Z',
        from: 'news@verdicts.example',
        to: [reader(i)],
        subject: 'This week',
        ...(type === 'email.clicked' ? { click: { link: 'https://example.com/tool' } } : {}),
      },
    });
    const signed = signWebhook({ secret: WEBHOOK_SECRET, id: `msg_${tag}_${i}`, timestamp, body });
    return {
      path: '/webhooks/resend',
      headers: { 'content-type': 'application/json', ...signed },
      body,
    };
  });
}

export function subscribeRequests(tag: string, count: number): LoadRequest[] {
  return Array.from({ length: count }, (_, i) => ({
    path: '/subscribe',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: PUBLIC_URL,
      'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    },
    body: new URLSearchParams({
      email: `${tag}-${i}@example.com`,
      name: 'Bench',
      website: '',
    }).toString(),
  }));
}

/** A webhook answer: 200 and recorded (never a duplicate: every svix id is new). */
export const recorded = (status: number, body: string) =>
  status === 200 && body.includes('"outcome":"recorded"');
/** A subscribe answer: 200 and the "check your inbox" page. */
export const inboxPage = (status: number, body: string) =>
  status === 200 && body.includes('Check your inbox');
