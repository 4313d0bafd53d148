// Confirmation bombing spread over three `serve` processes on one PostgreSQL database: the
// per-mailbox and site-wide caps are counted in the database, so three servers together queue
// (and send) no more confirmations than one server would. The posts go round-robin and all at
// once, each from its own client address (TRUST_PROXY), so neither the per-client rate limit
// nor the order of the servers hides a cap that only one process counts.
import { existsSync, readdirSync } from 'node:fs';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { freshPgDatabase } from '../support/postgres.ts';
import { type Fleet, useServeFleet } from './serve-fleet.ts';

// Registered first, so it runs after the fleet's (after-hooks run in reverse): the servers are
// gone before their database is dropped.
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const startFleet = useServeFleet();

const SITE = 'https://verdicts.example.com';
const PER_MAILBOX = 2;
const PER_HOUR = 5;

async function fleetOnPg(): Promise<{ fleet: Fleet; query: pg.Client['query'] }> {
  const db = await freshPgDatabase('bombing');
  cleanups.push(() => db.drop());
  const fleet = await startFleet(3, {
    DATABASE_URL: db.url,
    TOKEN_SECRET: 'test-secret-0123456789abcdef',
    PUBLIC_BASE_URL: SITE,
    TRUST_PROXY: 'true',
    CONFIRM_PER_MAILBOX_PER_DAY: String(PER_MAILBOX),
    CONFIRM_PER_HOUR: String(PER_HOUR),
  });
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  cleanups.push(() => client.end());
  return { fleet, query: client.query.bind(client) as pg.Client['query'] };
}

/** Every post at once, round-robin over the servers, each from its own client address. */
const bomb = (fleet: Fleet, emails: string[]) =>
  Promise.all(
    emails.map(async (email, i) => {
      const res = await fleet.fetch('/subscribe', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: SITE,
          'x-forwarded-for': `10.9.${Math.floor(i / 200)}.${(i % 200) + 1}`,
        },
        body: new URLSearchParams({ email, name: '', website: '' }).toString(),
      });
      return { status: res.status, body: await res.text() };
    }),
  );

/** Confirmation rows by mailbox, once no server holds one unsent. */
async function confirmations(fleet: Fleet, query: pg.Client['query']) {
  const until = Date.now() + 30_000;
  for (;;) {
    const open = await query(
      `SELECT COUNT(*)::int AS n FROM mail_queue WHERE status IN ('queued', 'sending')`,
    );
    if (open.rows[0].n === 0) break;
    if (Date.now() > until) throw new Error('the mail queue did not drain');
    await new Promise((r) => setTimeout(r, 100));
  }
  const rows = await query(
    `SELECT mailbox, status FROM mail_queue WHERE kind = 'confirm' ORDER BY mailbox`,
  );
  // What the servers really sent: .eml files in their own outboxes (none made by a server
  // whose worker sent nothing).
  const sent = fleet.servers.map((s) => {
    const dir = s.env['OUTBOX_DIR']!;
    if (!existsSync(dir)) return 0;
    return (readdirSync(dir, { recursive: true }) as string[]).filter((n) => n.endsWith('.eml'))
      .length;
  });
  return { rows: rows.rows as { mailbox: string; status: string }[], sent };
}

describe('confirmation bombing over three servers on one PostgreSQL', () => {
  it('30 posts for plus-tags of one mailbox queue no more than the per-mailbox cap', {
    timeout: 90_000,
  }, async () => {
    const { fleet, query } = await fleetOnPg();
    const emails = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 0 ? `Victim+${i}@EXAMPLE.org` : `victim+${i}@example.org`,
    );
    const answers = await bomb(fleet, emails);
    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(200));
    // Capped or not, every server answers the same bytes.
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    const { rows, sent } = await confirmations(fleet, query);
    expect(rows).toEqual(
      Array(PER_MAILBOX).fill({ mailbox: 'victim@example.org', status: 'sent' }),
    );
    expect(sent.reduce((a, b) => a + b, 0)).toBe(PER_MAILBOX);
  });

  it('40 posts for distinct mailboxes queue no more than the site-wide hourly cap', {
    timeout: 90_000,
  }, async () => {
    const { fleet, query } = await fleetOnPg();
    const emails = Array.from({ length: 40 }, (_, i) => `person${i}@example.net`);
    const answers = await bomb(fleet, emails);
    expect(answers.map((a) => a.status)).toEqual(Array(40).fill(200));
    const { rows, sent } = await confirmations(fleet, query);
    expect(rows).toHaveLength(PER_HOUR);
    expect(new Set(rows.map((r) => r.mailbox)).size).toBe(PER_HOUR);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(sent.reduce((a, b) => a + b, 0)).toBe(PER_HOUR);
    // Past the cap every server answered the proof-of-work page and stored nothing; the
    // addresses within it were stored once, pending, whichever server took them.
    const proofPages = answers.filter((a) => a.body.includes('<altcha-widget')).length;
    expect(proofPages).toBe(40 - PER_HOUR);
    const stored = await query(
      `SELECT COUNT(*)::int AS n, COUNT(DISTINCT lower(email))::int AS distinct_n
       FROM subscribers WHERE status = 'pending'`,
    );
    expect(stored.rows[0]).toEqual({ n: PER_HOUR, distinct_n: PER_HOUR });
  });
});
