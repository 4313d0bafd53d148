// The SQLite migration that adds the `refused` recipient status rebuilds send_recipients: a
// database sent before it keeps every row, its indexes, and the trigger that links a late
// event to its recipient; afterwards a refused recipient can be recorded.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.ts';
import { createLedger } from '../../src/store/ledger.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { addReaders, reader } from '../send/send-fixture.ts';
import { tempDir } from '../support/paths.ts';
import { at } from './db-fixture.ts';

const W = '2026-W47';
const REFUSED_MIGRATION = MIGRATIONS.findIndex((m) => m.includes('send_recipients_new'));

const schemaOf = (db: Database.Database, table: string) =>
  db
    .prepare(
      `SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = ? AND type IN ('index', 'trigger')
       ORDER BY name`,
    )
    .all(table);

describe('migration: refused recipients', () => {
  it('keeps rows, indexes and the event-link trigger; then records refusals', () => {
    expect(REFUSED_MIGRATION).toBeGreaterThan(0);
    const file = path.join(tempDir('verdicts-migrate-'), 'old.db');
    // The database as the previous release left it: a week half sent.
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    for (const m of MIGRATIONS.slice(0, REFUSED_MIGRATION)) old.exec(m);
    old.pragma(`user_version = ${REFUSED_MIGRATION}`);
    addReaders(old, 150);
    // Frozen in two batches (as the ledger of that release did), batch 0 submitted.
    old.exec(`
      INSERT INTO issue_sends (week, send_id, content_hash, status, recipients, batches, started_at)
        VALUES ('${W}', '${W}.abc', 'h', 'sending', 150, 2, '${at(0).toISOString()}');
      INSERT INTO send_recipients (week, subscriber_id, batch_no, email, name, status)
        SELECT '${W}', id, (id - 1) / 100, email, name, 'queued' FROM subscribers ORDER BY id;
      INSERT INTO send_batches (week, batch_no, status) VALUES ('${W}', 0, 'submitted'), ('${W}', 1, 'pending');
      UPDATE send_recipients SET status = 'sent', message_id = 'id-' || subscriber_id WHERE batch_no = 0;
    `);
    const rowsBefore = old
      .prepare('SELECT * FROM send_recipients ORDER BY week, subscriber_id')
      .all();
    const schemaBefore = schemaOf(old, 'send_recipients');
    // An event that arrives before batch 1's ids are written: linked later by the trigger.
    old
      .prepare(
        `INSERT INTO events (svix_id, type, message_id, created_at, payload)
         VALUES ('early', 'email.delivered', 'id-120', ?, '{}')`,
      )
      .run(at(3).toISOString());
    old.close();

    const db = openDatabase(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      const rowsAfter = db
        .prepare('SELECT * FROM send_recipients ORDER BY week, subscriber_id')
        .all() as Record<string, unknown>[];
      // The columns the rows had, unchanged (later migrations add more of their own).
      const before = Object.keys(rowsBefore[0] as object);
      const asBefore = (r: Record<string, unknown>) =>
        Object.fromEntries(before.map((k) => [k, r[k]]));
      expect(rowsAfter.map(asBefore)).toEqual(rowsBefore);
      expect(rowsAfter.every((r) => r.refusal === null)).toBe(true);
      expect(schemaOf(db, 'send_recipients')).toEqual(schemaBefore);

      const after = createLedger(db);
      after.startAttempt(W, 1, at(4));
      const second = after.queuedRecipients(W, 1);
      after.markSubmitted(
        W,
        1,
        second.map((r) => r.subscriberId),
        second.map((r) =>
          r.email === reader(121) ? { refused: 'no such mailbox' } : `id-${r.subscriberId}`,
        ),
        at(5),
      );
      expect(after.summary(W)).toMatchObject({ recipients: 150, sent: 149, refused: 1 });
      expect(after.refusals(W, 5)).toEqual([
        { subscriberId: 121, email: reader(121), message: 'no such mailbox' },
      ]);
      // The trigger still links the early event once its recipient's id is written.
      expect(
        db.prepare(`SELECT week, subscriber_id FROM events WHERE svix_id = 'early'`).get(),
      ).toEqual({ week: W, subscriber_id: 120 });
      expect(() =>
        db.prepare(`UPDATE send_recipients SET status = 'bogus' WHERE subscriber_id = 1`).run(),
      ).toThrow(/CHECK/);
    } finally {
      db.close();
    }
  });
});
