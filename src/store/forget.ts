// Erasure: take an address out of every table, keep only its keyed hash so it stays
// suppressed. Counts stay right because rows that counts are made of stay, emptied of the
// person: ledger rows keep their status but lose address, name and message id, votes stay
// with a tombstone subscriber row that has no address. Every connection zeroes what it frees
// (secure_delete, set at open), and after the erasure the whole file is rewritten (VACUUM: no
// page keeps slack or freelist bytes from its history, such as a copy left in a root page that
// was a leaf while an import wrote it) and the WAL is checkpointed and truncated to 0 bytes, so
// the address is gone from the database files too (.db, -wal, -shm), not just from query
// results. VACUUM reads and writes the whole file (about 1 s for 70 MB: 200,000 readers with
// one issue sent), on a request that comes rarely.
import { isDatabaseBusy } from '../db-busy.ts';
import { err, ok, type Result } from '../result.ts';
import type { Db } from './db.ts';
import { createSuppressions } from './suppressions.ts';

export type ForgetReport = {
  /** deleted: no history, the row is gone; tombstone: kept without any personal data. */
  subscriber: 'deleted' | 'tombstone' | 'not_found';
  ledgerRows: number;
  events: number;
  /** Votes stay (the community counts are made of them), tied to the tombstone only. */
  votesKept: number;
  /**
   * False when another connection kept the files from being rewritten (a writer past the busy
   * timeout) or the WAL from being truncated (a reader inside it): run forget again.
   */
  filesClean: boolean;
};

export type ForgetProblem =
  | { kind: 'in_flight'; week: string; batchNo: number }
  | { kind: 'left_behind'; places: string[] };

type Found = { id: number };

export function forgetAddress(
  db: Db,
  email: string,
  opts: { secret: string; at: Date },
): Result<ForgetReport, ForgetProblem> {
  const stamp = opts.at.toISOString();
  const suppressions = createSuppressions(db, opts.secret);
  // A substring test alone would match ob@example.com inside bob@example.com (and delete
  // Bob's events, or refuse forever): the address must stand on its own.
  db.function('mentions_address', { deterministic: true }, (text: unknown, address: unknown) =>
    typeof text === 'string' && typeof address === 'string' && mentions(text, address) ? 1 : 0,
  );
  const find = db.prepare<[string], Found>('SELECT id FROM subscribers WHERE email = ?');
  // A batch already attempted must be retried byte-identical (its idempotency key), so an
  // address inside one cannot be blanked until that send is over.
  const inFlight = db.prepare<[number], { week: string; batchNo: number }>(
    `SELECT r.week, r.batch_no AS batchNo FROM send_recipients r
     JOIN send_batches b ON b.week = r.week AND b.batch_no = r.batch_no
     WHERE r.subscriber_id = ? AND r.status = 'queued' AND b.status <> 'pending' LIMIT 1`,
  );
  const deleteEvents = db.prepare<{ email: string; id: number }>(
    `DELETE FROM events WHERE email = @email COLLATE NOCASE
       OR (instr(lower(payload), lower(@email)) > 0 AND mentions_address(payload, @email))
       OR message_id IN (SELECT message_id FROM send_recipients
                         WHERE subscriber_id = @id AND message_id IS NOT NULL)`,
  );
  const scrubLedger = db.prepare<[number]>(
    `UPDATE send_recipients SET email = '', name = NULL, message_id = NULL, refusal = NULL
     WHERE subscriber_id = ?`,
  );
  const votes = db.prepare<[number], { n: number }>(
    'SELECT COUNT(*) AS n FROM votes WHERE subscriber_id = ?',
  );
  // The site's mail queue keeps each mailbox (the folded address) for its caps.
  const deleteMail = db.prepare<[number]>('DELETE FROM mail_queue WHERE subscriber_id = ?');
  const deleteRow = db.prepare<[number]>('DELETE FROM subscribers WHERE id = ?');
  // `#` and no `@`: no address can ever equal a tombstone's, and the status keeps it out of
  // every freeze.
  const tombstone = db.prepare<{ id: number; stamp: string }>(
    `UPDATE subscribers SET email = '#forgotten-' || id, name = NULL, status = 'unsubscribed',
       source = 'forgotten', created_at = @stamp, updated_at = @stamp, confirmed_at = NULL,
       unsubscribed_at = @stamp, confirm_sent_at = NULL, welcomed_at = NULL, topics = NULL, paused_issues = 0,
               forgotten_at = @stamp
     WHERE id = @id`,
  );

  const run = db.transaction((): Result<Omit<ForgetReport, 'filesClean'>, ForgetProblem> => {
    const found = find.get(email.trim());
    let report: Omit<ForgetReport, 'filesClean'> = {
      subscriber: 'not_found',
      ledgerRows: 0,
      events: 0,
      votesKept: 0,
    };
    if (found) {
      const busy = inFlight.get(found.id);
      if (busy) return err({ kind: 'in_flight', ...busy });
      const events = deleteEvents.run({ email: email.trim(), id: found.id }).changes;
      const ledgerRows = scrubLedger.run(found.id).changes;
      const votesKept = votes.get(found.id)?.n ?? 0;
      deleteMail.run(found.id);
      if (ledgerRows === 0 && votesKept === 0) deleteRow.run(found.id);
      else tombstone.run({ id: found.id, stamp });
      report = {
        subscriber: ledgerRows === 0 && votesKept === 0 ? 'deleted' : 'tombstone',
        ledgerRows,
        events,
        votesKept,
      };
    } else {
      report.events = deleteEvents.run({ email: email.trim(), id: -1 }).changes;
    }
    suppressions.forget({ email }, 'forget', opts.at);
    const places = placesHolding(db, email.trim());
    if (places.length > 0) throw new LeftBehind(places);
    return ok(report);
  });
  let out: Result<Omit<ForgetReport, 'filesClean'>, ForgetProblem>;
  try {
    out = run.immediate();
  } catch (e) {
    if (e instanceof LeftBehind) return err({ kind: 'left_behind', places: e.places });
    throw e;
  }
  if (!out.ok) return out;
  return ok({ ...out.value, filesClean: rewriteFiles(db) });
}

/**
 * Rewrite every page (VACUUM) and move the result into the main file, truncating the WAL, so
 * no old page, frame or slack space still holds what was erased. False when another
 * connection kept that from finishing (a writer past the busy timeout, a reader inside the
 * WAL): the erasure itself is committed, and running forget again finishes the files.
 */
function rewriteFiles(db: Db): boolean {
  try {
    db.exec('VACUUM');
  } catch (e) {
    if (isDatabaseBusy(e)) return false;
    throw e;
  }
  const [cp] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
  return cp?.busy === 0;
}

class LeftBehind extends Error {
  constructor(readonly places: string[]) {
    super('address left behind');
  }
}

/**
 * Every table.column still holding the address, case-insensitively: a table added later that
 * keeps addresses (a mail queue, say) makes forget refuse, and roll back, until it is handled
 * here, instead of quietly leaving the address in it.
 */
function placesHolding(db: Db, email: string): string[] {
  const tables = db
    .prepare<[], { name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
    )
    .all();
  const out: string[] = [];
  for (const { name } of tables) {
    const cols = db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${name}')`);
    for (const col of cols.all()) {
      // The native substring test first: the JavaScript word check runs only on candidates.
      const value = `CAST("${col.name}" AS TEXT)`;
      const hit = db
        .prepare<[{ email: string }], { n: number }>(
          `SELECT EXISTS (SELECT 1 FROM "${name}" WHERE instr(lower(${value}), lower(@email)) > 0
             AND mentions_address(${value}, @email)) AS n`,
        )
        .get({ email });
      if (hit?.n) out.push(`${name}.${col.name}`);
    }
  }
  return out;
}

const ATEXT = "A-Za-z0-9.!#$%&'*+/=?^_`{|}~\\-";

/** Does `text` hold this address, case-insensitively, not as part of a longer one? */
export function mentions(text: string, address: string): boolean {
  const escaped = address.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Not after a local-part character; not before a domain character or a dot that goes on
  // with the domain (a sentence's full stop after the address is fine).
  return new RegExp(`(?<![${ATEXT}])${escaped}(?![A-Za-z0-9@-]|\\.[A-Za-z0-9])`, 'i').test(text);
}
