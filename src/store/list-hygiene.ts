// List hygiene from events, past what a hard bounce or a complaint does at once: an address
// that is undeliverable on its last N issues in a row (soft bounces, or failures of that
// address alone) is suppressed as bounced. Also what an issue did to its readers' status
// (unsubscribed through its links, suppressed by this rule), for the report.
import type { Db } from './db.ts';
import type { Subscribers } from './subscribers.ts';

export type SubscriberChange = 'unsubscribed' | 'soft_bounce_suppressed';

/**
 * Sign-ups from the form that were never confirmed, made and last mailed before `before`: a
 * stranger may have typed them, and their link has expired, so nothing of them is kept (their
 * queued mail goes with them). A row with any history (a send, a vote) is never one of these.
 * `p` is the engine's parameter for `before`.
 */
export const expirePendingSql = (p: string) =>
  `DELETE FROM subscribers
   WHERE status = 'pending' AND source = 'form' AND confirmed_at IS NULL AND forgotten_at IS NULL
     AND created_at < ${p} AND (confirm_sent_at IS NULL OR confirm_sent_at < ${p})
     AND NOT EXISTS (SELECT 1 FROM send_recipients r WHERE r.subscriber_id = subscribers.id)
     AND NOT EXISTS (SELECT 1 FROM votes v WHERE v.subscriber_id = subscribers.id)`;

export function createListHygiene(db: Db, subscribers: Pick<Subscribers, 'getById' | 'setStatus'>) {
  // Only a reader the issue was sent to can have been changed by it: a tampered ?issue= on an
  // unsubscribe link attributes nothing.
  const insertChange = db.prepare<
    [{ week: string; id: number; change: SubscriberChange; at: string }]
  >(
    `INSERT INTO subscriber_changes (week, subscriber_id, change, at)
     SELECT @week, @id, @change, @at
     WHERE EXISTS (SELECT 1 FROM send_recipients WHERE week = @week AND subscriber_id = @id)
     ON CONFLICT DO NOTHING`,
  );
  // Of the last @n issues sent to the reader, how many were undeliverable to it. A failure
  // counts only on an issue that was delivered to someone: a quota, key or domain failure
  // hits everyone and says nothing about the address (and while such an issue's events are
  // still arriving, erring towards keeping the reader is the safe side).
  const strikes = db.prepare<[{ id: number; n: number }], { issues: number; strikes: number }>(
    `WITH last AS (
       SELECT week FROM send_recipients WHERE subscriber_id = @id AND status = 'sent'
       ORDER BY week DESC LIMIT @n
     )
     SELECT COUNT(*) AS issues, COALESCE(SUM(
       EXISTS (SELECT 1 FROM event_readers e WHERE e.week = last.week AND e.type = 'email.bounced'
               AND e.detail = 'soft' AND e.subscriber_id = @id)
       OR (EXISTS (SELECT 1 FROM event_readers e WHERE e.week = last.week AND e.type = 'email.failed'
                   AND e.detail = '' AND e.subscriber_id = @id)
           AND EXISTS (SELECT 1 FROM event_readers d WHERE d.week = last.week AND d.type = 'email.delivered'))
     ), 0) AS strikes FROM last`,
  );

  const expirePending = db.prepare<[{ before: string }]>(expirePendingSql('@before'));

  const recordChange = (week: string, id: number, change: SubscriberChange, now: Date) =>
    insertChange.run({ week, id, change, at: now.toISOString() }).changes === 1;

  return {
    recordChange,

    /** Delete the expired, never confirmed form sign-ups (expirePendingSql); how many. */
    expirePending: (before: Date): number =>
      expirePending.run({ before: before.toISOString() }).changes,

    /**
     * After an undeliverable event of `week` for this reader: suppress it when its last
     * `limit` issues were all undeliverable. True when this call suppressed it.
     */
    applySoftBounceRule(week: string, subscriberId: number, limit: number, now: Date): boolean {
      const s = subscribers.getById(subscriberId);
      if (s?.status !== 'active') return false;
      const r = strikes.get({ id: subscriberId, n: limit });
      if (!r || r.issues < limit || r.strikes < limit) return false;
      subscribers.setStatus(subscriberId, 'bounced', now);
      recordChange(week, subscriberId, 'soft_bounce_suppressed', now);
      return true;
    },
  };
}

export type ListHygiene = ReturnType<typeof createListHygiene>;
