import type { LedgerRepo } from '../face.ts';
import type { AttemptStart, SendLease } from '../ledger.ts';
import {
  type BatchRow,
  type BatchStatus,
  type FrozenRecipient,
  type Refusal,
  type SendRow,
  type SkipReason,
  summarise,
  toBatch,
  toSend,
} from '../ledger-rows.ts';
import { EVENT_LINK_LOCK } from './pg-events.ts';
import { freezeWeek } from './pg-freeze.ts';
import { changes, inTransaction, one, type Queryable, rows } from './queryable.ts';

const GET_BATCH = 'SELECT * FROM send_batches WHERE week = $1 AND batch_no = $2';

/**
 * A batch's two transitions commit without waiting for the WAL flush (SQLite's WAL with
 * synchronous=NORMAL makes the same trade): one lost in a server crash leaves the batch a step
 * behind, and the protocol already resumes from there with the same idempotency key, so the
 * provider replays its first answer. The freeze, every subscriber change (an unsubscribe) and
 * everything else stay fully durable. Measured: ~10 ms a batch to record with a flush, ~5 without.
 */
const ASYNC_COMMIT = 'SET LOCAL synchronous_commit = off';

export function createPgLedger(q: Queryable): LedgerRepo {
  const getSend = (c: Queryable, week: string) =>
    one<SendRow>(c, 'SELECT * FROM issue_sends WHERE week = $1', [week]);

  /** Who holds the lease if it is not `owner` any more (null: `owner` still does). */
  const lostTo = async (c: Queryable, lease: SendLease, lock: boolean) => {
    const row = await one<{ owner: string }>(
      c,
      `SELECT owner FROM leases WHERE name = $1${lock ? ' FOR SHARE' : ''}`,
      [lease.name],
    );
    return row?.owner === lease.owner ? null : { to: row?.owner ?? 'nobody (released)' };
  };

  return {
    get: async (week) => {
      const r = await getSend(q, week);
      return r && toSend(r);
    },
    isFrozen: async (week) => (await getSend(q, week)) !== undefined,
    sentWeeks: async () =>
      (
        await rows<{ week: string }>(
          q,
          `SELECT week FROM issue_sends WHERE status = 'sent' ORDER BY week DESC`,
        )
      ).map((r) => r.week),

    freeze: (week, contentHash, now, sendId, route) =>
      freezeWeek(q, week, contentHash, now, sendId, route),

    batch: async (week, batchNo) => {
      const r = await one<BatchRow>(q, GET_BATCH, [week, batchNo]);
      return r && toBatch(r);
    },

    async nextOpenBatch(week, afterBatchNo) {
      const r = await one<BatchRow>(
        q,
        `SELECT * FROM send_batches WHERE week = $1 AND batch_no > $2 AND status <> 'submitted'
         ORDER BY batch_no LIMIT 1`,
        [week, afterBatchNo],
      );
      return r && toBatch(r);
    },

    /**
     * Record an attempt in one transaction: the lease row is read FOR SHARE (a new holder
     * cannot take it until this commits) and the batch row FOR UPDATE (two senders cannot
     * both start it), then the transition is conditional on the state it leaves.
     */
    startAttempt(week, batchNo, now, lease) {
      return inTransaction(q, async (c): Promise<AttemptStart> => {
        await c.query(ASYNC_COMMIT);
        const lost = lease && (await lostTo(c, lease, true));
        if (lost) return { kind: 'lost', to: lost.to };
        const before = await one<BatchRow>(c, `${GET_BATCH} FOR UPDATE`, [week, batchNo]);
        if (!before) throw new Error(`ledger: no batch ${week}:${batchNo}`);
        const at = now.toISOString();
        let skipped = 0;
        let after: BatchRow | undefined;
        if (before.status === 'pending') {
          skipped = await changes(
            c,
            `UPDATE send_recipients r SET status = 'skipped'
             WHERE r.week = $1 AND r.batch_no = $2 AND r.status = 'queued' AND NOT EXISTS
               (SELECT 1 FROM subscribers s WHERE s.id = r.subscriber_id AND s.status = 'active')`,
            [week, batchNo],
          );
          after = await one<BatchRow>(
            c,
            `UPDATE send_batches SET status = 'submitting', first_attempt_at = $3, last_attempt_at = $3,
               attempts = attempts + 1, error = NULL
             WHERE week = $1 AND batch_no = $2 AND status = 'pending' RETURNING *`,
            [week, batchNo, at],
          );
        } else if (before.status === 'submitting' || before.status === 'failed') {
          after = await one<BatchRow>(
            c,
            `UPDATE send_batches SET status = 'submitting', last_attempt_at = $3, attempts = attempts + 1
             WHERE week = $1 AND batch_no = $2 AND status IN ('submitting', 'failed') RETURNING *`,
            [week, batchNo, at],
          );
        } else {
          // Submitted or held back by someone else since this sender picked it.
          return { kind: 'taken', status: before.status };
        }
        if (!after) throw new Error(`ledger: batch ${week}:${batchNo} changed under its lock`);
        return {
          kind: 'started',
          batch: toBatch(after),
          skipped,
          first: before.status === 'pending',
        };
      });
    },

    leaseLostTo: async (lease) => (await lostTo(q, lease, false))?.to ?? null,

    queuedRecipients: (week, batchNo) =>
      rows<FrozenRecipient>(
        q,
        `SELECT subscriber_id AS "subscriberId", email, name, variant FROM send_recipients
         WHERE week = $1 AND batch_no = $2 AND status = 'queued' ORDER BY subscriber_id`,
        [week, batchNo],
      ),

    /**
     * The batch and all its recipients' outcomes (message id, or the provider's refusal), in
     * one transaction of two statements. The batch first, and only from submitting: only the
     * attempt that holds it records its answer (a sender that lost its lease, or a late
     * answer, never knocks it back). The event-link lock is taken exclusively: a webhook
     * recording an event of one of these ids at the same moment either sees these ids or is
     * seen by the link trigger, never neither (see pg-events.ts). A refused recipient gets no
     * message id, so the link trigger does not fire for it.
     */
    async markSubmitted(week, batchNo, subscriberIds, outcomes, now) {
      const mids: (string | null)[] = [];
      const refusals: (string | null)[] = [];
      subscriberIds.forEach((_, i) => {
        const o = outcomes[i] ?? '';
        mids.push(typeof o === 'string' ? o : null);
        refusals.push(typeof o === 'string' ? null : o.refused);
      });
      await inTransaction(q, async (c) => {
        await c.query(ASYNC_COMMIT);
        if (subscriberIds.length > 0) {
          await c.query('SELECT pg_advisory_xact_lock($1)', [EVENT_LINK_LOCK]);
        }
        // The batch row first: the same lock order as startAttempt (batch, then recipients).
        const submitted = await changes(
          c,
          `UPDATE send_batches SET status = 'submitted', submitted_at = $3, error = NULL
           WHERE week = $1 AND batch_no = $2 AND status = 'submitting'`,
          [week, batchNo, now.toISOString()],
        );
        if (submitted !== 1 || subscriberIds.length === 0) return;
        await c.query(
          `UPDATE send_recipients r
           SET status = CASE WHEN u.refusal IS NULL THEN 'sent' ELSE 'refused' END,
             message_id = u.mid, refusal = u.refusal
           FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(sid, mid, refusal)
           WHERE r.week = $4 AND r.subscriber_id = u.sid AND r.status = 'queued'`,
          [subscriberIds, mids, refusals, week],
        );
      });
    },

    refusals: (week, limit) =>
      rows<Refusal>(
        q,
        `SELECT subscriber_id AS "subscriberId", email, COALESCE(refusal, '') AS message
         FROM send_recipients WHERE week = $1 AND status = 'refused'
         ORDER BY subscriber_id LIMIT $2`,
        [week, limit],
      ),

    /** Only from submitting: a batch another sender submitted meanwhile stays submitted. */
    async markFailed(week, batchNo, error) {
      await setBatch(q, week, batchNo, 'failed', error, ['submitting']);
    },

    async markUncertain(week, batchNo, reason) {
      await setBatch(q, week, batchNo, 'uncertain', reason, ['submitting', 'failed']);
    },

    async reopenUncertain(week, batchNo, now) {
      const n = await changes(
        q,
        `UPDATE send_batches SET status = 'submitting', first_attempt_at = $3, error = NULL
         WHERE week = $1 AND batch_no = $2 AND status = 'uncertain'`,
        [week, batchNo, now.toISOString()],
      );
      return n === 1;
    },

    async finishIfComplete(week, now) {
      if (!(await getSend(q, week))) return false;
      const open = await one<{ n: number }>(
        q,
        `SELECT COUNT(*) AS n FROM send_batches WHERE week = $1 AND status <> 'submitted'`,
        [week],
      );
      if ((open?.n ?? 0) > 0) return false;
      await changes(
        q,
        `UPDATE issue_sends SET status = 'sent', finished_at = $1 WHERE week = $2 AND status = 'sending'`,
        [now.toISOString(), week],
      );
      return true;
    },

    async variants(week) {
      const found = await rows<{ variant: string | null; skip: SkipReason | null; n: string }>(
        q,
        `SELECT variant, skip_reason AS skip, COUNT(*) AS n FROM send_recipients WHERE week = $1
         GROUP BY variant, skip_reason
         ORDER BY skip_reason IS NOT NULL, skip_reason, variant IS NOT NULL, variant`,
        [week],
      );
      return found.map((r) => ({
        variant: r.variant,
        skipReason: r.skip,
        recipients: Number(r.n),
      }));
    },

    async summary(week) {
      const recipients = await rows<{ status: string; batch: BatchStatus; n: number }>(
        q,
        `SELECT r.status AS status, b.status AS batch, COUNT(*) AS n
         FROM send_recipients r LEFT JOIN send_batches b ON b.week = r.week AND b.batch_no = r.batch_no
         WHERE r.week = $1 GROUP BY r.status, b.status`,
        [week],
      );
      const batches = await rows<{ status: BatchStatus; n: number }>(
        q,
        'SELECT status, COUNT(*) AS n FROM send_batches WHERE week = $1 GROUP BY status',
        [week],
      );
      return summarise(recipients, batches);
    },
  };
}

const setBatch = (
  q: Queryable,
  week: string,
  batchNo: number,
  status: BatchStatus,
  error: string,
  from: BatchStatus[],
) =>
  changes(
    q,
    `UPDATE send_batches SET status = $3, error = $4
     WHERE week = $1 AND batch_no = $2 AND status = ANY($5::text[])`,
    [week, batchNo, status, error, from],
  );
