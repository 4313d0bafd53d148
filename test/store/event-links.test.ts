// Events tied to their issue and reader through the ledger's message ids: at once when the id
// is known, later when the webhook beat the ledger, also for a database from before the link
// existed; and the list-hygiene rules that read those links.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { createTransport } from '../../src/send/create-transport.ts';
import { verifyResendWebhook } from '../../src/send/resend-webhooks.ts';
import type { Db } from '../../src/store/db.ts';
import { createEvents } from '../../src/store/events.ts';
import { createIssueStats } from '../../src/store/issue-stats.ts';
import { createLedger } from '../../src/store/ledger.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { sqliteStore } from '../../src/store/sqlite-store.ts';
import { publicDeps } from '../../src/web/public/deps.ts';
import { applyWebhookEvent } from '../../src/web/public/webhook-effects.ts';
import { addReaders, reader } from '../send/send-fixture.ts';
import { tempDir } from '../support/paths.ts';
import { signWebhook } from '../support/webhook-sign.ts';
import { at, useDb } from './db-fixture.ts';

const openDb = useDb();
const idOf = (week: string, subscriberId: number) => `em_${week}_${subscriberId}`;

/** Freeze `week` for every active reader; submit its batches unless `submit` is false. */
function send(db: Db, week: string, submit = true): () => void {
  const ledger = createLedger(db);
  const frozen = ledger.freeze(week, `hash-${week}`, at(0));
  if (!frozen.ok) throw new Error('freeze refused');
  if (!submit) return () => void send(db, week);
  for (let b = ledger.nextOpenBatch(week, -1); b; b = ledger.nextOpenBatch(week, b.batchNo)) {
    ledger.startAttempt(week, b.batchNo, at(1));
    const rs = ledger.queuedRecipients(week, b.batchNo);
    const ids = rs.map((r) => idOf(week, r.subscriberId));
    ledger.markSubmitted(
      week,
      b.batchNo,
      rs.map((r) => r.subscriberId),
      ids,
      at(2),
    );
  }
  ledger.finishIfComplete(week, at(3));
  return () => {};
}

const SECRET = `whsec_${Buffer.from('event-links-key-0123456789').toString('base64')}`;
let n = 0;
/** Sign, verify and apply one event the way the webhook route does. */
function deliver(
  db: Db,
  type: string,
  week: string,
  id: number,
  data: Record<string, unknown> = {},
  svixId = `msg_${++n}`,
) {
  const config = { ...loadConfig({ RESEND_WEBHOOK_SECRET: SECRET }), SOFT_BOUNCE_LIMIT: 3 };
  const deps = publicDeps(
    config,
    sqliteStore(db, config.TOKEN_SECRET),
    createTransport(config),
    createLogger({ format: 'json', out: () => {} }),
    { now: () => at(100) },
  );
  const body = JSON.stringify({
    type,
    created_at: at(10).toISOString(),
    data: { email_id: idOf(week, id), to: [reader(id)], ...data },
  });
  const h = signWebhook({
    secret: SECRET,
    id: svixId,
    timestamp: Math.floor(Date.now() / 1000),
    body,
  });
  const v = verifyResendWebhook(
    body,
    { id: h['svix-id'], timestamp: h['svix-timestamp'], signature: h['svix-signature'] },
    SECRET,
  );
  if (!v.ok) throw new Error(v.error);
  return applyWebhookEvent(deps, svixId, v.value, body);
}

const status = (db: Db, id: number) =>
  (db.prepare('SELECT status FROM subscribers WHERE id = ?').get(id) as { status: string }).status;
const links = (db: Db) =>
  db.prepare('SELECT type, week, subscriber_id AS id, detail FROM events ORDER BY id').all();
const soft = { bounce: { type: 'Transient', subType: 'MailboxFull', message: 'full' } };

describe('events linked to issue and reader', () => {
  it('links at once when the ledger knows the id, later when the event came first, and a replay changes nothing', async () => {
    const db = openDb();
    addReaders(db, 3);
    const submitLater = send(db, '2026-W48', false);
    // The webhook races the send: delivered before the ledger stored the message ids.
    expect((await deliver(db, 'email.delivered', '2026-W48', 1, {}, 'msg_early')).outcome).toBe(
      'recorded',
    );
    expect(links(db)).toEqual([{ type: 'email.delivered', week: null, id: null, detail: null }]);
    submitLater();
    expect(links(db)).toEqual([{ type: 'email.delivered', week: '2026-W48', id: 1, detail: null }]);

    await deliver(db, 'email.bounced', '2026-W48', 2, { bounce: { type: 'Permanent' } });
    await deliver(db, 'email.clicked', '2026-W48', 3, {
      click: { link: 'https://v.example/vote/2026-W48/p/t/3.0.abc?x=1' },
    });
    expect(links(db).slice(1)).toEqual([
      { type: 'email.bounced', week: '2026-W48', id: 2, detail: 'hard' },
      {
        type: 'email.clicked',
        week: '2026-W48',
        id: 3,
        detail: 'https://v.example/vote/2026-W48/p/t',
      },
    ]);
    const before = createIssueStats(db).figures('2026-W48');
    expect((await deliver(db, 'email.delivered', '2026-W48', 1, {}, 'msg_early')).outcome).toBe(
      'duplicate',
    );
    expect(createIssueStats(db).figures('2026-W48')).toEqual(before);
  });

  it('a database from before the link gets its old events linked and classed when it migrates', async () => {
    const file = path.join(tempDir('verdicts-migrate-'), 'v.db');
    const old = new Database(file);
    old.exec(MIGRATIONS[0]!);
    old.pragma('user_version = 1');
    old.exec(`INSERT INTO subscribers (id, email, status, source, created_at, updated_at) VALUES (1, 'a@example.com', 'active', 't', 'x', 'x');
      INSERT INTO issue_sends VALUES ('2026-W40', 'h', 'sent', 1, 1, 'x', 'x');
      INSERT INTO send_recipients VALUES ('2026-W40', 1, 0, 'a@example.com', NULL, 'sent', 'em_old');
      INSERT INTO events (svix_id, type, email, message_id, created_at, payload) VALUES
        ('s1', 'email.bounced', 'a@example.com', 'em_old', 'x', '{"data":{"bounce":{"type":"Transient"}}}'),
        ('s2', 'email.opened', 'a@example.com', 'em_old', 'x', '{}');`);
    old.close();
    const db = openDb(file);
    expect(links(db)).toEqual([
      { type: 'email.bounced', week: '2026-W40', id: 1, detail: 'soft' },
      { type: 'email.opened', week: '2026-W40', id: 1, detail: null },
    ]);
    expect(createIssueStats(db).figures('2026-W40').events).toEqual([
      { week: '2026-W40', type: 'email.bounced', detail: 'soft', total: 1, readers: 1 },
      { week: '2026-W40', type: 'email.opened', detail: null, total: 1, readers: 1 },
    ]);
  });
});

describe('list hygiene from events', () => {
  it('suppresses an address that soft-bounced on its last 3 issues in a row, and counts it in the third', async () => {
    const db = openDb();
    addReaders(db, 2);
    for (const week of ['2026-W46', '2026-W47', '2026-W48']) send(db, week);
    await deliver(db, 'email.bounced', '2026-W46', 1, soft);
    await deliver(db, 'email.bounced', '2026-W48', 1, soft);
    expect(status(db, 1)).toBe('active'); // W47 was delivered: not three in a row
    await deliver(db, 'email.bounced', '2026-W47', 2, soft);
    await deliver(db, 'email.bounced', '2026-W48', 2, soft);
    expect(status(db, 2)).toBe('active');
    const third = await deliver(db, 'email.bounced', '2026-W46', 2, soft);
    expect(third.suppressed).toEqual([2]);
    expect(status(db, 2)).toBe('bounced');
    expect(createIssueStats(db).figures().changes).toEqual([
      { week: '2026-W46', change: 'soft_bounce_suppressed', readers: 1 },
    ]);
  });

  it("an address's own failures count toward the streak; a failure that hit the whole issue does not", async () => {
    const db = openDb();
    addReaders(db, 3);
    const failed = { failed: { reason: 'The recipient address is invalid' } };
    const alone = async (week: string) => {
      send(db, week);
      await deliver(db, 'email.delivered', week, 2);
      await deliver(db, 'email.failed', week, 1, failed);
    };
    await alone('2026-W46');
    await alone('2026-W47');
    // W48: every reader fails (a quota or key problem), nothing was delivered.
    send(db, '2026-W48');
    for (const id of [1, 2, 3])
      await deliver(db, 'email.failed', '2026-W48', id, { failed: { reason: 'quota' } });
    expect([status(db, 1), status(db, 2), status(db, 3)]).toEqual(['active', 'active', 'active']);
    await alone('2026-W49');
    await alone('2026-W50');
    expect(status(db, 1)).toBe('active'); // W48 broke the streak: W48, W49, W50
    await alone('2026-W51');
    expect(status(db, 1)).toBe('bounced'); // W49, W50, W51
  });

  it("Resend's own suppression marks the address bounced, or complained when it says so", async () => {
    const db = openDb();
    addReaders(db, 2);
    send(db, '2026-W48');
    await deliver(db, 'email.suppressed', '2026-W48', 1, {
      suppressed: { type: 'OnAccountSuppressionList', message: 'bounced before' },
    });
    await deliver(db, 'email.suppressed', '2026-W48', 2, {
      suppressed: { type: 'complaint', message: 'complained' },
    });
    expect([status(db, 1), status(db, 2)]).toEqual(['bounced', 'complained']);
  });

  it('links the reader of a raw event recorded outside the webhook (createEvents)', async () => {
    const db = openDb();
    addReaders(db, 1);
    send(db, '2026-W48');
    const r = createEvents(db).recordLinked({
      svixId: 'x',
      type: 'email.opened',
      email: null,
      messageId: idOf('2026-W48', 1),
      createdAt: at(5),
      payload: {},
    });
    expect(r).toEqual({ outcome: 'recorded', link: { week: '2026-W48', subscriberId: 1 } });
  });
});
