// `verdicts db copy --to <postgres-url>`: a SQLite database that sent a week (through the
// Resend stand-in), took signed webhooks, a one-click unsubscribe, votes, a subscribe form, a
// suppression list and an erasure is copied into an empty PostgreSQL database; `stats` and
// `subscribers export` then print the same bytes from either store. A non-empty target is
// refused untouched; a copy that fails partway leaves the target empty and runs again; a send
// stopped halfway on SQLite finishes on PostgreSQL under its own send id, each reader once.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS } from '../../src/store/pg/migrations.ts';
import { expectExactlyOnce } from '../fault/expect-once.ts';
import {
  type EventTarget,
  eventBody,
  postEvent,
  useServe,
  WEBHOOK_SECRET,
} from '../report/serve-fixture.ts';
import { BASE_URL, reader, sendWorkspace, WEEK } from '../send/send-fixture.ts';
import { runCli } from '../support/cli.ts';
import { tempDir } from '../support/paths.ts';
import { freshPgDatabase } from '../support/postgres.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import { halfSentWeek } from './half-sent.ts';

const startStandIn = useStandIn();
const serve = useServe();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function target(name = 'db_copy') {
  const db = await freshPgDatabase(name);
  cleanups.push(db.drop);
  return db;
}

async function queryPg<R>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as R[];
  } finally {
    await client.end();
  }
}

const TABLES = [
  'subscribers',
  'suppressions',
  'issue_sends',
  'send_batches',
  'send_recipients',
  'events',
  'event_readers',
  'subscriber_changes',
  'votes',
  'mail_queue',
  'leases',
];

async function rowCounts(url: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) {
    const [r] = await queryPg<{ n: string }>(url, `SELECT COUNT(*) AS n FROM ${t}`);
    out[t] = Number(r!.n);
  }
  return out;
}

const PAIR = 'smolvlm2-vs-code-llama-4';

/**
 * A SQLite database that has sent WEEK to 12 readers through the stand-in, then recorded the
 * provider's signed webhooks (delivered, a hard bounce, a complaint, opens, clicks), a
 * one-click unsubscribe, two votes and a subscribe-form confirmation, all through `verdicts
 * serve`; then a suppression list and an erasure through the CLI.
 */
async function sentWeekWithEvents() {
  const ws = await sendWorkspace({ subscribers: 12 });
  cleanups.push(() => ws.close());
  const { standIn } = await startStandIn();
  const env = ws.env({
    RESEND_API_KEY: KEY,
    RESEND_BASE_URL: standIn.url,
    RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET,
    WELCOME_EMAIL: 'false',
  });
  const sent = await runCli(ws.args(), { env });
  expect(sent.code, sent.stderr).toBe(0);
  const deliveries = standIn.deliveries();
  const to = (i: number): EventTarget & { html: string; unsubscribe: string } => {
    const d = deliveries.find((x) => x.to[0] === reader(i))!;
    const unsubscribe = /<([^>]+)>/.exec(d.headers?.['List-Unsubscribe'] ?? '')![1]!;
    return { id: d.id, to: d.to[0]!, html: d.html ?? '', unsubscribe };
  };
  const built = /(https?:\/\/[^/"]+)\/vote\//.exec(to(1).html)![1]!;
  const voteLink = (i: number, tool: string) =>
    new RegExp(`${built}/vote/${WEEK}/${PAIR}/${tool}/[^"]+`).exec(to(i).html)![0];

  const events: [string, EventTarget, Record<string, unknown>?][] = [];
  for (let i = 1; i <= 12; i++) events.push(['email.sent', to(i)]);
  for (let i = 1; i <= 11; i++) events.push(['email.delivered', to(i)]);
  events.push([
    'email.bounced',
    to(12),
    { bounce: { type: 'Permanent', message: 'no such user' } },
  ]);
  events.push(['email.complained', to(3)]);
  for (const i of [1, 2, 2, 4]) events.push(['email.opened', to(i)]);
  const click = (link: string) => ({
    click: {
      ipAddress: '203.0.113.9',
      link,
      timestamp: '2026-11-30T10:00:00.000Z',
      userAgent: 't',
    },
  });
  events.push(['email.clicked', to(1), click(voteLink(1, 'smolvlm2'))]);
  events.push(['email.clicked', to(2), click(voteLink(2, 'code-llama-4'))]);

  const paths = ['--db', ws.dbPath, '--issues', ws.issuesDir];
  const server = await serve(paths, env);
  for (const [n, [type, t, extra]] of events.entries()) {
    expect(await postEvent(server.url, eventBody(type, t, extra), `msg_${n}`)).toBe('recorded');
  }
  const oneClick = new URL(to(5).unsubscribe);
  const unsub = await fetch(server.url + oneClick.pathname + oneClick.search, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  expect(unsub.status).toBe(200);
  for (const [i, tool] of [
    [2, 'smolvlm2'],
    [4, 'code-llama-4'],
  ] as const) {
    const res = await fetch(server.url + new URL(voteLink(i, tool)).pathname, {
      method: 'POST',
      headers: { origin: BASE_URL, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(res.status).toBe(200);
  }
  const subscribed = await fetch(`${server.url}/subscribe`, {
    method: 'POST',
    headers: { origin: BASE_URL, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'email=New.Reader%40example.com&name=New+Reader',
  });
  expect(subscribed.status).toBe(200);
  await server.stop();

  const list = path.join(tempDir(), 'suppress.csv');
  writeFileSync(list, 'email\nblocked@example.com\nreader7@example.com\n');
  expect((await runCli(['subscribers', 'suppress', list, '--db', ws.dbPath], { env })).code).toBe(
    0,
  );
  const forgot = await runCli(['subscribers', 'forget', reader(6), '--db', ws.dbPath], { env });
  expect(forgot.code, forgot.stderr).toBe(0);
  return { ws, env };
}

describe('verdicts db copy', () => {
  it('copies a database that sent a week: stats and export are the same bytes from both stores', async () => {
    const { ws, env } = await sentWeekWithEvents();
    const db = await target();
    const sqlite = { ...env, DATABASE_PATH: ws.dbPath, ISSUES_DIR: ws.issuesDir };
    const postgres = {
      ...env,
      DATABASE_PATH: path.join(tempDir(), 'not-used.db'),
      DATABASE_URL: db.url,
      ISSUES_DIR: ws.issuesDir,
    };

    const copy = await runCli(['db', 'copy', '--to', db.url], { env: sqlite });
    expect(copy.code, copy.stderr).toBe(0);
    expect(copy.stderr).toBe('');
    expect(copy.stdout).not.toMatch(db.url);
    expect(copy.stdout).toMatch(/^table\s+rows\s+checksum\s+ok$/m);
    for (const t of TABLES.filter((x) => x !== 'leases')) {
      expect(copy.stdout).toMatch(new RegExp(`^${t}\\s+\\d+\\s+[0-9a-f]{16}\\s+ok$`, 'm'));
    }
    expect(copy.stdout).toMatch(/^leases\s+-\s+skipped: per-process locks/m);
    expect(copy.stdout).toMatch(/^copied \d+ rows in [\d.]+ s \(/m);

    // Every table holds something worth comparing.
    const counts = await rowCounts(db.url);
    expect(counts).toMatchObject({ issue_sends: 1, votes: 2, leases: 0 });
    for (const t of TABLES.filter((x) => x !== 'leases')) expect(counts[t], t).toBeGreaterThan(0);

    for (const args of [
      ['stats'],
      ['stats', '--json'],
      ['stats', '--week', WEEK, '--json'],
      ['subscribers', 'export'],
      ['subscribers', 'list', '--json'],
    ]) {
      const a = await runCli(args, { env: sqlite });
      const b = await runCli(args, { env: postgres });
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      expect(b.stdout, args.join(' ')).toBe(a.stdout);
    }
    const report = JSON.parse(
      (await runCli(['stats', '--week', WEEK, '--json'], { env: postgres })).stdout,
    );
    expect(report).toMatchObject({
      recipients: 12,
      delivered: 11,
      bounced: 1,
      complained: 1,
      opened: 3,
      clicked: 2,
      unsubscribed: 1,
    });

    // New rows get new ids: the identity continues after the copied ones.
    const [{ max }] = (await queryPg<{ max: string }>(
      db.url,
      'SELECT MAX(id) AS max FROM subscribers',
    )) as [{ max: string }];
    expect(
      (await runCli(['subscribers', 'add', 'later@example.com'], { env: postgres })).code,
    ).toBe(0);
    const added = await queryPg<{ id: string }>(
      db.url,
      "SELECT id FROM subscribers WHERE email = 'later@example.com'",
    );
    expect(Number(added[0]!.id)).toBe(Number(max) + 1);
    // The trigger that counts event readers is on again for new events.
    const triggers = await queryPg<{ tgenabled: string }>(
      db.url,
      "SELECT tgenabled FROM pg_trigger WHERE tgname = 'events_count_linked'",
    );
    expect(triggers).toEqual([{ tgenabled: 'O' }]);
  });

  it('refuses a target that holds rows: exit 1, nothing changed', async () => {
    const ws = await sendWorkspace({ subscribers: 5, withArchive: false });
    cleanups.push(() => ws.close());
    const db = await target();
    const onTarget = { ...ws.env(), DATABASE_URL: db.url };
    expect(
      (await runCli(['subscribers', 'add', 'someone@example.com'], { env: onTarget })).code,
    ).toBe(0);
    const before = await runCli(['subscribers', 'export'], { env: onTarget });

    const copy = await runCli(['db', 'copy', '--to', db.url, '--db', ws.dbPath], { env: ws.env() });
    expect(copy.code).toBe(1);
    expect(copy.stderr).toMatch(/is not empty \(subscribers 1\): nothing copied/);
    expect(copy.stderr).not.toMatch(db.url);
    expect((await runCli(['subscribers', 'export'], { env: onTarget })).stdout).toBe(before.stdout);
    expect((await rowCounts(db.url)).subscribers).toBe(1);
  });

  it('a copy that fails partway leaves the target empty, and running it again succeeds', async () => {
    const ws = await sendWorkspace({ subscribers: 250, withArchive: true });
    cleanups.push(() => ws.close());
    // Sent to the outbox: a ledger of 250 recipients in 3 batches.
    expect((await runCli(ws.args(), { env: ws.env() })).code).toBe(0);
    const db = await target();
    expect(
      (await runCli(['db', 'migrate'], { env: { ...ws.env(), DATABASE_URL: db.url } })).code,
    ).toBe(0);
    // The target fails at the 201st recipient, after subscribers and the send's first tables.
    await queryPg(
      db.url,
      `CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.subscriber_id > 200 THEN RAISE EXCEPTION 'disk full (simulated)'; END IF; RETURN NEW; END $$;
       CREATE TRIGGER refuse BEFORE INSERT ON send_recipients FOR EACH ROW EXECUTE FUNCTION refuse()`,
    );
    const copy = ['db', 'copy', '--to', db.url, '--db', ws.dbPath];
    const failed = await runCli(copy, { env: ws.env() });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /the copy failed while copying send_recipients: disk full \(simulated\); rolled back, .* is left empty/,
    );
    expect(Object.values(await rowCounts(db.url)).every((n) => n === 0)).toBe(true);
    expect(
      await queryPg(
        db.url,
        "SELECT tgenabled FROM pg_trigger WHERE tgname = 'events_count_linked'",
      ),
    ).toEqual([{ tgenabled: 'O' }]);

    await queryPg(db.url, 'DROP TRIGGER refuse ON send_recipients');
    const again = await runCli(copy, { env: ws.env() });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^send_recipients\s+250\s+[0-9a-f]{16}\s+ok$/m);
    expect(await rowCounts(db.url)).toMatchObject({
      subscribers: 250,
      send_recipients: 250,
      send_batches: 3,
    });
    const export_ = async (env: Record<string, string>) =>
      (await runCli(['subscribers', 'export'], { env })).stdout;
    expect(await export_({ ...ws.env(), DATABASE_URL: db.url })).toBe(
      await export_({ ...ws.env(), DATABASE_PATH: ws.dbPath }),
    );
  });

  it('a send stopped halfway on SQLite finishes on PostgreSQL under the same send id, each reader once', async () => {
    const { ws, env, standIn } = await halfSentWeek(startStandIn);
    cleanups.push(() => ws.close());
    const sendId = ws
      .db()
      .prepare('SELECT send_id FROM issue_sends WHERE week = ?')
      .pluck()
      .get(WEEK) as string;
    expect(sendId).toMatch(new RegExp(`^${WEEK}\\.[0-9a-f]{24}$`));
    expect(standIn.stats().accepted).toBe(100);
    ws.close();

    const db = await target();
    const copy = await runCli(['db', 'copy', '--to', db.url, '--db', ws.dbPath], { env });
    expect(copy.code, copy.stderr).toBe(0);

    const resumed = await runCli(ws.args(), { env: { ...env, DATABASE_URL: db.url } });
    expect(resumed.code, resumed.stderr).toBe(0);
    const keysOf = (d: { idempotencyKey: string | undefined }) => d.idempotencyKey;
    const keys = [...new Set(standIn.deliveries().map(keysOf))];
    expect(keys).toEqual([`${sendId}:0`, `${sendId}:1`, `${sendId}:2`]);
    expectExactlyOnce(standIn, 250);
    const [ledger] = await queryPg<{ send_id: string; status: string }>(
      db.url,
      'SELECT send_id, status FROM issue_sends',
    );
    expect(ledger).toEqual({ send_id: sendId, status: 'sent' });
  });

  it('copies 20,000 subscribers in batches (speed printed)', async () => {
    const ws = await sendWorkspace({ subscribers: 20_000, withArchive: false });
    cleanups.push(() => ws.close());
    const db = await target();
    const started = performance.now();
    const copy = await runCli(['db', 'copy', '--to', db.url, '--db', ws.dbPath], { env: ws.env() });
    const seconds = (performance.now() - started) / 1000;
    expect(copy.code, copy.stderr).toBe(0);
    expect(copy.stdout).toMatch(/^subscribers\s+20,000\s+[0-9a-f]{16}\s+ok$/m);
    const rate = /\(([\d,]+) rows\/s\)/.exec(copy.stdout)![1];
    console.log(
      `db copy: 20,000 subscribers in ${seconds.toFixed(2)} s end to end (${rate} rows/s reported)`,
    );
    expect(seconds).toBeLessThan(20);
    expect((await rowCounts(db.url)).subscribers).toBe(20_000);
    expect(PG_MIGRATIONS.length).toBeGreaterThan(0);
  });
});
