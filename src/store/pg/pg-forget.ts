// Erasure on PostgreSQL: the semantics and report of forget.ts. In one transaction: refuse
// while the address is in a batch already attempted but not submitted (its retry must be
// byte-identical), delete the events that mention it, empty its ledger rows, delete its mail
// queue rows, delete or tombstone its subscriber row, record its keyed hash; then check that
// no text column of any table still holds it (roll back otherwise). After the commit the
// touched tables are vacuumed, so the deleted row versions are not left in the heap.
import { err, ok, type Result } from '../../result.ts';
import { type ForgetProblem, type ForgetReport, mentions } from '../forget.ts';
import { createPgSuppressions } from './pg-suppressions.ts';
import { changes, inTransaction, lowerParam, one, type Queryable, rows } from './queryable.ts';

const TOUCHED = ['events', 'send_recipients', 'subscribers', 'mail_queue', 'suppressions'];

class LeftBehind extends Error {
  constructor(readonly places: string[]) {
    super('address left behind');
  }
}

export async function forgetPg(
  pool: Queryable,
  email: string,
  opts: { secret: string; at: Date },
): Promise<Result<ForgetReport, ForgetProblem>> {
  const stamp = opts.at.toISOString();
  const address = email.trim();
  let out: Result<Omit<ForgetReport, 'filesClean'>, ForgetProblem>;
  try {
    out = await inTransaction(pool, async (c) => {
      const found = await one<{ id: number }>(
        c,
        `SELECT id FROM subscribers WHERE lower(email) = ${lowerParam(1)} FOR UPDATE`,
        [address],
      );
      let report: Omit<ForgetReport, 'filesClean'> = {
        subscriber: 'not_found',
        ledgerRows: 0,
        events: 0,
        votesKept: 0,
      };
      if (found) {
        // The batches holding the address, locked: a sender cannot start one of them while
        // it is being emptied (its startAttempt waits, then skips the forgotten reader).
        const batches = await rows<{ week: string; batchNo: number; status: string }>(
          c,
          `SELECT r.week, r.batch_no AS "batchNo", b.status FROM send_recipients r
           JOIN send_batches b ON b.week = r.week AND b.batch_no = r.batch_no
           WHERE r.subscriber_id = $1 AND r.status = 'queued'
           ORDER BY r.week, r.batch_no FOR UPDATE OF b`,
          [found.id],
        );
        const busy = batches.find((b) => b.status !== 'pending');
        if (busy)
          return err({ kind: 'in_flight' as const, week: busy.week, batchNo: busy.batchNo });
        const events = await deleteEvents(c, address, found.id);
        const ledgerRows = await changes(
          c,
          `UPDATE send_recipients SET email = '', name = NULL, message_id = NULL, refusal = NULL
           WHERE subscriber_id = $1`,
          [found.id],
        );
        const votesKept =
          (
            await one<{ n: number }>(
              c,
              'SELECT COUNT(*) AS n FROM votes WHERE subscriber_id = $1',
              [found.id],
            )
          )?.n ?? 0;
        await changes(c, 'DELETE FROM mail_queue WHERE subscriber_id = $1', [found.id]);
        const keep = ledgerRows > 0 || votesKept > 0;
        if (!keep) {
          await changes(c, 'DELETE FROM subscribers WHERE id = $1', [found.id]);
        } else {
          // `#` and no `@`: no address can ever equal a tombstone's, and the status keeps it
          // out of every freeze.
          await changes(
            c,
            `UPDATE subscribers SET email = '#forgotten-' || id, name = NULL, status = 'unsubscribed',
               source = 'forgotten', created_at = $2, updated_at = $2, confirmed_at = NULL,
               unsubscribed_at = $2, confirm_sent_at = NULL, welcomed_at = NULL, topics = NULL, paused_issues = 0,
               forgotten_at = $2
             WHERE id = $1`,
            [found.id, stamp],
          );
        }
        report = { subscriber: keep ? 'tombstone' : 'deleted', ledgerRows, events, votesKept };
      } else {
        report.events = await deleteEvents(c, address, -1);
      }
      await createPgSuppressions(c, opts.secret).forget({ email }, 'forget', opts.at);
      const places = await placesHolding(c, address);
      if (places.length > 0) throw new LeftBehind(places);
      return ok(report);
    });
  } catch (e) {
    if (e instanceof LeftBehind) return err({ kind: 'left_behind', places: e.places });
    throw e;
  }
  if (!out.ok) return out;
  // VACUUM cannot run inside a transaction: after the commit, on a connection of its own.
  let filesClean = false;
  try {
    await pool.query(`VACUUM ${TOUCHED.join(', ')}`);
    filesClean = true;
  } catch {
    filesClean = false;
  }
  return ok({ ...out.value, filesClean });
}

/**
 * Events with the address in their email column (case-insensitively), in their payload as an
 * address of its own (a substring test finds candidates, `mentions` decides), or with a
 * message id of its ledger rows.
 */
async function deleteEvents(c: Queryable, address: string, id: number): Promise<number> {
  const candidates = await rows<{ id: number; payload: string }>(
    c,
    `SELECT id, payload FROM events WHERE position(${lowerParam(1)} in lower(payload)) > 0`,
    [address],
  );
  const mentioned = candidates.filter((r) => mentions(r.payload, address)).map((r) => r.id);
  return changes(
    c,
    `DELETE FROM events WHERE lower(email) = ${lowerParam(1)} OR id = ANY($2::bigint[])
       OR message_id IN (SELECT message_id FROM send_recipients
                         WHERE subscriber_id = $3 AND message_id IS NOT NULL)`,
    [address, mentioned, id],
  );
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Every table.column of this schema still holding the address, case-insensitively: a table
 * added later that keeps addresses makes forget refuse, and roll back, until it is handled
 * here. One scan per table; the JavaScript word check runs only on candidate values.
 */
async function placesHolding(c: Queryable, address: string): Promise<string[]> {
  const columns = await rows<{ table_name: string; column_name: string }>(
    c,
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema()
       AND data_type IN ('text', 'character varying', 'character')
     ORDER BY table_name, ordinal_position`,
  );
  const byTable = new Map<string, string[]>();
  for (const col of columns) {
    byTable.set(col.table_name, [...(byTable.get(col.table_name) ?? []), col.column_name]);
  }
  const out: string[] = [];
  for (const [table, cols] of byTable) {
    const hit = cols.map((col) => `position(${lowerParam(1)} in lower(${quote(col)})) > 0`);
    const found = await rows<Record<string, string | null>>(
      c,
      `SELECT ${cols.map(quote).join(', ')} FROM ${quote(table)} WHERE ${hit.join(' OR ')}`,
      [address],
    );
    for (const col of cols) {
      if (found.some((r) => typeof r[col] === 'string' && mentions(r[col], address))) {
        out.push(`${table}.${col}`);
      }
    }
  }
  return out;
}
