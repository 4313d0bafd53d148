// The public site's outgoing mail on PostgreSQL. Several `serve` processes claim from one
// queue: the row is picked FOR UPDATE SKIP LOCKED, so two claimers never get the same row and
// neither waits for the other.
import type { MailQueueRepo } from '../face.ts';
import {
  DEPTH_SQL,
  type DepthRow,
  depthOf,
  MailKind,
  type MailRow,
  MailStatus,
  toMail,
} from '../mail-queue.ts';
import { changes, one, type Queryable, rows } from './queryable.ts';

// A row left `sending` by a process that died is taken again once it is stale. Only kinds
// this program knows: a newer one (another serve, upgraded first) may add kinds.
const CLAIM = `UPDATE mail_queue SET status = 'sending', claimed_at = $1::text, attempts = attempts + 1
   WHERE id = (
     SELECT id FROM mail_queue
     WHERE ((status = 'queued' AND next_attempt_at <= $1::text)
         OR (status = 'sending' AND claimed_at < $2::text))
       AND kind = ANY($3::text[])
     ORDER BY id LIMIT 1
     FOR UPDATE SKIP LOCKED)
   RETURNING *`;

const FINISH = `UPDATE mail_queue SET status = $2, finished_at = $3, message_id = $4, error = $5
   WHERE id = $1`;

export function createPgMailQueue(q: Queryable): MailQueueRepo {
  const kinds = [...MailKind.options];
  return {
    async enqueue(kind, subscriberId, mailbox, now) {
      const t = now.toISOString();
      const r = await one<{ id: number }>(
        q,
        `INSERT INTO mail_queue (kind, subscriber_id, mailbox, status, created_at, next_attempt_at)
         VALUES ($1, $2, $3, 'queued', $4, $5) RETURNING id`,
        [kind, subscriberId, mailbox, t, t],
      );
      return r!.id;
    },
    countForMailbox: async (kind, mailbox, since) =>
      (await one<{ n: number }>(
        q,
        'SELECT COUNT(*) AS n FROM mail_queue WHERE kind = $1 AND mailbox = $2 AND created_at > $3',
        [kind, mailbox, since.toISOString()],
      ))!.n,
    countSince: async (kind, since) =>
      (await one<{ n: number }>(
        q,
        'SELECT COUNT(*) AS n FROM mail_queue WHERE kind = $1 AND created_at > $2',
        [kind, since.toISOString()],
      ))!.n,
    async claim(now, staleBefore) {
      const r = await one<MailRow>(q, CLAIM, [now.toISOString(), staleBefore.toISOString(), kinds]);
      return r && toMail(r);
    },
    sent: async (id, messageId, now) =>
      void (await changes(q, FINISH, [id, 'sent', now.toISOString(), messageId, null])),
    skipped: async (id, why, now) =>
      void (await changes(q, FINISH, [id, 'skipped', now.toISOString(), null, why])),
    failed: async (id, error, now) =>
      void (await changes(q, FINISH, [id, 'failed', now.toISOString(), null, error])),
    retryAt: async (id, at, error) =>
      void (await changes(
        q,
        `UPDATE mail_queue SET status = 'queued', next_attempt_at = $2, claimed_at = NULL, error = $3
         WHERE id = $1`,
        [id, at.toISOString(), error],
      )),
    async countByStatus() {
      const out = Object.fromEntries(MailStatus.options.map((s) => [s, 0])) as Record<
        MailStatus,
        number
      >;
      const counted = await rows<{ status: MailStatus; n: number }>(
        q,
        'SELECT status, COUNT(*) AS n FROM mail_queue GROUP BY status',
      );
      for (const { status, n } of counted) out[status] = n;
      return out;
    },
    depth: async (now) => depthOf(await rows<DepthRow>(q, DEPTH_SQL), now),
  };
}
