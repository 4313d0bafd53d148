// The subscribers table on PostgreSQL: the same statements as subscribers.ts, with the
// address unique through lower(email) (see migrations.ts) instead of COLLATE NOCASE.
import { err, ok } from '../../result.ts';
import { normaliseEmail } from '../email-address.ts';
import type { SubscribersRepo } from '../face.ts';
import { cleanName } from '../subscriber-name.ts';
import {
  type RemoveOutcome,
  SUBSCRIBER_STATUSES,
  type SubscriberStatus,
  topicsColumn,
  toSubscriber,
  validPause,
  validTopics,
} from '../subscribers.ts';
import { changes, inTransaction, lowerParam, one, type Queryable, rows } from './queryable.ts';

type Row = Parameters<typeof toSubscriber>[0];

/** Rows fetched per query by `list`: bounded memory, and the connection is free in between. */
const PAGE = 500;

// `status` on the right-hand side is the old value: timestamps move only on a real change.
const UPDATE_STATUS = `UPDATE subscribers SET
     status = $2::text,
     updated_at = $3::text,
     confirmed_at = CASE WHEN $2::text = 'active' THEN $3::text ELSE confirmed_at END,
     unsubscribed_at = CASE WHEN $2::text = 'unsubscribed' THEN $3::text ELSE unsubscribed_at END
   WHERE id = $1 AND status <> $2::text AND forgotten_at IS NULL RETURNING *`;

const SET_PAUSE =
  'UPDATE subscribers SET paused_issues = $1, updated_at = $2 WHERE id = $3 AND forgotten_at IS NULL RETURNING *';

// A forgotten reader's tombstone (forgotten_at set) is invisible to every lookup.
const BY_EMAIL = `SELECT * FROM subscribers WHERE lower(email) = ${lowerParam(1)} AND forgotten_at IS NULL`;

export function createPgSubscribers(q: Queryable): SubscribersRepo {
  const getById = async (id: number) => {
    const r = await one<Row>(
      q,
      'SELECT * FROM subscribers WHERE id = $1 AND forgotten_at IS NULL',
      [id],
    );
    return r && toSubscriber(r);
  };
  const getByEmail = async (email: string) => {
    const r = await one<Row>(q, BY_EMAIL, [email.trim()]);
    return r && toSubscriber(r);
  };

  return {
    async add(email, opts) {
      const address = normaliseEmail(email);
      if (!address.ok) return err('invalid_email');
      const status = opts.status ?? 'pending';
      const now = opts.now.toISOString();
      const row = await one<Row>(
        q,
        // NOT EXISTS first: a conflict would still draw an id from the sequence, and ids are
        // gapless on SQLite (the ON CONFLICT stays for two adds racing).
        `INSERT INTO subscribers (email, name, status, source, created_at, updated_at, confirmed_at, unsubscribed_at)
         SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text
         WHERE NOT EXISTS (SELECT 1 FROM subscribers WHERE lower(email) = ${lowerParam(1)})
         ON CONFLICT ((lower(email))) DO NOTHING RETURNING *`,
        [
          address.value,
          cleanName(opts.name),
          status,
          opts.source,
          now,
          now,
          status === 'active' ? now : null,
          status === 'unsubscribed' ? now : null,
        ],
      );
      return row ? ok(toSubscriber(row)) : err('exists');
    },

    getById,
    getByEmail,

    async setName(id, name, now) {
      const row = await one<Row>(
        q,
        'UPDATE subscribers SET name = $1, updated_at = $2 WHERE id = $3 AND forgotten_at IS NULL RETURNING *',
        [cleanName(name), now.toISOString(), id],
      );
      return row && toSubscriber(row);
    },

    async setTopics(id, topics, now) {
      if (!validTopics(topics)) return err('invalid_topics');
      const row = await one<Row>(
        q,
        'UPDATE subscribers SET topics = $1, updated_at = $2 WHERE id = $3 AND forgotten_at IS NULL RETURNING *',
        [topicsColumn(topics), now.toISOString(), id],
      );
      return row ? ok(toSubscriber(row)) : err('not_found');
    },

    async pause(id, issues, now) {
      if (!validPause(issues)) return err('invalid_pause');
      const row = await one<Row>(q, SET_PAUSE, [issues, now.toISOString(), id]);
      return row ? ok(toSubscriber(row)) : err('not_found');
    },

    async history(id) {
      const s = await getById(id);
      if (!s) return undefined;
      return {
        issues: await rows(
          q,
          `SELECT week, status, variant, skip_reason AS "skipReason", message_id AS "messageId"
           FROM send_recipients WHERE subscriber_id = $1 ORDER BY week`,
          [id],
        ),
        votes: await rows(
          q,
          `SELECT week, pair_id AS "pairId", tool_id AS "toolId", voted_at AS "votedAt"
           FROM votes WHERE subscriber_id = $1 ORDER BY voted_at, pair_id`,
          [id],
        ),
        events: await rows(
          q,
          `SELECT type, created_at AS "createdAt", week, detail FROM events
           WHERE subscriber_id = $1 OR lower(email) = lower($2) ORDER BY created_at, id`,
          [id, s.email],
        ),
      };
    },

    async topicChoices() {
      const t = await one<{ active: string; everything: string; paused: string }>(
        q,
        `SELECT COUNT(*) AS active,
           COUNT(*) FILTER (WHERE topics IS NULL) AS everything,
           COUNT(*) FILTER (WHERE paused_issues > 0) AS paused
         FROM subscribers WHERE status = 'active' AND forgotten_at IS NULL`,
      );
      const per = await rows<{ topic: string; n: string }>(
        q,
        `SELECT j.topic, COUNT(*) AS n
         FROM subscribers s, jsonb_array_elements_text(s.topics::jsonb) AS j(topic)
         WHERE s.status = 'active' AND s.forgotten_at IS NULL AND s.topics IS NOT NULL
         GROUP BY j.topic ORDER BY j.topic COLLATE "C"`,
      );
      return {
        active: Number(t?.active ?? 0),
        everything: Number(t?.everything ?? 0),
        paused: Number(t?.paused ?? 0),
        byTopic: Object.fromEntries(per.map((r) => [r.topic, Number(r.n)])),
      };
    },

    async resume(id, now) {
      const row = await one<Row>(q, SET_PAUSE, [0, now.toISOString(), id]);
      return row && toSubscriber(row);
    },

    async setStatus(id, status, now) {
      const row = await one<Row>(q, UPDATE_STATUS, [id, status, now.toISOString()]);
      return row ? toSubscriber(row) : getById(id);
    },

    list(opts: { status?: SubscriberStatus } = {}) {
      return {
        async *[Symbol.asyncIterator]() {
          let after = 0;
          for (;;) {
            const page =
              opts.status === undefined
                ? await rows<Row>(
                    q,
                    'SELECT * FROM subscribers WHERE id > $1 AND forgotten_at IS NULL ORDER BY id LIMIT $2',
                    [after, PAGE],
                  )
                : await rows<Row>(
                    q,
                    `SELECT * FROM subscribers WHERE status = $1 AND id > $2 AND forgotten_at IS NULL
                     ORDER BY id LIMIT $3`,
                    [opts.status, after, PAGE],
                  );
            for (const r of page) yield toSubscriber(r);
            if (page.length < PAGE) return;
            after = page.at(-1)!.id;
          }
        },
      };
    },

    /**
     * Delete an address with no history; otherwise only mark it unsubscribed. The row is
     * locked first, so two removes (or a remove and a status change) do not interleave.
     */
    async remove(email, now): Promise<RemoveOutcome> {
      const row = await one<Row>(q, BY_EMAIL, [email.trim()]);
      if (!row) return 'not_found';
      return inTransaction(q, async (c): Promise<RemoveOutcome> => {
        const locked = await one<{ id: number }>(
          c,
          'SELECT id FROM subscribers WHERE id = $1 FOR UPDATE',
          [row.id],
        );
        if (!locked) return 'not_found';
        const history = await one<{ n: boolean }>(
          c,
          `SELECT EXISTS (SELECT 1 FROM send_recipients WHERE subscriber_id = $1)
               OR EXISTS (SELECT 1 FROM votes WHERE subscriber_id = $1) AS n`,
          [row.id],
        );
        if (!history?.n) {
          await changes(c, 'DELETE FROM subscribers WHERE id = $1', [row.id]);
          return 'deleted';
        }
        await changes(c, UPDATE_STATUS, [row.id, 'unsubscribed', now.toISOString()]);
        return 'unsubscribed';
      });
    },

    async countByStatus() {
      const out = Object.fromEntries(SUBSCRIBER_STATUSES.map((s) => [s, 0])) as Record<
        SubscriberStatus,
        number
      >;
      const counts = await rows<{ status: SubscriberStatus; n: number }>(
        q,
        'SELECT status, COUNT(*) AS n FROM subscribers WHERE forgotten_at IS NULL GROUP BY status',
      );
      for (const { status, n } of counts) out[status] = n;
      return out;
    },

    async markConfirmSent(id, now) {
      const t = now.toISOString();
      await changes(
        q,
        'UPDATE subscribers SET confirm_sent_at = $1, updated_at = $2 WHERE id = $3 AND forgotten_at IS NULL',
        [t, t, id],
      );
    },

    async claimWelcome(id, at) {
      const n = await changes(
        q,
        `UPDATE subscribers SET welcomed_at = $1
         WHERE id = $2 AND welcomed_at IS NULL AND status = 'active' AND forgotten_at IS NULL`,
        [at.toISOString(), id],
      );
      return n === 1;
    },

    async releaseWelcome(id, claimedAt) {
      await changes(
        q,
        'UPDATE subscribers SET welcomed_at = NULL WHERE id = $1 AND welcomed_at = $2',
        [id, claimedAt.toISOString()],
      );
    },
  };
}
