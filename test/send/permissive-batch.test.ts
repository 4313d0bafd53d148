// Permissive batches end to end, `verdicts send` against the stand-in with the real SDK path:
// an address Resend refuses is refused alone (recorded with its message in the transaction
// that submits its batch), the other 99 are sent, the send is complete (exit 0) and says what
// was refused and why, `verdicts stats` counts it, and a re-run sends nothing more. On SQLite
// and on PostgreSQL; on PostgreSQL the first answer is lost, so the batch is retried with its
// key and the ledger records the replayed answer once.
import { afterEach, describe, expect, it } from 'vitest';
import { REFUSALS_LISTED, type SendReport, summaryLine } from '../../src/send/index.ts';
import { openStore } from '../../src/store/index.ts';
import { runCli } from '../support/cli.ts';
import { freshPgDatabase } from '../support/postgres.ts';
import { INVALID_TO } from '../support/resend-stand-in/openapi-check.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import { reader, sendWorkspace, WEEK } from './send-fixture.ts';

const start = useStandIn();
const READERS = 100;
const REFUSED = reader(42);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The summary line of a send where only REFUSED was refused. */
const SUMMARY = `${WEEK}: sent 99, skipped 0, failed 0, uncertain 0, refused 1 of ${READERS}`;

async function expectRefusedOnce(send: () => ReturnType<typeof runCli>, requests: () => number) {
  const res = await send();
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  expect(res.stdout).toContain(SUMMARY);
  expect(res.stdout).toContain(`refused by the provider: ${REFUSED} (${INVALID_TO})`);
  const before = requests();
  // A re-run finds the week sent: no request, nothing more.
  const again = await send();
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(`${WEEK} was already sent`);
  expect(requests()).toBe(before);
}

describe('permissive batches: one refused address in a batch of 100', () => {
  it('SQLite: 99 sent, 1 refused with its message, exit 0, shown by send and stats', async () => {
    const { standIn } = await start({ refuseAddresses: [REFUSED] });
    const ws = await sendWorkspace({ subscribers: READERS });
    cleanups.push(() => ws.close());
    const env = ws.env({ RESEND_API_KEY: KEY, RESEND_BASE_URL: standIn.url });
    await expectRefusedOnce(
      () => runCli(ws.args(), { env }),
      () => standIn.requests.length,
    );
    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0]?.headers['x-batch-validation']).toBe('permissive');
    const delivered = standIn.deliveries();
    expect(delivered).toHaveLength(99);
    expect(delivered.map((d) => d.to[0])).not.toContain(REFUSED);

    const db = ws.db();
    expect(
      db
        .prepare('SELECT status, message_id, refusal FROM send_recipients WHERE email = ?')
        .get(REFUSED),
    ).toEqual({ status: 'refused', message_id: null, refusal: INVALID_TO });
    const sent = db
      .prepare(
        `SELECT email, message_id AS id FROM send_recipients
         WHERE status = 'sent' AND refusal IS NULL ORDER BY subscriber_id`,
      )
      .all() as { email: string; id: string }[];
    expect(sent.map((r) => [r.email, r.id])).toEqual(delivered.map((d) => [d.to[0], d.id]));
    expect(db.prepare('SELECT status FROM send_batches').all()).toEqual([{ status: 'submitted' }]);
    expect(db.prepare('SELECT status FROM issue_sends').get()).toEqual({ status: 'sent' });

    const paths = ['--db', ws.dbPath, '--issues', ws.issuesDir];
    const one = await runCli(['stats', ...paths, '--week', WEEK], { env });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain('recipients 100 · submitted 99 · refused 1');
    expect(one.stdout).toContain(`refused by the provider: 1 reader: ${INVALID_TO}`);
    const json = await runCli(['stats', ...paths, '--week', WEEK, '--json'], { env });
    expect(JSON.parse(json.stdout)).toMatchObject({
      refused: 1,
      refusals: [{ message: INVALID_TO, readers: 1 }],
    });
    const table = await runCli(['stats', ...paths], { env });
    expect(table.stdout.split('\n')[0]).toMatch(/^week .* recipients +refused /);
    expect(table.stdout).toMatch(new RegExp(`^${WEEK} .* 100 +1 `, 'm'));
  });

  it('PostgreSQL: the same, with the first answer lost and the batch retried under its key', async () => {
    const pg = await freshPgDatabase('permissive');
    cleanups.push(() => pg.drop());
    const { standIn } = await start({
      refuseAddresses: [REFUSED],
      faults: ({ requestNo }) => (requestNo === 1 ? 'lostResponse' : null),
    });
    const ws = await sendWorkspace({ subscribers: 0 });
    cleanups.push(() => ws.close());
    const env = ws.env({ RESEND_API_KEY: KEY, RESEND_BASE_URL: standIn.url, DATABASE_URL: pg.url });
    const open = () => openStore({ url: pg.url, path: 'unused', secret: env.TOKEN_SECRET! });
    const setup = await open();
    const now = new Date('2026-11-01T00:00:00Z');
    for (let i = 1; i <= READERS; i++) {
      const added = await setup.subscribers.add(reader(i), {
        source: 'test',
        status: 'active',
        now,
      });
      expect(added.ok).toBe(true);
    }
    await setup.close();

    await expectRefusedOnce(
      () => runCli(ws.args(), { env }),
      () => standIn.requests.length,
    );
    // The lost answer and its retry: one key, one payload, the first answer replayed.
    expect(standIn.requests).toHaveLength(2);
    expect(standIn.stats().duplicates).toBe(0);
    expect(standIn.deliveries()).toHaveLength(99);

    const store = await open();
    cleanups.push(() => store.close());
    expect(await store.ledger.summary(WEEK)).toMatchObject({
      recipients: READERS,
      sent: 99,
      refused: 1,
      pending: 0,
      failed: 0,
      batches: { submitted: 1 },
    });
    const [refused] = await store.ledger.refusals(WEEK, 5);
    expect(refused).toMatchObject({ email: REFUSED, message: INVALID_TO });
    expect(await store.ledger.batch(WEEK, 0)).toMatchObject({ status: 'submitted', attempts: 2 });
  });
});

describe('the send summary line', () => {
  const report = (refused: number): SendReport => ({
    week: WEEK,
    sendId: `${WEEK}.x`,
    summary: {
      recipients: 300,
      sent: 300 - refused,
      skipped: 0,
      refused,
      pending: 0,
      failed: 0,
      uncertain: 0,
      batches: { pending: 0, submitting: 0, submitted: 3, failed: 0, uncertain: 0 },
    },
    run: { sent: 300 - refused, skipped: 0, refused, requests: 3, elapsedMs: 1500 },
    stopped: null,
    failed: [],
    uncertain: [],
    refusals: Array.from({ length: Math.min(refused, REFUSALS_LISTED) }, (_, i) => ({
      subscriberId: i + 1,
      email: reader(i + 1),
      message: `no ${i + 1}`,
    })),
    complete: true,
  });

  it('names a few refused addresses with their reasons, then counts the rest', () => {
    const line = summaryLine(report(7));
    expect(line).toContain(
      `${WEEK}: sent 293, skipped 0, failed 0, uncertain 0, refused 7 of 300;`,
    );
    expect(line).toMatch(
      /; refused by the provider: reader1@example\.com \(no 1\), .*reader5@example\.com \(no 5\), …and 2 more$/,
    );
  });

  it('says nothing of refusals when there were none', () => {
    const line = summaryLine(report(0));
    expect(line).not.toContain('refused');
    expect(line).toMatch(`${WEEK}: sent 300, skipped 0, failed 0, uncertain 0 of 300;`);
  });
});
