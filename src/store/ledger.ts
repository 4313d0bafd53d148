// The send ledger: the frozen recipient list of one issue, in numbered batches of at most 100,
// and each batch's state. Every state change is one statement or one transaction, so a kill at
// any instant leaves a state the sender can resume from. A submitted batch's recipients are
// `sent` (with their message id) or `refused` (the provider would not take that address; its
// message kept), both recorded in the transaction that marks the batch submitted. Recipients never pass through
// JavaScript in bulk: the freeze is one INSERT … SELECT, and reads fetch one batch at a time.
//
// Batch states:  pending ─▶ submitting ─▶ submitted
//                              │  ▲ ╲──▶ failed (refused whole by the provider; retried on resume)
//                              ▼  │
//                          uncertain (key window passed; re-sent only on the operator's word)
import { randomBytes } from 'node:crypto';
import { err, ok, type Result } from '../result.ts';
import type { Db } from './db.ts';
import {
  type Batch,
  type BatchStatus,
  type FreezeRoute,
  type FrozenRecipient,
  type IssueSend,
  type LedgerSummary,
  newSendId,
  type RecipientOutcome,
  type Refusal,
  routesJson,
  type SkipReason,
  summarise,
  toBatch,
  toSend,
  type VariantCount,
} from './ledger-rows.ts';
import { ledgerStatements } from './ledger-sql.ts';
import { parseTopics } from './subscribers.ts';

export function createLedger(db: Db) {
  const {
    getSend,
    sentWeeks,
    insertSend,
    freezeTopics,
    freezeRecipients,
    countPauses,
    freezeBatches,
    variantCounts,
    countSend,
    getBatch,
    nextOpen,
    skipInactive,
    firstAttempt,
    retryAttempt,
    queued,
    recipientSent,
    recipientRefused,
    refusals,
    submitBatch,
    failBatch,
    holdBatch,
    reopen,
    openCount,
    finishSend,
    recipientCounts,
    batchCounts,
    leaseOwner,
  } = ledgerStatements(db);

  const get = (week: string): IssueSend | undefined => {
    const r = getSend.get(week);
    return r && toSend(r);
  };

  const freezeTx = db.transaction(
    (week: string, hash: string, now: Date, sendId: string, route: FreezeRoute | undefined) => {
      const existing = getSend.get(week);
      if (existing) return { send: toSend(existing), resumed: true };
      insertSend.run(week, sendId, hash, now.toISOString());
      const topics = freezeTopics.all().map((r) => r.topics);
      freezeRecipients.run({ week, routes: routesJson(topics, route, parseTopics) });
      countPauses.run(week);
      freezeBatches.run(week);
      countSend.run({ week });
      return { send: toSend(getSend.get(week)!), resumed: false };
    },
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
      outcomes: readonly RecipientOutcome[],
      now: Date,
    ) => {
      // The batch first: only the attempt that holds it submitting records its answer.
      if (submitBatch.run(now.toISOString(), week, batchNo).changes !== 1) return;
      subscriberIds.forEach((id, i) => {
        const o = outcomes[i] ?? '';
        if (typeof o === 'string') recipientSent.run(o, week, id);
        else recipientRefused.run(o.refused, week, id);
      });
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
      route?: FreezeRoute,
    ): Result<{ send: IssueSend; resumed: boolean }, { frozenHash: string }> {
      const out = freezeTx.immediate(week, contentHash, now, sendId, route);
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

    /**
     * Per recipient in the order of `subscriberIds` (the provider answers in request order),
     * its message id or its refusal; nothing changes unless the batch was submitting.
     */
    markSubmitted(
      week: string,
      batchNo: number,
      subscriberIds: readonly number[],
      outcomes: readonly RecipientOutcome[],
      now: Date,
    ): void {
      submitTx.immediate(week, batchNo, subscriberIds, outcomes, now);
    },

    /** The first `limit` recipients the provider refused, in subscriber order. */
    refusals: (week: string, limit: number): Refusal[] => refusals.all(week, limit),

    markFailed(week: string, batchNo: number, error: string): void {
      failBatch.run(error, week, batchNo);
    },

    markUncertain(week: string, batchNo: number, reason: string): void {
      holdBatch.run(reason, week, batchNo);
    },

    /** The operator accepted the risk: an uncertain batch gets a new idempotency window. */
    reopenUncertain(week: string, batchNo: number, now: Date): boolean {
      return reopen.run({ at: now.toISOString(), week, batchNo }).changes === 1;
    },

    /** Mark the issue sent when no batch is left open; true when it is (now or before). */
    finishIfComplete(week: string, now: Date): boolean {
      if (!getSend.get(week) || (openCount.get(week)?.n ?? 0) > 0) return false;
      finishSend.run(now.toISOString(), week);
      return true;
    },

    /** Readers of the week by variant, and those skipped by reason. */
    variants: (week: string): VariantCount[] =>
      variantCounts.all(week).map((r) => ({
        variant: r.variant,
        skipReason: r.skip as SkipReason | null,
        recipients: r.n,
      })),

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
