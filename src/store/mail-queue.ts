// The public site's own outgoing mail, one row per email: a durable queue (a crash between
// the answer and the send loses nothing) and the record the sending caps count. Claiming is
// one UPDATE … RETURNING, so several `serve` processes on one database never take one row twice.
import { z } from 'zod';
import type { Db } from './db.ts';
import type { MailQueueDepth } from './face.ts';

/** What the email is; the worker composes each kind from the subscriber's current row. */
export const MailKind = z.enum(['confirm', 'welcome']);
export type MailKind = z.infer<typeof MailKind>;

export const MailStatus = z.enum(['queued', 'sending', 'sent', 'skipped', 'failed']);
export type MailStatus = z.infer<typeof MailStatus>;

export type QueuedMail = {
  id: number;
  kind: MailKind;
  subscriberId: number;
  status: MailStatus;
  /** Including the one just claimed. */
  attempts: number;
  createdAt: string;
};

/** A mail_queue row as both engines return it. */
export type MailRow = {
  id: number;
  kind: string;
  subscriber_id: number;
  status: MailStatus;
  attempts: number;
  created_at: string;
};

/** Rows not finished, per status, with the oldest one's created_at (both adapters' query). */
export const DEPTH_SQL = `SELECT status, COUNT(*) AS n, MIN(created_at) AS oldest FROM mail_queue
   WHERE status IN ('queued', 'sending') GROUP BY status`;

export type DepthRow = { status: MailStatus; n: number; oldest: string | null };

export function depthOf(found: readonly DepthRow[], now: Date): MailQueueDepth {
  const out: MailQueueDepth = { queued: 0, sending: 0, oldestAgeSeconds: 0 };
  let oldest = Number.POSITIVE_INFINITY;
  for (const r of found) {
    if (r.status === 'queued' || r.status === 'sending') out[r.status] = r.n;
    const t = r.oldest ? Date.parse(r.oldest) : Number.NaN;
    if (Number.isFinite(t)) oldest = Math.min(oldest, t);
  }
  if (Number.isFinite(oldest)) out.oldestAgeSeconds = Math.max(0, (now.getTime() - oldest) / 1000);
  return out;
}

export const toMail = (r: MailRow): QueuedMail => ({
  id: r.id,
  kind: MailKind.parse(r.kind),
  subscriberId: r.subscriber_id,
  status: r.status,
  attempts: r.attempts,
  createdAt: r.created_at,
});

export function createMailQueue(db: Db) {
  const insert = db.prepare<[string, number, string, string, string], { id: number }>(
    `INSERT INTO mail_queue (kind, subscriber_id, mailbox, status, created_at, next_attempt_at)
     VALUES (?, ?, ?, 'queued', ?, ?) RETURNING id`,
  );
  const countMailbox = db.prepare<[string, string, string], { n: number }>(
    'SELECT COUNT(*) AS n FROM mail_queue WHERE kind = ? AND mailbox = ? AND created_at > ?',
  );
  const countKind = db.prepare<[string, string], { n: number }>(
    'SELECT COUNT(*) AS n FROM mail_queue WHERE kind = ? AND created_at > ?',
  );
  // A row left `sending` by a process that died is taken again once it is stale; the
  // idempotency key (mail-<id>) keeps a send that did go out from going out twice.
  // Only kinds this program knows: a newer one (another serve, upgraded first) may add kinds.
  const claimOne = db.prepare<{ now: string; stale: string; kinds: string }, MailRow>(
    `UPDATE mail_queue SET status = 'sending', claimed_at = @now, attempts = attempts + 1
     WHERE id = (
       SELECT id FROM mail_queue
       WHERE ((status = 'queued' AND next_attempt_at <= @now)
           OR (status = 'sending' AND claimed_at < @stale))
         AND kind IN (SELECT value FROM json_each(@kinds))
       ORDER BY id LIMIT 1)
     RETURNING *`,
  );
  const kinds = JSON.stringify(MailKind.options);
  const finish = db.prepare<{
    id: number;
    status: MailStatus;
    now: string;
    messageId: string | null;
    error: string | null;
  }>(
    `UPDATE mail_queue SET status = @status, finished_at = @now, message_id = @messageId,
       error = @error WHERE id = @id`,
  );
  const later = db.prepare<{ id: number; at: string; error: string }>(
    `UPDATE mail_queue SET status = 'queued', next_attempt_at = @at, claimed_at = NULL,
       error = @error WHERE id = @id`,
  );
  const byStatus = db.prepare<[], { status: MailStatus; n: number }>(
    'SELECT status, COUNT(*) AS n FROM mail_queue GROUP BY status',
  );
  const waiting = db.prepare<[], DepthRow>(DEPTH_SQL);

  return {
    enqueue(kind: MailKind, subscriberId: number, mailbox: string, now: Date): number {
      const t = now.toISOString();
      return insert.get(kind, subscriberId, mailbox, t, t)!.id;
    },
    /** Emails of this kind queued for this mailbox after `since` (whatever became of them). */
    countForMailbox: (kind: MailKind, mailbox: string, since: Date) =>
      countMailbox.get(kind, mailbox, since.toISOString())!.n,
    countSince: (kind: MailKind, since: Date) => countKind.get(kind, since.toISOString())!.n,
    /** The oldest due row, now `sending` and owned by the caller; undefined when none is due. */
    claim(now: Date, staleBefore: Date): QueuedMail | undefined {
      const r = claimOne.get({ now: now.toISOString(), stale: staleBefore.toISOString(), kinds });
      return r && toMail(r);
    },
    sent: (id: number, messageId: string, now: Date) =>
      void finish.run({ id, status: 'sent', now: now.toISOString(), messageId, error: null }),
    /** Nothing to send any more (the reader confirmed, bounced or was removed meanwhile). */
    skipped: (id: number, why: string, now: Date) =>
      void finish.run({
        id,
        status: 'skipped',
        now: now.toISOString(),
        messageId: null,
        error: why,
      }),
    failed: (id: number, error: string, now: Date) =>
      void finish.run({ id, status: 'failed', now: now.toISOString(), messageId: null, error }),
    retryAt: (id: number, at: Date, error: string) =>
      void later.run({ id, at: at.toISOString(), error }),
    countByStatus(): Record<MailStatus, number> {
      const out = Object.fromEntries(MailStatus.options.map((s) => [s, 0])) as Record<
        MailStatus,
        number
      >;
      for (const { status, n } of byStatus.all()) out[status] = n;
      return out;
    },
    depth: (now: Date): MailQueueDepth => depthOf(waiting.all(), now),
  };
}

export type MailQueue = ReturnType<typeof createMailQueue>;
