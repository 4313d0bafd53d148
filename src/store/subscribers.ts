// The subscribers table: one row per address (unique without regard to case), its status and
// when it changed. Synchronous prepared statements; callers pass `now`. The model (schema,
// row, topics) is subscriber-model.ts; history and topic figures are reader-figures.ts.
import { err, ok, type Result } from '../result.ts';
import type { Db } from './db.ts';
import { normaliseEmail } from './email-address.ts';
import { createReaderFigures } from './reader-figures.ts';
import {
  type AddOptions,
  type RemoveOutcome,
  type SubscriberRow as Row,
  SUBSCRIBER_STATUSES,
  type Subscriber,
  type SubscriberStatus,
  topicsColumn,
  toSubscriber,
  validPause,
  validTopics,
} from './subscriber-model.ts';
import { cleanName } from './subscriber-name.ts';

export * from './subscriber-model.ts';

/** Rows fetched per query by `list`: bounded memory, and the connection is free in between. */
const PAGE = 500;

export function createSubscribers(db: Db) {
  const insert = db.prepare<unknown[], Row>(
    `INSERT INTO subscribers (email, name, status, source, created_at, updated_at, confirmed_at, unsubscribed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(email) DO NOTHING RETURNING *`,
  );
  // A forgotten reader's tombstone (forgotten_at set) is invisible to every lookup: its links
  // stop working and it is never listed, counted or mailed.
  const byId = db.prepare<[number], Row>(
    'SELECT * FROM subscribers WHERE id = ? AND forgotten_at IS NULL',
  );
  // The column is COLLATE NOCASE, so this lookup and the UNIQUE index ignore case.
  const byEmail = db.prepare<[string], Row>(
    'SELECT * FROM subscribers WHERE email = ? AND forgotten_at IS NULL',
  );
  // `status` on the right-hand side is the old value: timestamps move only on a real change.
  const updateStatus = db.prepare<{ id: number; status: SubscriberStatus; now: string }, Row>(
    `UPDATE subscribers SET
       status = @status,
       updated_at = @now,
       confirmed_at = CASE WHEN @status = 'active' THEN @now ELSE confirmed_at END,
       unsubscribed_at = CASE WHEN @status = 'unsubscribed' THEN @now ELSE unsubscribed_at END
     WHERE id = @id AND status <> @status AND forgotten_at IS NULL RETURNING *`,
  );
  const pageAll = db.prepare<[number, number], Row>(
    'SELECT * FROM subscribers WHERE id > ? AND forgotten_at IS NULL ORDER BY id LIMIT ?',
  );
  const pageByStatus = db.prepare<[string, number, number], Row>(
    `SELECT * FROM subscribers WHERE status = ? AND id > ? AND forgotten_at IS NULL
     ORDER BY id LIMIT ?`,
  );
  const hasHistory = db.prepare<{ id: number }, { n: number }>(
    `SELECT EXISTS (SELECT 1 FROM send_recipients WHERE subscriber_id = @id)
         OR EXISTS (SELECT 1 FROM votes WHERE subscriber_id = @id) AS n`,
  );
  const deleteRow = db.prepare<[number]>('DELETE FROM subscribers WHERE id = ?');
  const counts = db.prepare<[], { status: SubscriberStatus; n: number }>(
    'SELECT status, COUNT(*) AS n FROM subscribers WHERE forgotten_at IS NULL GROUP BY status',
  );
  const updateName = db.prepare<[string | null, string, number], Row>(
    'UPDATE subscribers SET name = ?, updated_at = ? WHERE id = ? AND forgotten_at IS NULL RETURNING *',
  );
  const confirmSent = db.prepare<[string, string, number]>(
    'UPDATE subscribers SET confirm_sent_at = ?, updated_at = ? WHERE id = ? AND forgotten_at IS NULL',
  );
  const claimWelcome = db.prepare<[string, number]>(
    `UPDATE subscribers SET welcomed_at = ?
     WHERE id = ? AND welcomed_at IS NULL AND status = 'active' AND forgotten_at IS NULL`,
  );
  const updateTopics = db.prepare<[string | null, string, number], Row>(
    'UPDATE subscribers SET topics = ?, updated_at = ? WHERE id = ? AND forgotten_at IS NULL RETURNING *',
  );
  const updatePause = db.prepare<[number, string, number], Row>(
    'UPDATE subscribers SET paused_issues = ?, updated_at = ? WHERE id = ? AND forgotten_at IS NULL RETURNING *',
  );
  const releaseWelcome = db.prepare<[number, string]>(
    'UPDATE subscribers SET welcomed_at = NULL WHERE id = ? AND welcomed_at = ?',
  );

  const getById = (id: number): Subscriber | undefined => {
    const r = byId.get(id);
    return r && toSubscriber(r);
  };
  const getByEmail = (email: string): Subscriber | undefined => {
    const r = byEmail.get(email.trim());
    return r && toSubscriber(r);
  };

  return {
    add(email: string, opts: AddOptions): Result<Subscriber, 'exists' | 'invalid_email'> {
      const address = normaliseEmail(email);
      if (!address.ok) return err('invalid_email');
      const status = opts.status ?? 'pending';
      const now = opts.now.toISOString();
      const row = insert.get(
        address.value,
        cleanName(opts.name),
        status,
        opts.source,
        now,
        now,
        status === 'active' ? now : null,
        status === 'unsubscribed' ? now : null,
      );
      return row ? ok(toSubscriber(row)) : err('exists');
    },

    getById,
    getByEmail,

    /**
     * Change a status; `active` stamps confirmed_at, `unsubscribed` stamps unsubscribed_at.
     * Setting the status a row already has changes nothing. Policy (may a complaint be
     * re-activated?) belongs to the caller. Undefined when there is no such subscriber.
     */
    /** The name as the reader gave it (cleaned as every name is), or none. */
    setName(id: number, name: string | null, now: Date): Subscriber | undefined {
      const row = updateName.get(cleanName(name), now.toISOString(), id);
      return row && toSubscriber(row);
    },

    /** The categories the reader wants (null: everything); refused unless each is a slug. */
    setTopics(
      id: number,
      topics: readonly string[] | null,
      now: Date,
    ): Result<Subscriber, 'invalid_topics' | 'not_found'> {
      if (!validTopics(topics)) return err('invalid_topics');
      const row = updateTopics.get(topicsColumn(topics), now.toISOString(), id);
      return row ? ok(toSubscriber(row)) : err('not_found');
    },

    /** Skip the next `issues` issues (1 to 52); a new pause replaces the one running. */
    pause(
      id: number,
      issues: number,
      now: Date,
    ): Result<Subscriber, 'invalid_pause' | 'not_found'> {
      if (!validPause(issues)) return err('invalid_pause');
      const row = updatePause.get(issues, now.toISOString(), id);
      return row ? ok(toSubscriber(row)) : err('not_found');
    },

    ...createReaderFigures(db, getById),

    /** End a pause early: the next issue comes again. */
    resume(id: number, now: Date): Subscriber | undefined {
      const row = updatePause.get(0, now.toISOString(), id);
      return row && toSubscriber(row);
    },

    setStatus(id: number, status: SubscriberStatus, now: Date): Subscriber | undefined {
      const row = updateStatus.get({ id, status, now: now.toISOString() });
      return row ? toSubscriber(row) : getById(id);
    },

    /**
     * Every subscriber (or those with one status) in id order, fetched a page at a time: memory
     * stays flat for any list size, and the connection is not held between pages, so the caller
     * may write while iterating (better-sqlite3's own iterate() would refuse that).
     */
    *list(opts: { status?: SubscriberStatus } = {}): Generator<Subscriber, void, undefined> {
      let after = 0;
      for (;;) {
        const rows =
          opts.status === undefined
            ? pageAll.all(after, PAGE)
            : pageByStatus.all(opts.status, after, PAGE);
        for (const r of rows) yield toSubscriber(r);
        if (rows.length < PAGE) return;
        after = rows.at(-1)!.id;
      }
    },

    /**
     * Delete an address that was never sent anything and never voted: a mistaken entry leaves
     * no trace. Anything with history is only marked unsubscribed instead, because the send
     * ledger and votes refer to the row (a deleted row would break them, and an address
     * re-added mid-send would get a new id and so the issue a second time), and because an
     * existing unsubscribed row keeps a later import from quietly re-activating the address.
     */
    remove(email: string, now: Date): RemoveOutcome {
      const row = byEmail.get(email.trim());
      if (!row) return 'not_found';
      const outcome = db.transaction((): RemoveOutcome => {
        if (hasHistory.get({ id: row.id })?.n === 0) {
          deleteRow.run(row.id);
          return 'deleted';
        }
        updateStatus.get({ id: row.id, status: 'unsubscribed', now: now.toISOString() });
        return 'unsubscribed';
      });
      return outcome.immediate();
    },

    countByStatus(): Record<SubscriberStatus, number> {
      const out = Object.fromEntries(SUBSCRIBER_STATUSES.map((s) => [s, 0])) as Record<
        SubscriberStatus,
        number
      >;
      for (const { status, n } of counts.all()) out[status] = n;
      return out;
    },

    /** Record that the double opt-in email went out (so the form can rate-limit resends). */
    markConfirmSent(id: number, now: Date): void {
      const t = now.toISOString();
      confirmSent.run(t, t, id);
    },

    /**
     * Take the once-per-reader welcome: true for exactly one caller per active subscriber, so
     * confirming twice (or two tabs at once) sends one welcome.
     */
    claimWelcome(id: number, at: Date): boolean {
      return claimWelcome.run(at.toISOString(), id).changes === 1;
    },

    /** Give the claim back after a send that failed, so a later confirmation can try again. */
    releaseWelcome(id: number, claimedAt: Date): void {
      releaseWelcome.run(id, claimedAt.toISOString());
    },
  };
}

export type Subscribers = ReturnType<typeof createSubscribers>;
