// Test helpers: start a stand-in that is closed after each test, and build valid emails.
import { Resend } from 'resend';
import { afterEach } from 'vitest';
import {
  type ResendStandIn,
  type StandInOptions,
  startResendStandIn,
} from './resend-stand-in/server.ts';

export const KEY = 're_test_key';

/** Call at the top of a describe/file; returns `start(opts)` (rate limit off unless asked). */
export const useStandIn = () => {
  const started: ResendStandIn[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
  });
  return async (opts: StandInOptions = {}) => {
    const standIn = await startResendStandIn({ apiKey: KEY, rateLimit: false, ...opts });
    started.push(standIn);
    return { standIn, resend: new Resend(KEY, { baseUrl: standIn.url }) };
  };
};

export const email = (i: number, extra: Record<string, unknown> = {}) => ({
  from: 'Weekly AI Tool Verdicts <news@verdicts.example>',
  to: `reader${i}@example.com`,
  subject: 'This week: 3 verdicts',
  html: `<p>Hello reader ${i}</p>`,
  text: `Hello reader ${i}`,
  headers: {
    'List-Unsubscribe': `<https://verdicts.example/u/${i}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  },
  tags: [{ name: 'issue', value: '2026-35' }],
  ...extra,
});

export const emails = (n: number, from = 0) => Array.from({ length: n }, (_, i) => email(from + i));

/** A manual clock for `now`. */
export const manualClock = (start = 1_000_000) => {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
};
