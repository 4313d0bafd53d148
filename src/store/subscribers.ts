// The subscribers table: one row per address (unique without regard to case), its status and
// when it changed. Synchronous prepared statements; callers pass `now`.
import { z } from 'zod';
import { err, ok, type Result } from '../result.ts';
import type { Db } from './db.ts';
import { normaliseEmail } from './email-address.ts';
import { cleanName } from './subscriber-name.ts';

export const SubscriberStatus = z.enum([
  'pending',
  'active',
  'unsubscribed',
  'bounced',
  'complained',
]);
export type SubscriberStatus = z.infer<typeof SubscriberStatus>;
export const SUBSCRIBER_STATUSES = SubscriberStatus.options;

export const Subscriber = z.object({
  id: z.number().int().positive(),
  email: z.string(),
  name: z.string().nullable(),
  status: SubscriberStatus,
  /** Where the address came from: `cli`, `form`, `import:<file>`. */
  source: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  confirmedAt: z.string().nullable(),
  unsubscribedAt: z.string().nullable(),
  confirmSentAt: z.string().nullable(),
  /** When the welcome email was claimed for this reader (it goes out once, ever). */
  welcomedAt: z.string().nullable(),
  /**
   * The categories (slugs, sorted) the reader wants pairs of; null is "everything", which
   * also takes categories added later.
   */
  topics: z.array(z.string()).nullable(),
  /** Issues still to be skipped (0: not paused); each frozen issue counts one down. */
  pausedIssues: z.number().int().nonnegative(),
});
export type Subscriber = z.infer<typeof Subscriber>;

/** What the store holds about one reader's mail besides their row: their data export. */
export type ReaderHistory = {
  /** Each issue frozen for them: sent, skipped (and why), with the variant they got. */
  issues: {
    week: string;
    status: string;
    variant: string | null;
    skipReason: string | null;
    messageId: string | null;
  }[];
  votes: { week: string; pairId: string; toolId: string; votedAt: string }[];
  /** Provider events about their mail (delivered, opened, bounced, …), oldest first. */
  events: { type: string; createdAt: string; week: string | null; detail: string | null }[];
};

/** The active list's topic choices: what `stats` shows. */
export type TopicChoices = {
  active: number;
  /** Readers on "everything" (no topics chosen). */
  everything: number;
  /** Readers who chose a topic, per topic (a reader counts once under each of theirs). */
  byTopic: Record<string, number>;
  /** Readers with issues still paused. */
  paused: number;
};

export type AddOptions = {
  name?: string | null;
  source: string;
  /** Default `pending`: a public sign-up waits for double opt-in. */
  status?: SubscriberStatus;
  now: Date;
};
export type RemoveOutcome = 'deleted' | 'unsubscribed' | 'not_found';

type Row = {
  id: number;
  email: string;
  name: string | null;
  status: SubscriberStatus;
  source: string;
  created_at: string;
  updated_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
  confirm_sent_at: string | null;
  welcomed_at: string | null;
  topics: string | null;
  paused_issues: number | string;
};

export const toSubscriber = (r: Row): Subscriber => ({
  id: r.id,
  email: r.email,
  name: r.name,
  status: r.status,
  source: r.source,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  confirmedAt: r.confirmed_at,
  unsubscribedAt: r.unsubscribed_at,
  confirmSentAt: r.confirm_sent_at,
  welcomedAt: r.welcomed_at,
  topics: parseTopics(r.topics),
  pausedIssues: Number(r.paused_issues ?? 0),
});

/** A category slug: what a reader's topic list holds. */
export const TOPIC_SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** The most issues one pause may skip. */
export const MAX_PAUSE_ISSUES = 52;

/** Topics as stored: a JSON array of sorted, unique slugs, or NULL for everything. */
export function topicsColumn(topics: readonly string[] | null): string | null {
  return topics === null ? null : JSON.stringify(normaliseTopics(topics));
}
export function normaliseTopics(topics: readonly string[]): string[] {
  return [...new Set(topics.map((t) => t.trim().toLowerCase()))].filter(Boolean).sort();
}
export function parseTopics(raw: string | null): string[] | null {
  if (raw === null || raw === undefined) return null;
  const v: unknown = JSON.parse(raw);
  return Array.isArray(v) ? v.map(String) : null;
}
/** Whether every topic is a slug (the store refuses anything else). */
export const validTopics = (topics: readonly string[] | null): boolean =>
  topics === null || topics.every((t) => TOPIC_SLUG.test(t.trim().toLowerCase()));
export const validPause = (issues: number): boolean =>
  Number.isInteger(issues) && issues >= 1 && issues <= MAX_PAUSE_ISSUES;

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
  const historyIssues = db.prepare<[number], ReaderHistory['issues'][number]>(
    `SELECT week, status, variant, skip_reason AS skipReason, message_id AS messageId
     FROM send_recipients WHERE subscriber_id = ? ORDER BY week`,
  );
  const historyVotes = db.prepare<[number], ReaderHistory['votes'][number]>(
    `SELECT week, pair_id AS pairId, tool_id AS toolId, voted_at AS votedAt
     FROM votes WHERE subscriber_id = ? ORDER BY voted_at, pair_id`,
  );
  const historyEvents = db.prepare<[number, string], ReaderHistory['events'][number]>(
    `SELECT type, created_at AS createdAt, week, detail FROM events
     WHERE subscriber_id = ? OR email = ? ORDER BY created_at, id`,
  );
  const choiceTotals = db.prepare<[], { active: number; everything: number; paused: number }>(
    `SELECT COUNT(*) AS active,
       IFNULL(SUM(topics IS NULL), 0) AS everything,
       IFNULL(SUM(paused_issues > 0), 0) AS paused
     FROM subscribers WHERE status = 'active' AND forgotten_at IS NULL`,
  );
  const choiceTopics = db.prepare<[], { topic: string; n: number }>(
    `SELECT j.value AS topic, COUNT(*) AS n FROM subscribers s, json_each(s.topics) j
     WHERE s.status = 'active' AND s.forgotten_at IS NULL AND s.topics IS NOT NULL
     GROUP BY j.value ORDER BY j.value`,
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

    /** The reader's issues, votes and mail events (their data export); undefined: no reader. */
    history(id: number): ReaderHistory | undefined {
      const s = getById(id);
      if (!s) return undefined;
      return {
        issues: historyIssues.all(id),
        votes: historyVotes.all(id),
        events: historyEvents.all(id, s.email),
      };
    },

    /** The active list's topic choices. */
    topicChoices(): TopicChoices {
      const t = choiceTotals.get()!;
      return {
        ...t,
        byTopic: Object.fromEntries(choiceTopics.all().map((r) => [r.topic, r.n])),
      };
    },

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
