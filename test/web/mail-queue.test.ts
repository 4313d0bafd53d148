// The confirmation queue against the real Resend SDK and the stand-in's injected faults:
// provider errors are retried later with the same idempotency key (one delivery), a validation
// error fails the row without retrying, and mailboxes fold plus-tags and case.
import { describe, expect, it } from 'vitest';
import { createTransport } from '../../src/send/create-transport.ts';
import { mailboxKey } from '../../src/store/mailbox-key.ts';
import type { FaultKind } from '../support/resend-stand-in/faults.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import { type TestServer, useServer } from './web-fixture.ts';

const start = useServer();
const startStandIn = useStandIn();

/** Faults for the first requests, then normal service; the real clock so retries come due. */
async function serverWithFaults(first: FaultKind[], always = false) {
  const { standIn } = await startStandIn({
    faults: ({ requestNo }) => (always ? first[0] : first[requestNo - 1]) ?? null,
  });
  const s = await start({
    transport: (config) =>
      createTransport(
        { ...config, RESEND_API_KEY: KEY, RESEND_BASE_URL: standIn.url },
        { timeoutMs: 2_000 },
      ),
    overrides: { now: () => new Date(), limits: { pollMs: 25, retryBaseMs: 20, retryCapMs: 50 } },
  });
  return { s, standIn };
}

const settled = async (s: TestServer) => {
  for (let i = 0; i < 200; i++) {
    await s.mailSent();
    const q = await s.mailQueue();
    if (q.queued === 0 && q.sending === 0) return q;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`queue never settled: ${JSON.stringify(await s.mailQueue())}`);
};

const row = (s: TestServer) =>
  s.db.prepare('SELECT attempts, status, error FROM mail_queue').get() as {
    attempts: number;
    status: string;
    error: string | null;
  };

describe('mail queue retries', () => {
  it('retries a 503 later and delivers once', async () => {
    const { s, standIn } = await serverWithFaults(['status503']);
    expect((await s.subscribe('ada@example.com')).status).toBe(200);
    expect(await settled(s)).toMatchObject({ sent: 1, failed: 0 });
    expect(standIn.deliveries()).toHaveLength(1);
    expect(row(s)).toMatchObject({ attempts: 2, status: 'sent' });
    expect(s.logs.some((l) => l.includes('confirmation email retried later'))).toBe(true);
  });

  it('a lost response is retried with the same key: still one delivery', async () => {
    const { s, standIn } = await serverWithFaults(['lostResponse']);
    await s.subscribe('ada@example.com');
    expect(await settled(s)).toMatchObject({ sent: 1 });
    expect(standIn.deliveries()).toHaveLength(1);
    const keys = standIn.requests.map((r) => r.headers['idempotency-key']);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(keys)).toEqual(new Set(['mail-1']));
  });

  it('a validation error fails the row at once and is logged', async () => {
    const { s, standIn } = await serverWithFaults(['validation'], true);
    await s.subscribe('ada@example.com');
    expect(await settled(s)).toMatchObject({ failed: 1, sent: 0 });
    expect(row(s)).toMatchObject({ attempts: 1, status: 'failed' });
    expect(standIn.deliveries()).toHaveLength(0);
    expect(s.logs.some((l) => l.includes('confirmation email not sent'))).toBe(true);
  });
});

describe('mailboxKey', () => {
  it('folds plus-tags and case, and keeps different mailboxes apart', () => {
    expect(mailboxKey('Victim+1@EXAMPLE.org')).toBe('victim@example.org');
    expect(mailboxKey('victim+a+b@example.org')).toBe('victim@example.org');
    expect(mailboxKey('victim@example.org')).toBe('victim@example.org');
    expect(mailboxKey('+tag@example.org')).toBe('+tag@example.org');
    expect(mailboxKey('victim2@example.org')).not.toBe(mailboxKey('victim@example.org'));
    expect(mailboxKey('victim@example.net')).not.toBe(mailboxKey('victim@example.org'));
  });
});
