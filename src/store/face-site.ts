// The store's face, continued: what the public servers ask of the database beyond the list
// itself (events, votes, the mail queue, the published archive, the limits every server counts
// into, and the provider's request budget). Declared here, implemented by both adapters.
import type { VoteCounts } from '../content/index.ts';
import type { ProviderEvent, Recorded } from './events.ts';
import type { MailKind, MailStatus, QueuedMail } from './mail-queue.ts';
import type { ProviderBudgetState, ProviderSlot } from './provider-budget.ts';
import type { Vote } from './votes.ts';

export type EventsRepo = {
  record(e: ProviderEvent): Promise<'recorded' | 'duplicate'>;
  recordLinked(e: ProviderEvent): Promise<Recorded>;
};

export type VotesRepo = {
  cast(v: Vote): Promise<void>;
  countsByPair(pairIds?: readonly string[]): Promise<Map<string, VoteCounts>>;
};

export type MailQueueRepo = {
  enqueue(kind: MailKind, subscriberId: number, mailbox: string, now: Date): Promise<number>;
  countForMailbox(kind: MailKind, mailbox: string, since: Date): Promise<number>;
  countSince(kind: MailKind, since: Date): Promise<number>;
  /** The oldest due row, now `sending` and the caller's; never the same row to two callers. */
  claim(now: Date, staleBefore: Date): Promise<QueuedMail | undefined>;
  sent(id: number, messageId: string, now: Date): Promise<void>;
  skipped(id: number, why: string, now: Date): Promise<void>;
  failed(id: number, error: string, now: Date): Promise<void>;
  retryAt(id: number, at: Date, error: string): Promise<void>;
  countByStatus(): Promise<Record<MailStatus, number>>;
  /** What waits to be sent at `now` (the metrics' gauge): one small read. */
  depth(now: Date): Promise<MailQueueDepth>;
};

export type MailQueueDepth = {
  /** Rows `queued` (due now or retried later). */
  queued: number;
  /** Rows a worker claimed and has not finished (or that a dead process left). */
  sending: number;
  /** Age of the oldest row still `queued` or `sending`, in seconds; 0 when there is none. */
  oldestAgeSeconds: number;
};

/** A file of a week's archive as published in the store. */
export type PublishedFile = { name: string; body: Buffer };

export type ArchiveRepo = {
  /**
   * Publish a frozen week's archive files: bytes kept once by sha256, names per week. The same
   * bytes again change nothing ('unchanged'); other bytes under a published name are refused
   * ('conflict': a frozen week's archive never changes).
   */
  publish(
    week: string,
    files: readonly PublishedFile[],
    at: Date,
  ): Promise<'published' | 'unchanged' | 'conflict'>;
  /** The week's published files, each checked against its sha256; none when unpublished. */
  files(week: string): Promise<PublishedFile[]>;
};

export type LimitsRepo = {
  /**
   * Count one hit of `key` in its fixed window of `windowMs`; false when this hit is over
   * `limit`. One statement: every server on the database counts into the same row.
   */
  hit(key: string, limit: number, windowMs: number, now: Date): Promise<boolean>;
  /**
   * Mark `key` used until `until` (a one-time proof); false when it already was. One
   * statement, so two servers given the same proof at once accept it once.
   */
  spendOnce(key: string, until: Date): Promise<boolean>;
};

export type ProviderBudgetRepo = {
  /**
   * Reserve the next request slot of budget `name` (the provider's per-team rate), not before
   * `notBeforeMs` from now: one statement, so every connection gets a slot of its own, spaced
   * by the row's interval from the slot before it. `intervalMs` seeds a budget nobody has used
   * yet; after that the interval last learned (`setInterval`) holds for everyone. `lagMs`:
   * how late after its slot this taker's request may arrive (a mail worker's request goes
   * through the SDK's fetch, not written at its slot): the next slot is that much later, so
   * a late arrival never crowds a window.
   */
  take(
    name: string,
    opts: { intervalMs: number; notBeforeMs?: number; lagMs?: number },
  ): Promise<ProviderSlot>;
  /** The provider refused a request (429): no slot starts before `ms` from now, for anyone. */
  hold(name: string, ms: number, intervalMs: number): Promise<void>;
  /** The spacing every taker follows from now on, learned from the provider's headers. */
  setInterval(name: string, intervalMs: number): Promise<void>;
  /** The row as it stands (none before the first use). */
  state(name: string): Promise<ProviderBudgetState | undefined>;
};
