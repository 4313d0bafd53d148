// The ledger's SQL, prepared once per connection: what ledger.ts runs, statement by statement.
import type { Db } from './db.ts';
import {
  BATCH_SIZE,
  type BatchRow,
  type BatchStatus,
  type FrozenRecipient,
  type Refusal,
  type SendRow,
} from './ledger-rows.ts';

type At = { at: string; week: string; batchNo: number };

export function ledgerStatements(db: Db) {
  return {
    getSend: db.prepare<[string], SendRow>('SELECT * FROM issue_sends WHERE week = ?'),
    sentWeeks: db.prepare<[], { week: string }>(
      `SELECT week FROM issue_sends WHERE status = 'sent' ORDER BY week DESC`,
    ),
    insertSend: db.prepare<[string, string, string, string]>(
      `INSERT INTO issue_sends (week, send_id, content_hash, status, recipients, batches, started_at)
       VALUES (?, ?, ?, 'sending', 0, 0, ?)`,
    ),
    // Row numbers in id order make the batches; integer division in SQL, so the list is never
    // materialised in JavaScript however long it is. (The size is inlined: a bound JS number
    // arrives as REAL and would make the division fractional.)
    // The distinct topic choices of the readers an issue would go to: the caller routes each.
    freezeTopics: db.prepare<[], { topics: string | null }>(
      `SELECT DISTINCT topics FROM subscribers
       WHERE status = 'active' AND forgotten_at IS NULL AND paused_issues = 0`,
    ),
    // Readers that get an email are numbered into batches; a paused reader, or one whose
    // topics meet no pair this week, is frozen `skipped` with its reason in no batch (-1).
    // The routes are read out of their JSON once, into a table the join finds each reader's
    // choice in by index: joined to json_each itself, SQLite parsed the whole JSON again for
    // every reader (8 choices: +0.5 s a 200,000-reader freeze; 200 choices: 6.6 s, not 0.2 s).
    freezeRecipients: db.prepare<[{ week: string; routes: string }]>(
      `WITH routes(key, value) AS MATERIALIZED (SELECT key, value FROM json_each(@routes))
       INSERT INTO send_recipients (week, subscriber_id, batch_no, email, name, status, variant, skip_reason)
       SELECT @week, id,
         CASE WHEN skip IS NULL
           THEN (ROW_NUMBER() OVER (PARTITION BY skip IS NULL ORDER BY id) - 1) / ${BATCH_SIZE}
           ELSE -1 END,
         email, name, CASE WHEN skip IS NULL THEN 'queued' ELSE 'skipped' END, variant, skip
       FROM (
         SELECT s.id, s.email, s.name,
           CASE WHEN s.paused_issues > 0 THEN 'paused'
                WHEN r.value LIKE '!%' THEN substr(r.value, 2) END AS skip,
           CASE WHEN s.paused_issues > 0 OR r.value IS NULL OR r.value = '' OR r.value LIKE '!%'
                THEN NULL ELSE r.value END AS variant
         FROM subscribers s LEFT JOIN routes r ON r.key = IFNULL(s.topics, '*')
         WHERE s.status = 'active' AND s.forgotten_at IS NULL
       ) ORDER BY id`,
    ),
    // Each issue frozen counts a pause down by one (in the freeze's transaction: once).
    countPauses: db.prepare<[string]>(
      `UPDATE subscribers SET paused_issues = paused_issues - 1
       WHERE paused_issues > 0 AND id IN
         (SELECT subscriber_id FROM send_recipients WHERE week = ? AND skip_reason = 'paused')`,
    ),
    freezeBatches: db.prepare<[string]>(
      `INSERT INTO send_batches (week, batch_no, status)
       SELECT week, batch_no, 'pending' FROM send_recipients WHERE week = ? AND batch_no >= 0
       GROUP BY batch_no ORDER BY batch_no`,
    ),
    variantCounts: db.prepare<[string], { variant: string | null; skip: string | null; n: number }>(
      `SELECT variant, skip_reason AS skip, COUNT(*) AS n FROM send_recipients WHERE week = ?
       GROUP BY variant, skip_reason ORDER BY skip_reason IS NOT NULL, skip_reason, variant IS NOT NULL, variant`,
    ),
    countSend: db.prepare<[{ week: string }]>(
      `UPDATE issue_sends SET
         recipients = (SELECT COUNT(*) FROM send_recipients WHERE week = @week),
         batches = (SELECT COUNT(*) FROM send_batches WHERE week = @week)
       WHERE week = @week`,
    ),
    getBatch: db.prepare<[string, number], BatchRow>(
      'SELECT * FROM send_batches WHERE week = ? AND batch_no = ?',
    ),
    nextOpen: db.prepare<[string, number], BatchRow>(
      `SELECT * FROM send_batches WHERE week = ? AND batch_no > ? AND status <> 'submitted'
       ORDER BY batch_no LIMIT 1`,
    ),
    skipInactive: db.prepare<[string, number]>(
      `UPDATE send_recipients SET status = 'skipped'
       WHERE week = ? AND batch_no = ? AND status = 'queued' AND NOT EXISTS
         (SELECT 1 FROM subscribers s WHERE s.id = subscriber_id AND s.status = 'active')`,
    ),
    firstAttempt: db.prepare<[At]>(
      `UPDATE send_batches SET status = 'submitting', first_attempt_at = @at, last_attempt_at = @at,
         attempts = attempts + 1, error = NULL
       WHERE week = @week AND batch_no = @batchNo AND status = 'pending'`,
    ),
    retryAttempt: db.prepare<[At]>(
      `UPDATE send_batches SET status = 'submitting', last_attempt_at = @at, attempts = attempts + 1
       WHERE week = @week AND batch_no = @batchNo AND status IN ('submitting', 'failed')`,
    ),
    // INDEXED BY: left to itself the planner walks the primary key (week, subscriber_id) for
    // its order and filters on batch_no, reading every row of the send for each batch (O(n²)
    // over a send: 48 ms a batch at 200,000 readers). The batch index finds the ≤100 rows.
    queued: db.prepare<[string, number], FrozenRecipient>(
      `SELECT subscriber_id AS subscriberId, email, name, variant
       FROM send_recipients INDEXED BY send_recipients_batch
       WHERE week = ? AND batch_no = ? AND status = 'queued' ORDER BY subscriber_id`,
    ),
    recipientSent: db.prepare<[string, string, number]>(
      `UPDATE send_recipients SET status = 'sent', message_id = ?
       WHERE week = ? AND subscriber_id = ? AND status = 'queued'`,
    ),
    // message_id stays NULL: the provider gave none, and the event-link trigger has no id to follow.
    recipientRefused: db.prepare<[string, string, number]>(
      `UPDATE send_recipients SET status = 'refused', refusal = ?
       WHERE week = ? AND subscriber_id = ? AND status = 'queued'`,
    ),
    refusals: db.prepare<[string, number], Refusal>(
      `SELECT subscriber_id AS subscriberId, email, IFNULL(refusal, '') AS message
       FROM send_recipients WHERE week = ? AND status = 'refused' ORDER BY subscriber_id LIMIT ?`,
    ),
    // Each transition names the states it may leave: a sender that lost its lease (or a late
    // answer) can never knock a submitted batch back.
    submitBatch: db.prepare<[string, string, number]>(
      `UPDATE send_batches SET status = 'submitted', submitted_at = ?, error = NULL
       WHERE week = ? AND batch_no = ? AND status = 'submitting'`,
    ),
    failBatch: db.prepare<[string, string, number]>(
      `UPDATE send_batches SET status = 'failed', error = ?
       WHERE week = ? AND batch_no = ? AND status = 'submitting'`,
    ),
    holdBatch: db.prepare<[string, string, number]>(
      `UPDATE send_batches SET status = 'uncertain', error = ?
       WHERE week = ? AND batch_no = ? AND status IN ('submitting', 'failed')`,
    ),
    reopen: db.prepare<[At]>(
      `UPDATE send_batches SET status = 'submitting', first_attempt_at = @at, error = NULL
       WHERE week = @week AND batch_no = @batchNo AND status = 'uncertain'`,
    ),
    openCount: db.prepare<[string], { n: number }>(
      `SELECT COUNT(*) AS n FROM send_batches WHERE week = ? AND status <> 'submitted'`,
    ),
    finishSend: db.prepare<[string, string]>(
      `UPDATE issue_sends SET status = 'sent', finished_at = ? WHERE week = ? AND status = 'sending'`,
    ),
    recipientCounts: db.prepare<[string], { status: string; batch: BatchStatus; n: number }>(
      `SELECT r.status AS status, b.status AS batch, COUNT(*) AS n
       FROM send_recipients r LEFT JOIN send_batches b ON b.week = r.week AND b.batch_no = r.batch_no
       WHERE r.week = ? GROUP BY r.status, b.status`,
    ),
    batchCounts: db.prepare<[string], { status: BatchStatus; n: number }>(
      'SELECT status, COUNT(*) AS n FROM send_batches WHERE week = ? GROUP BY status',
    ),
    leaseOwner: db.prepare<[string], { owner: string }>('SELECT owner FROM leases WHERE name = ?'),
  };
}
