// List hygiene on PostgreSQL: the same rule as list-hygiene.ts (suppress a reader whose last
// N issues were all undeliverable to it), decided in one transaction with the reader's row
// locked, so two webhooks for one reader cannot both suppress it.
import type { HygieneRepo } from '../face.ts';
import { expirePendingSql, type SubscriberChange } from '../list-hygiene.ts';
import { createPgSubscribers } from './pg-subscribers.ts';
import { changes, inTransaction, one, type Queryable } from './queryable.ts';

// Only a reader the issue was sent to can have been changed by it.
const INSERT_CHANGE = `INSERT INTO subscriber_changes (week, subscriber_id, change, at)
   SELECT $1::text, $2::bigint, $3::text, $4::text
   WHERE EXISTS (SELECT 1 FROM send_recipients WHERE week = $1::text AND subscriber_id = $2::bigint)
   ON CONFLICT DO NOTHING`;

// Of the last $2 issues sent to the reader, how many were undeliverable to it (see
// list-hygiene.ts for why a failure counts only on an issue delivered to someone).
const STRIKES = `WITH last AS (
     SELECT week FROM send_recipients WHERE subscriber_id = $1 AND status = 'sent'
     ORDER BY week DESC LIMIT $2
   )
   SELECT COUNT(*) AS issues, COALESCE(SUM(CASE WHEN
     EXISTS (SELECT 1 FROM event_readers e WHERE e.week = last.week AND e.type = 'email.bounced'
             AND e.detail = 'soft' AND e.subscriber_id = $1)
     OR (EXISTS (SELECT 1 FROM event_readers e WHERE e.week = last.week AND e.type = 'email.failed'
                 AND e.detail = '' AND e.subscriber_id = $1)
         AND EXISTS (SELECT 1 FROM event_readers d WHERE d.week = last.week AND d.type = 'email.delivered'))
   THEN 1 ELSE 0 END), 0) AS strikes FROM last`;

export function createPgHygiene(q: Queryable): HygieneRepo {
  const recordChange = async (
    c: Queryable,
    week: string,
    id: number,
    change: SubscriberChange,
    now: Date,
  ) => (await changes(c, INSERT_CHANGE, [week, id, change, now.toISOString()])) === 1;

  return {
    recordChange: (week, id, change, now) => recordChange(q, week, id, change, now),

    expirePending: (before) => changes(q, expirePendingSql('$1::text'), [before.toISOString()]),

    applySoftBounceRule(week, subscriberId, limit, now) {
      return inTransaction(q, async (c) => {
        const s = await one<{ status: string }>(
          c,
          'SELECT status FROM subscribers WHERE id = $1 AND forgotten_at IS NULL FOR UPDATE',
          [subscriberId],
        );
        if (s?.status !== 'active') return false;
        const r = await one<{ issues: number; strikes: number }>(c, STRIKES, [subscriberId, limit]);
        if (!r || r.issues < limit || r.strikes < limit) return false;
        await createPgSubscribers(c).setStatus(subscriberId, 'bounced', now);
        await recordChange(c, week, subscriberId, 'soft_bounce_suppressed', now);
        return true;
      });
    },
  };
}
