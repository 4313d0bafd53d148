// The send ledger: the frozen recipient list of one issue, in numbered batches of at most 100,
// and each batch's state. Every state change is one statement or one transaction, so a kill at
// any instant leaves a state the sender can resume from. Recipients never pass through
// JavaScript in bulk: the freeze is one INSERT … SELECT, and reads fetch one batch at a time.
//
// Batch states:  pending ─▶ submitting ─▶ submitted
//                              │  ▲ ╲──▶ failed (refused by the provider; retried on resume)
//                              ▼  │
//                          uncertain (key window passed; re-sent only on the operator's word)
import { randomBytes } from 'node:crypto';
import { err, ok, type Result } from '../result.ts';
import type { Db } from './db.ts';

import {
  BATCH_SIZE,
  type Batch,
  type BatchRow,
  type BatchStatus,
  type FrozenRecipient,
  type IssueSend,
  type LedgerSummary,
  newSendId,
  type SendRow,
  summarise,
  toBatch,
  toSend,
} from './ledger-rows.ts';

export function createLedger(db: Db) {
  const getSend = db.prepare<[string], SendRow>('SELECT * FROM issue_sends WHERE week = ?');
  const sentWeeks = db.prepare<[], { week: string }>(
    `SELECT week FROM issue_sends WHERE status = 'sent' ORDER BY week DESC`,
  );
  const insertSend = db.prepare<[string, string, string, string]>(
    `INSERT INTO issue_sends (week, send_id, content_hash, status, recipients, batches, started_at)
     VALUES (?, ?, ?, 'sending', 0, 0, ?)`,
  );
  // Row numbers in id order make the batches; integer division in SQL, so the list is never
  // materialised in JavaScript however long it is. (The size is inlined: a bound JS number
  // arrives as REAL and would make the division fractional.)
  const freezeRecipients = db.prepare<[{ week: string }]>(
    `INSERT INTO send_recipients (week, subscriber_id, batch_no, email, name, status)
     SELECT @week, id, (ROW_NUMBER() OVER (ORDER BY id) - 1) / ${BATCH_SIZE}, email, name, 'queued'
     FROM subscribers WHERE status = 'active' ORDER BY id`,
  );
  const freezeBatches = db.prepare<[string]>(
    `INSERT INTO send_batches (week, batch_no, status)
     SELECT week, batch_no, 'pending' FROM send_recipients WHERE week = ?
     GROUP BY batch_no ORDER BY batch_no`,
  );
  const countSend = db.prepare<[{ week: string }]>(
    `UPDATE issue_sends SET
       recipients = (SELECT COUNT(*) FROM send_recipients WHERE week = @week),
       batches = (SELECT COUNT(*) FROM send_batches WHERE week = @week)
     WHERE week = @week`,
  );
  const getBatch = db.prepare<[string, number], BatchRow>(
    'SELECT * FROM send_batches WHERE week = ? AND batch_no = ?',
  );
  const nextOpen = db.prepare<[string, number], BatchRow>(
    `SELECT * FROM send_batches WHERE week = ? AND batch_no > ? AND status <> 'submitted'
     ORDER BY batch_no LIMIT 1`,
  );
  const skipInactive = db.prepare<[string, number]>(
    `UPDATE send_recipients SET status = 'skipped'
     WHERE week = ? AND batch_no = ? AND status = 'queued' AND NOT EXISTS
       (SELECT 1 FROM subscribers s WHERE s.id = subscriber_id AND s.status = 'active')`,
  );
  type At = { at: string; week: string; batchNo: number };
  const firstAttempt = db.prepare<[At]>(
    `UPDATE send_batches SET status = 'submitting', first_attempt_at = @at, last_attempt_at = @at,
       attempts = attempts + 1, error = NULL
     WHERE week = @week AND batch_no = @batchNo AND status = 'pending'`,
  );
  const retryAttempt = db.prepare<[At]>(
    `UPDATE send_batches SET status = 'submitting', last_attempt_at = @at, attempts = attempts + 1
     WHERE week = @week AND batch_no = @batchNo AND status IN ('submitting', 'failed')`,
  );
  // INDEXED BY: left to itself the planner walks the primary key (week, subscriber_id) for
  // its order and filters on batch_no, reading every row of the send for each batch (O(n²)
  // over a send: 48 ms a batch at 200,000 readers). The batch index finds the ≤100 rows.
  const queued = db.prepare<[string, number], FrozenRecipient>(
    `SELECT subscriber_id AS subscriberId, email, name
     FROM send_recipients INDEXED BY send_recipients_batch
     WHERE week = ? AND batch_no = ? AND status = 'queued' ORDER BY subscriber_id`,
  );
  const recipientSent = db.prepare<[string, string, number]>(
    `UPDATE send_recipients SET status = 'sent', message_id = ?
     WHERE week = ? AND subscriber_id = ? AND status = 'queued'`,
  );
  const setBatch = db.prepare<[BatchStatus, string | null, string | null, string, number]>(
    `UPDATE send_batches SET status = ?, submitted_at = COALESCE(?, submitted_at), error = ?
     WHERE week = ? AND batch_no = ?`,
  );
  const reopen = db.prepare<[At]>(
    `UPDATE send_batches SET status = 'submitting', first_attempt_at = @at, error = NULL
     WHERE week = @week AND batch_no = @batchNo AND status = 'uncertain'`,
  );
  const openCount = db.prepare<[string], { n: number }>(
    `SELECT COUNT(*) AS n FROM send_batches WHERE week = ? AND status <> 'submitted'`,
  );
  const finishSend = db.prepare<[string, string]>(
    `UPDATE issue_sends SET status = 'sent', finished_at = ? WHERE week = ? AND status = 'sending'`,
  );
  const recipientCounts = db.prepare<[string], { status: string; batch: BatchStatus; n: number }>(
    `SELECT r.status AS status, b.status AS batch, COUNT(*) AS n
     FROM send_recipients r JOIN send_batches b ON b.week = r.week AND b.batch_no = r.batch_no
     WHERE r.week = ? GROUP BY r.status, b.status`,
  );
  const batchCounts = db.prepare<[string], { status: BatchStatus; n: number }>(
    'SELECT status, COUNT(*) AS n FROM send_batches WHERE week = ? GROUP BY status',
  );

  const get = (week: string): IssueSend | undefined => {
    const r = getSend.get(week);
    return r && toSend(r);
  };

  const freezeTx = db.transaction((week: string, hash: string, now: Date, sendId: string) => {
    const existing = getSend.get(week);
    if (existing) return { send: toSend(existing), resumed: true };
    insertSend.run(week, sendId, hash, now.toISOString());
    freezeRecipients.run({ week });
    freezeBatches.run(week);
    countSend.run({ week });
    return { send: toSend(getSend.get(week)!), resumed: false };
  });

  const leaseOwner = db.prepare<[string], { owner: string }>(
    'SELECT owner FROM leases WHERE name = ?',
  );
  /** Who holds the lease if it is not `owner` any more (null: `owner` still does). */
  const lostTo = (lease: SendLease): { to: string } | null => {
    const row = leaseOwner.get(lease.name);
    return row?.owner === lease.owner ? null : { to: row?.owner ?? 'nobody (released)' };
  };

  const startTx = db.transaction(
    (week: string, batchNo: number, now: Date, lease: SendLease | undefined): AttemptStart => {
      // Checked inside the write transaction: a sender that was paused past its lease (SIGSTOP,
      // a suspended VM) sees the new holder here instead of marking a batch it no longer owns.
      const lost = lease && lostTo(lease);
      if (lost) return { kind: 'lost', to: lost.to };
      const before = getBatch.get(week, batchNo);
      if (!before) throw new Error(`ledger: no batch ${week}:${batchNo}`);
      let skipped = 0;
      if (before.status === 'pending') {
        skipped = skipInactive.run(week, batchNo).changes;
        firstAttempt.run({ at: now.toISOString(), week, batchNo });
      } else if (before.status === 'submitting' || before.status === 'failed') {
        retryAttempt.run({ at: now.toISOString(), week, batchNo });
      } else {
        // Submitted or held back by someone else since this sender picked it: not ours to send.
        return { kind: 'taken', status: before.status };
      }
      return {
        kind: 'started',
        batch: toBatch(getBatch.get(week, batchNo)!),
        skipped,
        first: before.status === 'pending',
      };
    },
  );

  const submitTx = db.transaction(
    (
      week: string,
      batchNo: number,
      subscriberIds: readonly number[],
      ids: readonly string[],
      now: Date,
    ) => {
      subscriberIds.forEach((id, i) => {
        recipientSent.run(ids[i] ?? '', week, id);
      });
      setBatch.run('submitted', now.toISOString(), null, week, batchNo);
    },
  );

  return {
    get,
    isFrozen: (week: string): boolean => getSend.get(week) !== undefined,
    /** Weeks whose send finished, newest first (the public archive lists these). */
    sentWeeks: (): string[] => sentWeeks.all().map((r) => r.week),

    /**
     * Freeze the active subscribers into the ledger (one transaction), or return the existing
     * freeze. A freeze of different archived bytes is refused: the archive changed mid-send.
     * The send id (random unless a test gives one) prefixes every idempotency key of the send.
     */
    freeze(
      week: string,
      contentHash: string,
      now: Date,
      sendId: string = newSendId(week, randomBytes(12)),
    ): Result<{ send: IssueSend; resumed: boolean }, { frozenHash: string }> {
      const out = freezeTx.immediate(week, contentHash, now, sendId);
      if (out.send.contentHash !== contentHash) return err({ frozenHash: out.send.contentHash });
      return ok(out);
    },

    batch: (week: string, batchNo: number): Batch | undefined => {
      const r = getBatch.get(week, batchNo);
      return r && toBatch(r);
    },

    /** The first batch after `afterBatchNo` that is not submitted (-1 for the first). */
    nextOpenBatch(week: string, afterBatchNo: number): Batch | undefined {
      const r = nextOpen.get(week, afterBatchNo);
      return r && toBatch(r);
    },

    /**
     * Record an attempt. On the first one (pending) recipients no longer active are skipped in
     * the same transaction, so unsubscribes count for every batch not yet attempted; a retry
     * (submitting, failed) changes no recipient, so its payload is rebuilt byte-identical.
     * With a lease, nothing is written unless its owner still holds it (`lost`); a batch that
     * another sender submitted or held back meanwhile is `taken`. Both mean: stop taking work.
     */
    startAttempt(week: string, batchNo: number, now: Date, lease?: SendLease): AttemptStart {
      return startTx.immediate(week, batchNo, now, lease);
    },

    /** One read: who took the lease if `lease.owner` no longer holds it, else null. */
    leaseLostTo: (lease: SendLease): string | null => lostTo(lease)?.to ?? null,

    /** The batch's queued recipients in subscriber order: its payload, ≤ 100 rows. */
    queuedRecipients: (week: string, batchNo: number): FrozenRecipient[] =>
      queued.all(week, batchNo),

    /** Message ids in the order of `subscriberIds` (the provider answers in request order). */
    markSubmitted(
      week: string,
      batchNo: number,
      subscriberIds: readonly number[],
      ids: readonly string[],
      now: Date,
    ): void {
      submitTx.immediate(week, batchNo, subscriberIds, ids, now);
    },

    markFailed(week: string, batchNo: number, error: string): void {
      setBatch.run('failed', null, error, week, batchNo);
    },

    markUncertain(week: string, batchNo: number, reason: string): void {
      setBatch.run('uncertain', null, reason, week, batchNo);
    },

    /** The operator accepted the risk: an uncertain batch gets a new idempotency window. */
    reopenUncertain(week: string, batchNo: number, now: Date): boolean {
      return reopen.run({ at: now.toISOString(), week, batchNo }).changes === 1;
    },

    /** Mark the issue sent when no batch is left open; true when it is (now or before). */
    finishIfComplete(week: string, now: Date): boolean {
      if ((openCount.get(week)?.n ?? 0) > 0) return false;
      finishSend.run(now.toISOString(), week);
      return true;
    },

    summary: (week: string): LedgerSummary =>
      summarise(recipientCounts.all(week), batchCounts.all(week)),
  };
}

export type Ledger = ReturnType<typeof createLedger>;

/** The week's send lease as one sender holds it. */
export type SendLease = { name: string; owner: string };

export type AttemptStart =
  | { kind: 'started'; batch: Batch; skipped: number; first: boolean }
  | { kind: 'lost'; to: string }
  | { kind: 'taken'; status: BatchStatus };
