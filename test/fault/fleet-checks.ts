// What must hold after the fleet test's run (fleet.test.ts), read from the database, the
// stand-in, every server and `verdicts stats`. Each check names the readers it found wrong.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { expect } from 'vitest';
import type { IssueReport } from '../../src/report/index.ts';
import type { Site } from '../schedule/job-fixture.ts';
import { runCli } from '../support/cli.ts';
import type { ResendStandIn } from '../support/resend-stand-in/server.ts';
import type { Fleet } from '../web/serve-fleet.ts';
import type { LoadRecord } from './fleet-load.ts';

export type FleetRun = {
  sql: pg.Client;
  standIn: ResendStandIn;
  fleet: Fleet;
  site: Site;
  week: string;
  readers: readonly string[];
  /** Addresses that signed up during the load. */
  newcomers: readonly string[];
  ids: Map<string, number>;
  record: LoadRecord;
};

type LedgerRow = { email: string; status: string; first_attempt_at: string | null };

const count = <T>(items: readonly T[], key: (t: T) => string) => {
  const m = new Map<string, number>();
  for (const t of items) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
  return m;
};

export async function checkFleetRun(r: FleetRun): Promise<void> {
  const { sql, standIn, week, record } = r;
  // Confirmations and welcomes still queued by any server go out first.
  await expect
    .poll(
      async () =>
        (await sql.query(`SELECT status FROM mail_queue WHERE status IN ('queued', 'sending')`))
          .rowCount,
      { timeout: 60_000, interval: 200 },
    )
    .toBe(0);
  // The stand-in did fail requests: batches (errors, drops, lost answers) and confirmations.
  const faulted = new Set(standIn.requests.filter((q) => q.fault).map((q) => q.path));
  expect([...faulted].sort()).toEqual(['/emails', '/emails/batch']);
  const issue = standIn.deliveries().filter((d) => d.endpoint === '/emails/batch');
  const mail = standIn.deliveries().filter((d) => d.endpoint === '/emails');
  const copies = count(issue, (d) => d.to[0]!);

  // Every reader exactly one copy, as the ledger says; none to an unsubscribe answered before
  // the first attempt of that reader's batch.
  const ledger = new Map(
    (
      await sql.query<LedgerRow>(
        `SELECT r.email, r.status, b.first_attempt_at FROM send_recipients r
         JOIN send_batches b ON b.week = r.week AND b.batch_no = r.batch_no WHERE r.week = $1`,
        [week],
      )
    ).rows.map((row) => [row.email, row]),
  );
  const left = new Map(record.unsubscribed.map((u) => [u.email, u.answeredAt]));
  const wrong: string[] = [];
  let before = 0;
  for (const email of r.readers) {
    const n = copies.get(email) ?? 0;
    const row = ledger.get(email);
    if (!row || n !== (row.status === 'sent' ? 1 : 0)) {
      wrong.push(`${email}: ${n} copies, ledger ${row?.status}`);
      continue;
    }
    const answeredAt = left.get(email);
    if (answeredAt === undefined) {
      if (n !== 1) wrong.push(`${email}: stayed subscribed, ${n} copies`);
    } else if (answeredAt < Date.parse(row.first_attempt_at ?? '')) {
      before++;
      if (n !== 0)
        wrong.push(`${email}: unsubscribed before its batch's first attempt, ${n} copies`);
    }
  }
  expect(wrong.slice(0, 10), `${wrong.length} readers wrong`).toEqual([]);
  expect(copies.size).toBe(issue.length);
  expect([...copies.keys()].filter((e) => !ledger.has(e))).toEqual([]);
  // Both kinds happened: unsubscribes that beat their batch, and ones that came too late.
  expect(before).toBeGreaterThan(0);
  expect(before).toBeLessThan(record.unsubscribed.length);

  // Every newcomer confirmed is active once, got one confirmation and one welcome.
  const newcomers = [...record.confirmed].sort();
  expect(newcomers).toEqual([...r.newcomers].sort());
  const rows = await sql.query<{ email: string; status: string }>(
    `SELECT lower(email) AS email, status FROM subscribers WHERE lower(email) = ANY($1::text[])
     ORDER BY 1`,
    [newcomers],
  );
  expect(rows.rows).toEqual(newcomers.map((email) => ({ email, status: 'active' })));
  const subjects = (email: string) =>
    mail
      .filter((d) => d.to[0] === email)
      .map((d) => d.subject.split(' ')[0])
      .sort();
  expect(newcomers.filter((e) => subjects(e).join() !== 'Confirm,Welcome')).toEqual([]);

  // One vote per voter, the last one made, wherever it was cast.
  const votes = await sql.query<{ subscriber_id: string; tool_id: string }>(
    'SELECT subscriber_id, tool_id FROM votes WHERE week = $1',
    [week],
  );
  expect(new Map(votes.rows.map((v) => [Number(v.subscriber_id), v.tool_id]))).toEqual(
    record.votes,
  );

  // Every webhook event recorded once (one `recorded` answer, the repeats `duplicate`), and
  // linked to its reader and week even when it arrived before the ledger wrote its message id.
  const events = await sql.query<{ svix_id: string; type: string; week: string; sid: string }>(
    'SELECT svix_id, type, week, subscriber_id AS sid FROM events ORDER BY id',
  );
  expect(events.rows).toHaveLength(record.webhooks.size);
  for (const e of events.rows) {
    const sent = record.webhooks.get(e.svix_id);
    expect(sent, e.svix_id).toBeDefined();
    expect({ type: e.type, week: e.week, sid: Number(e.sid) }).toEqual({
      type: sent!.type,
      week,
      sid: r.ids.get(sent!.to),
    });
    expect(
      sent!.outcomes.filter((o) => o === 'recorded'),
      e.svix_id,
    ).toHaveLength(1);
    expect(sent!.outcomes.every((o) => o === 'recorded' || o === 'duplicate')).toBe(true);
  }

  // Every server (the restarted one too) serves the sent week from the store, the same page.
  const archived = JSON.parse(
    readFileSync(path.join(r.site.dir, 'issues', week, 'issue.json'), 'utf8'),
  ) as { pairs: { headline: string }[] };
  const pages = await Promise.all(
    r.fleet.servers.map(async (s) => {
      const res = await fetch(`${s.url}/issues/${week}/`);
      const home = await (await fetch(`${s.url}/`)).text();
      return { status: res.status, body: await res.text(), listed: home.includes(week) };
    }),
  );
  for (const p of pages) {
    expect(p).toMatchObject({ status: 200, listed: true });
    expect(p.body).toContain(archived.pairs[0]!.headline);
  }
  expect(new Set(pages.map((p) => p.body)).size).toBe(1);

  // `stats` agrees with the stand-in (each copy once: retries were replayed, not recorded).
  const stats = await runCli(['stats', '--week', week, '--json'], { env: r.site.env });
  expect(stats.code, stats.stderr).toBe(0);
  const report = JSON.parse(stats.stdout) as IssueReport;
  const readersWith = (type: string) =>
    new Set([...record.webhooks.values()].filter((w) => w.type === type).map((w) => w.to)).size;
  expect(report).toMatchObject({
    status: 'sent',
    recipients: r.readers.length,
    submitted: issue.length,
    refused: 0,
    delivered: readersWith('email.delivered'),
    opened: readersWith('email.opened'),
    unsubscribed: record.unsubscribed.length,
  });
  expect(report.votes.map((v) => v.total)).toEqual([record.votes.size]);
}
