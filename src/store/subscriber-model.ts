// A subscriber as the program sees it (zod schema and types), its row in either store, and
// the reader's topics and pause as stored. No statements here: subscribers.ts (SQLite) and
// pg/pg-subscribers.ts (PostgreSQL) run them.
import { z } from 'zod';

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

export type SubscriberRow = {
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

export const toSubscriber = (r: SubscriberRow): Subscriber => ({
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
