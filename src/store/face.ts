// The store's face: what every job, command and server may ask of the database, declared once
// and implemented by two adapters (sqlite-store.ts over better-sqlite3, pg/ over PostgreSQL).
// Everything is async, because a shared server answers over the network; nothing here hands
// out a connection, a statement or SQL. A unit of work (`atomically`) is the one way to make
// several operations one transaction, and it names the lock it needs: SQLite's IMMEDIATE
// transaction already excludes every other writer, PostgreSQL takes that advisory lock.
// What the public servers ask beyond the list (events, votes, mail queue, published archive,
// limits, the provider's budget) is declared in face-site.ts.
import type { IssueFigures } from '../report/index.ts';
import type { Result } from '../result.ts';
import type { EventLink } from './events.ts';
import type {
  ArchiveRepo,
  EventsRepo,
  LimitsRepo,
  MailQueueRepo,
  ProviderBudgetRepo,
  VotesRepo,
} from './face-site.ts';
import type { ForgetProblem, ForgetReport } from './forget.ts';
import type { ApplyCounts, ImportRow } from './import-apply.ts';
import type { RejectedRow } from './import-csv.ts';
import type { ImportStatus } from './import-formats.ts';
import type { AcquireOptions, Lease, LeaseHolder } from './leases.ts';
import type { AttemptStart, SendLease } from './ledger.ts';
import type {
  Batch,
  FreezeRoute,
  FrozenRecipient,
  IssueSend,
  LedgerSummary,
  RecipientOutcome,
  Refusal,
  VariantCount,
} from './ledger-rows.ts';
import type { SubscriberChange } from './list-hygiene.ts';
import type {
  AddOptions,
  ReaderHistory,
  RemoveOutcome,
  Subscriber,
  SubscriberStatus,
  TopicChoices,
} from './subscribers.ts';
import type { SuppressionReason, SuppressionRow } from './suppressions.ts';

export type SubscribersRepo = {
  add(email: string, opts: AddOptions): Promise<Result<Subscriber, 'exists' | 'invalid_email'>>;
  getById(id: number): Promise<Subscriber | undefined>;
  getByEmail(email: string): Promise<Subscriber | undefined>;
  /** The name as the reader gave it (cleaned as every name is), or none. */
  setName(id: number, name: string | null, now: Date): Promise<Subscriber | undefined>;
  /** The categories the reader wants pairs of (null: everything, later ones too). */
  setTopics(
    id: number,
    topics: readonly string[] | null,
    now: Date,
  ): Promise<Result<Subscriber, 'invalid_topics' | 'not_found'>>;
  /** Skip the next `issues` issues (1–52), counted down by each freeze; replaces a running pause. */
  pause(
    id: number,
    issues: number,
    now: Date,
  ): Promise<Result<Subscriber, 'invalid_pause' | 'not_found'>>;
  /** The reader's issues, votes and mail events (their data export); undefined: no reader. */
  history(id: number): Promise<ReaderHistory | undefined>;
  /** The active list's topic choices (everything, per topic, paused). */
  topicChoices(): Promise<TopicChoices>;
  /** End a pause early. */
  resume(id: number, now: Date): Promise<Subscriber | undefined>;
  /** Change a status (stamping confirmed/unsubscribed); the same status changes nothing. */
  setStatus(id: number, status: SubscriberStatus, now: Date): Promise<Subscriber | undefined>;
  /** Every subscriber (or one status) in id order, a page at a time: flat memory. */
  list(opts?: { status?: SubscriberStatus }): AsyncIterable<Subscriber>;
  /** Delete an address with no history; otherwise only mark it unsubscribed. */
  remove(email: string, now: Date): Promise<RemoveOutcome>;
  countByStatus(): Promise<Record<SubscriberStatus, number>>;
  markConfirmSent(id: number, now: Date): Promise<void>;
  /** The once-per-reader welcome: true for exactly one caller per active subscriber. */
  claimWelcome(id: number, at: Date): Promise<boolean>;
  releaseWelcome(id: number, claimedAt: Date): Promise<void>;
};

export type SuppressionsRepo = {
  /** The keyed hash an address is suppressed or forgotten under. */
  hash(email: string): string;
  has(email: string): Promise<boolean>;
  reasonFor(email: string): Promise<SuppressionReason | undefined>;
  suppress(email: string, source: string, at: Date): Promise<'added' | 'kept'>;
  forget(
    emailOrHash: { email: string } | { hash: string },
    source: string,
    at: Date,
  ): Promise<void>;
  list(reason: SuppressionReason): AsyncIterable<SuppressionRow>;
  counts(): Promise<Record<SuppressionReason, number>>;
};

export type FreezeOutcome = Result<{ send: IssueSend; resumed: boolean }, { frozenHash: string }>;

export type LedgerRepo = {
  get(week: string): Promise<IssueSend | undefined>;
  isFrozen(week: string): Promise<boolean>;
  /** Weeks whose send finished, newest first. */
  sentWeeks(): Promise<string[]>;
  /**
   * Freeze the active subscribers (one statement), or return the existing freeze. `route`
   * says where each distinct topic choice goes this week (default: everyone the full issue);
   * paused readers are frozen skipped (`paused`) and their pause counts one issue down.
   */
  freeze(
    week: string,
    contentHash: string,
    now: Date,
    sendId?: string,
    route?: FreezeRoute,
  ): Promise<FreezeOutcome>;
  /** Readers of a frozen week by variant (null: full issue), and the skipped by reason. */
  variants(week: string): Promise<VariantCount[]>;
  batch(week: string, batchNo: number): Promise<Batch | undefined>;
  /** The first batch after `afterBatchNo` that is not submitted (-1 for the first). */
  nextOpenBatch(week: string, afterBatchNo: number): Promise<Batch | undefined>;
  /** Record an attempt, conditional on the state it leaves and on the lease. */
  startAttempt(week: string, batchNo: number, now: Date, lease?: SendLease): Promise<AttemptStart>;
  leaseLostTo(lease: SendLease): Promise<string | null>;
  /** The batch's queued recipients in subscriber order: its payload, ≤ 100 rows. */
  queuedRecipients(week: string, batchNo: number): Promise<FrozenRecipient[]>;
  /**
   * The batch submitted and, per recipient in the order of `subscriberIds`, its message id or
   * the provider's refusal, in one transaction (one statement for the recipients). Only from
   * submitting: a repeat (a retry the provider replayed, a late answer) changes nothing.
   */
  markSubmitted(
    week: string,
    batchNo: number,
    subscriberIds: readonly number[],
    outcomes: readonly RecipientOutcome[],
    now: Date,
  ): Promise<void>;
  /** The first `limit` recipients the provider refused, with its message, in subscriber order. */
  refusals(week: string, limit: number): Promise<Refusal[]>;
  markFailed(week: string, batchNo: number, error: string): Promise<void>;
  markUncertain(week: string, batchNo: number, reason: string): Promise<void>;
  reopenUncertain(week: string, batchNo: number, now: Date): Promise<boolean>;
  finishIfComplete(week: string, now: Date): Promise<boolean>;
  summary(week: string): Promise<LedgerSummary>;
};

export type LeasesRepo = {
  /** `heldBy: null`: the database stayed locked, so the holder could not be read. */
  acquire(
    name: string,
    opts: AcquireOptions,
  ): Promise<Result<Lease, { heldBy: LeaseHolder | null }>>;
  renew(
    name: string,
    owner: string,
    opts: { ttlMs: number; now: Date },
  ): Promise<Result<{ expiresAt: Date }, 'lost' | 'locked'>>;
  release(name: string, owner: string): Promise<boolean>;
  holder(name: string): Promise<LeaseHolder | undefined>;
};

export type HygieneRepo = {
  recordChange(week: string, id: number, change: SubscriberChange, now: Date): Promise<boolean>;
  applySoftBounceRule(
    week: string,
    subscriberId: number,
    limit: number,
    now: Date,
  ): Promise<boolean>;
  /**
   * Delete form sign-ups never confirmed, made and last mailed before `before` (their link has
   * expired), with their queued mail; how many. Nothing with a send or a vote goes.
   */
  expirePending(before: Date): Promise<number>;
};

export type StatsRepo = {
  /** Figures of one week, or of every week with a send (`week` undefined). */
  figures(week?: string): Promise<IssueFigures>;
};

/** What a unit of work sees: the repositories, inside one transaction. */
export type StoreRepos = {
  subscribers: SubscribersRepo;
  suppressions: SuppressionsRepo;
  ledger: LedgerRepo;
  leases: LeasesRepo;
  events: EventsRepo;
  votes: VotesRepo;
  mailQueue: MailQueueRepo;
  hygiene: HygieneRepo;
  stats: StatsRepo;
  archive: ArchiveRepo;
  limits: LimitsRepo;
  providerBudget: ProviderBudgetRepo;
};

/** Import rows: all at once, or chunks in file order (flat memory for any file size). */
export type ImportInput = readonly ImportRow[] | AsyncIterable<readonly ImportRow[]>;

export type ImportApplied = {
  counts: Partial<Record<ImportStatus, ApplyCounts>>;
  refused: RejectedRow[];
};

export type SchemaStatus = {
  /** Migrations this database has applied. */
  applied: number;
  /** Migrations this program knows. */
  known: number;
};

export type StoreKind = 'sqlite' | 'postgres';

export type Store = StoreRepos & {
  readonly kind: StoreKind;
  /**
   * Run `fn` as one transaction. `lock` names what it must exclude: on PostgreSQL an advisory
   * lock held to commit (two servers counting one cap wait for each other); SQLite's IMMEDIATE
   * transaction excludes every writer anyway.
   */
  atomically<T>(lock: string, fn: (tx: StoreRepos) => Promise<T>): Promise<T>;
  /**
   * Apply validated import rows in one transaction (status only tightens): a list, or chunks
   * as they come (a streamed file), every chunk in the same transaction. Nothing is committed
   * unless all of them applied: an error, including one thrown by the chunks' source (a
   * signal, a file that changed), rolls the whole import back. While it runs, this process's
   * other operations on the store wait, as behind `atomically`.
   */
  importRows(rows: ImportInput, opts: { at: Date; source: string }): Promise<ImportApplied>;
  /** Erase an address from every table, keeping only its keyed hash. */
  forget(email: string, at: Date): Promise<Result<ForgetReport, ForgetProblem>>;
  /** The database answers and its schema is the one this program knows. */
  schema(): Promise<SchemaStatus>;
  close(): Promise<void>;
};

export type * from './face-site.ts';
export type { EventLink };
