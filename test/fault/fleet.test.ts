// Past one host (issue #24): one PostgreSQL database, three `serve` processes (own ports and
// instance ids, no issues/ folder) and two `schedule` runners on two host names, against a Resend
// stand-in with faults. While the active runner sends a week to 5,000 readers, readers
// subscribe, confirm, vote and unsubscribe and Resend posts signed webhooks, spread over the
// servers (fleet-load.ts); the active runner is killed with -9 mid-send and one server is
// restarted. Then: every reader one copy (none for an unsubscribe answered before their batch's
// first attempt), every confirmed newcomer active once, every event recorded once, every server
// serving the week, and `stats` agreeing with what the stand-in accepted (fleet-checks.ts).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { WEBHOOK_SECRET } from '../report/serve-fixture.ts';
import { makeSite } from '../schedule/job-fixture.ts';
import { runCli } from '../support/cli.ts';
import { freshPgDatabase } from '../support/postgres.ts';
import { type FaultFn, seededRandom } from '../support/resend-stand-in/faults.ts';
import { startResendStandIn } from '../support/resend-stand-in/server.ts';
import { KEY } from '../support/stand-in-fixture.ts';
import { useServeFleet } from '../web/serve-fleet.ts';
import { useChildren } from './child.ts';
import { checkFleetRun } from './fleet-checks.ts';
import { runLoad } from './fleet-load.ts';

// First, so it runs last (after-hooks run in reverse): the children are gone before the
// database is dropped and the stand-in closed.
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const spawn = useChildren();
const startFleet = useServeFleet();

const READERS = 5000;
const SITE = 'https://verdicts.example.com';
const SECRET = 'test-secret-0123456789abcdef';
// Monday 2026-11-30 09:00Z is a slot of the default SEND_SCHEDULE, week 2026-W49 (hosts.test.ts).
const JUST_AFTER_SLOT = '2026-11-30T09:00:05Z';
const WEEK = '2026-W49';
const reader = (i: number) => `reader${i}@example.com`;
const every = (step: number, from: number, to: number) =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, k) => reader(from + k * step));

/** One batch request in ten fails as the network and Resend do; two confirmations lose their answer. */
const faults = (): FaultFn => {
  const random = seededRandom(24);
  const kinds = ['status500', 'status503', 'drop', 'lostResponse', 'slow'] as const;
  let single = 0;
  return (ctx) => {
    if (ctx.endpoint === '/emails') return ++single === 2 || single === 9 ? 'lostResponse' : null;
    if (random() >= 0.1) return null;
    const kind = kinds[Math.floor(random() * kinds.length)]!;
    return kind === 'slow' ? { kind, ms: 300 } : kind;
  };
};

describe('three servers and a standby runner on one PostgreSQL', () => {
  it('a send to 5,000 under load, the runner killed and a server restarted: everything once', {
    timeout: 240_000,
  }, async () => {
    const standIn = await startResendStandIn({
      apiKey: KEY,
      rateLimit: 10,
      rateLimitPrecision: 'ms',
      faults: faults(),
    });
    cleanups.push(() => standIn.close());
    const db = await freshPgDatabase('fleet');
    cleanups.push(() => db.drop());
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    cleanups.push(() => sql.end());
    const site = makeSite({
      DATABASE_URL: db.url,
      TOKEN_SECRET: SECRET,
      PUBLIC_BASE_URL: SITE,
      RESEND_API_KEY: KEY,
      RESEND_BASE_URL: standIn.url,
      RESEND_RATE_LIMIT: '8',
      RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET,
      SEND_RETRY_BASE_MS: '100',
      SEND_RETRY_CAP_MS: '1000',
      // No fault here hangs (drops and lost answers end the request at once): a request that
      // takes this long is a machine stall, and eight of them would stop the run.
      SEND_REQUEST_TIMEOUT_SECONDS: '15',
      LEASE_SECONDS: '3',
      TRUST_PROXY: 'true',
      CONFIRM_PER_HOUR: '1000',
      VERDICTS_FAKE_NOW: JUST_AFTER_SLOT,
    });
    const csv = path.join(site.dir, 'readers.csv');
    const emails = Array.from({ length: READERS }, (_, i) => reader(i + 1));
    writeFileSync(csv, `email\n${emails.join('\n')}\n`);
    const imported = await runCli(['subscribers', 'import', csv], { env: site.env });
    expect(imported.code, imported.stderr).toBe(0);
    const ids = new Map(
      (
        await sql.query<{ id: string; email: string }>('SELECT id, email FROM subscribers')
      ).rows.map((r) => [r.email, Number(r.id)]),
    );

    const logs = { a: '', b: '' };
    const runner = (host: 'a' | 'b') => {
      const r = spawn(['schedule'], { ...site.env, VERDICTS_HOST_ID: `host-${host}` });
      for (const out of [r.child.stdout!, r.child.stderr!])
        out.on('data', (d: Buffer) => {
          logs[host] += d;
        });
      return r;
    };
    const issueCopies = () =>
      standIn.deliveries().filter((d) => d.endpoint === '/emails/batch').length;
    /** Poll until `ok`; a timeout says where the send and both runners were. */
    const waitFor = async <T>(what: string, probe: () => Promise<T> | T, ok: (v: T) => boolean) => {
      const until = Date.now() + 120_000;
      for (let v = await probe(); !ok(v); v = await probe()) {
        if (Date.now() > until) {
          const open = await sql.query(
            `SELECT batch_no, status, attempts, error FROM send_batches
             WHERE status <> 'submitted' ORDER BY batch_no LIMIT 5`,
          );
          const tail = (t: string) => t.slice(-3000);
          throw new Error(
            `${what}: still ${JSON.stringify(v)} (copies ${issueCopies()}); open batches ${JSON.stringify(open.rows)}\nhost-a: ${tail(logs.a)}\nhost-b: ${tail(logs.b)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const holder = async () =>
      (await sql.query(`SELECT host FROM leases WHERE name = 'schedule'`)).rows[0]?.host;
    const status = async () =>
      (await sql.query('SELECT status FROM issue_sends WHERE week = $1', [WEEK])).rows[0]?.status;

    // The servers start while host-a's runner builds the week and starts sending.
    const a = runner('a');
    const [fleet] = await Promise.all([
      startFleet(3, site.env),
      waitFor('host-a holds the schedule', holder, (h) => h === 'host-a'),
    ]);
    const b = runner('b');
    await waitFor('the send under way', issueCopies, (n) => n >= 500);

    // Readers act while the send runs: unsubscribes from the last batches and the first (those
    // already sent) alternately, then towards the middle; votes and webhooks from readers whose
    // copy has arrived; newcomers from nowhere.
    const newcomers = Array.from({ length: 24 }, (_, i) => `newcomer${i}@example.org`);
    const tail = every(100, 37, READERS).reverse();
    const unsubscribe = tail.flatMap((e, i) => (i < tail.length / 2 ? [e, tail.at(-1 - i)!] : []));
    const stopLoad = new AbortController();
    cleanups.push(async () => stopLoad.abort());
    const load = runLoad({
      signal: stopLoad.signal,
      fleet,
      standIn,
      site: SITE,
      secret: SECRET,
      week: WEEK,
      ids,
      unsubscribe,
      voters: every(10, 2, 300),
      webhookReaders: every(10, 5, 400),
      newcomers,
    });
    let loading = true;
    // A load that fails is reported where it is awaited, not as an unhandled rejection.
    load.then(
      () => (loading = false),
      () => (loading = false),
    );

    await waitFor('half the send', issueCopies, (n) => n >= 2500);
    const beforeKill = issueCopies();
    expect(beforeKill).toBeLessThan(READERS - 500);
    expect(loading, 'the load is still running when the runner is killed').toBe(true);
    a.child.kill('SIGKILL');
    expect((await a.done).signal).toBe('SIGKILL');
    // A rolling restart of one server while the standby takes over.
    const restarted = await fleet.servers[1]!.restart();
    expect(restarted.code, restarted.stderr).toBe(0);
    await waitFor('host-b takes over', holder, (h) => h === 'host-b');
    const record = await load;
    await waitFor('the week sent', status, (s) => s === 'sent');
    b.child.kill('SIGTERM');
    const rb = await b.done;
    expect(rb.code, rb.stderr).toBe(0);
    expect(logs.b).toMatch(/lease\.taken_over/);

    await checkFleetRun({
      sql,
      standIn,
      fleet,
      site,
      week: WEEK,
      readers: emails,
      newcomers,
      ids,
      record,
    });
  });
});
