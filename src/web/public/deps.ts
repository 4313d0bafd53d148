// What the public server needs, injected so tests can swap the clock, the transport, the
// limits and the logger. `publicDeps` wires the real ones over the store the root opened.
import type { Config } from '../../config.ts';
import { type Category, categoriesOf, readContent } from '../../content/index.ts';
import type { Logger } from '../../log.ts';
import type { Metrics } from '../../metrics.ts';
import { mailSlots, type Transport } from '../../send/index.ts';
import type {
  ArchiveRepo,
  EventsRepo,
  HygieneRepo,
  LedgerRepo,
  LimitsRepo,
  MailKind,
  MailQueueRepo,
  QueuedMail,
  Store,
  SubscribersRepo,
  SuppressionsRepo,
  VotesRepo,
} from '../../store/index.ts';
import { composeConfirmation } from './confirm-mail.ts';
import {
  type Composed,
  createMailWorker,
  type MailWorker,
  type MailWorkerSettings,
} from './mail-worker.ts';
import { createSite } from './site.ts';
import { composeWelcome } from './welcome.ts';

export type PublicLimits = MailWorkerSettings & {
  /** POST /subscribe (and resubscribe) requests per client IP per window. */
  subscribePerWindow: number;
  windowMs: number;
  /** POST /subscribe requests per source (client IP, IPv6 by /64) per hour. */
  subscribePerSourcePerHour: number;
  /** Confirmation emails per mailbox (plus-tags and case folded) per confirmMailboxWindowMs. */
  confirmPerMailbox: number;
  confirmMailboxWindowMs: number;
  /** Confirmation emails per hour from the whole site (every process on this database). */
  confirmPerHour: number;
  /** Confirmation links work this long (links.ts confirmUrl). */
  confirmTtlMs: number;
  /** Form POST bodies; larger ones are answered 413. */
  formBodyBytes: number;
  webhookBodyBytes: number;
  requestTimeoutMs: number;
  /** /readyz answers 503 when the database has not answered within this. */
  readyTimeoutMs: number;
};

export const DEFAULT_LIMITS: PublicLimits = {
  subscribePerWindow: 5,
  windowMs: 60_000,
  subscribePerSourcePerHour: 10,
  confirmPerMailbox: 1,
  confirmMailboxWindowMs: 24 * 3600_000,
  confirmPerHour: 100,
  confirmTtlMs: 7 * 24 * 3600_000,
  formBodyBytes: 8 * 1024,
  webhookBodyBytes: 256 * 1024,
  requestTimeoutMs: 10_000,
  readyTimeoutMs: 2_000,
  pollMs: 10_000,
  staleMs: 5 * 60_000,
  maxAttempts: 8,
  retryBaseMs: 5_000,
  retryCapMs: 10 * 60_000,
};

export type PublicDepsBase = {
  config: Pick<
    Config,
    | 'PUBLIC_BASE_URL'
    | 'TOKEN_SECRET'
    | 'RESEND_WEBHOOK_SECRET'
    | 'ISSUES_DIR'
    | 'FROM_EMAIL'
    | 'REPLY_TO'
    | 'POSTAL_ADDRESS'
    | 'TRUST_PROXY'
    | 'CONFIRM_PER_MAILBOX_PER_DAY'
    | 'CONFIRM_PER_HOUR'
    | 'WELCOME_EMAIL'
    | 'SOFT_BOUNCE_LIMIT'
    | 'RESEND_RATE_LIMIT'
    | 'RESEND_SHARED_RATE'
    | 'DATA_DIR'
    | 'DATA_FILE_MAX_BYTES'
  >;
  /** Erase a reader from every table (the preference page's "erase everything"). */
  forget: Store['forget'];
  /** The categories a reader may choose as topics: those the data has. */
  categories: () => Promise<Category[]>;
  /** Several operations as one transaction (the caps, confirm, unsubscribe, webhook effects). */
  atomically: Store['atomically'];
  /** Whether the database answers with the schema this program knows (the health check). */
  schema: Store['schema'];
  subscribers: SubscribersRepo;
  events: EventsRepo;
  votes: VotesRepo;
  /** The site's own outgoing mail (confirmations, welcomes): durable, and what the caps count. */
  mailQueue: MailQueueRepo;
  /** Addresses never to mail (suppression list, forgotten readers). */
  suppressions: SuppressionsRepo;
  hygiene: HygieneRepo;
  /** Frozen weeks' archives as published by the sender: served whatever this host's disk holds. */
  archive: ArchiveRepo;
  /** Counters of the site's rate limits, shared by every server on the database. */
  rateLimits: LimitsRepo;
  /** Which weeks are public: sent (listed) or sending (reachable by link). */
  ledger: Pick<LedgerRepo, 'get' | 'sentWeeks'>;
  transport: Transport;
  now: () => Date;
  logger: Logger;
  /** Requests, webhooks, caps and the mail worker's 429s and retries (METRICS_PORT set). */
  metrics?: Metrics;
  limits: PublicLimits;
  /** Templates folder (default: the repository's templates/). */
  templatesDir?: string;
};

export type PublicDeps = PublicDepsBase & {
  /** Sends what mailQueue holds, after the answer. serve starts and stops it. */
  mail: MailWorker;
};

export type DepsOverrides = Partial<Omit<PublicDeps, 'limits'>> & {
  limits?: Partial<PublicLimits>;
};

/** The store the composition root opened, plus defaults for everything else. */
export function publicDeps(
  config: PublicDeps['config'],
  store: Store,
  transport: Transport,
  logger: Logger,
  overrides: DepsOverrides = {},
): PublicDeps {
  const { limits, mail, ...rest } = overrides;
  const base: PublicDepsBase = {
    config,
    atomically: (lock, fn) => store.atomically(lock, fn),
    schema: () => store.schema(),
    subscribers: store.subscribers,
    hygiene: store.hygiene,
    archive: store.archive,
    rateLimits: store.limits,
    events: store.events,
    votes: store.votes,
    mailQueue: store.mailQueue,
    suppressions: store.suppressions,
    ledger: store.ledger,
    forget: (email, at) => store.forget(email, at),
    categories: dataCategories(config),
    transport,
    now: () => new Date(),
    logger,
    ...rest,
    limits: {
      ...DEFAULT_LIMITS,
      confirmPerMailbox: config.CONFIRM_PER_MAILBOX_PER_DAY,
      confirmPerHour: config.CONFIRM_PER_HOUR,
      ...limits,
    },
  };
  const site = createSite(base);
  const composers: Record<MailKind, (mail: QueuedMail) => Promise<Composed>> = {
    confirm: composeConfirmation(base, site),
    welcome: composeWelcome(base, site),
  };
  const compose = (mail: QueuedMail) => composers[mail.kind](mail);
  return {
    ...base,
    mail:
      mail ??
      createMailWorker({
        ...base.limits,
        queue: base.mailQueue,
        transport: () => base.transport,
        compose,
        now: base.now,
        logger: base.logger,
        ...(base.metrics ? { metrics: base.metrics.sender('site') } : {}),
        // Resend's limit is the team's: the weekly sender and every server share it.
        ...(config.RESEND_SHARED_RATE && base.transport.name === 'resend'
          ? { slots: mailSlots(store.providerBudget, { perSecond: config.RESEND_RATE_LIMIT }) }
          : {}),
      }),
  };
}

/**
 * The data's categories, read at most once a minute: a server without data/ (or with data
 * that does not validate) offers none, and its readers can still choose "everything".
 */
function dataCategories(
  config: Pick<Config, 'DATA_DIR' | 'DATA_FILE_MAX_BYTES'>,
): () => Promise<Category[]> {
  let cached: { at: number; value: Promise<Category[]> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > 60_000) {
      cached = {
        at: Date.now(),
        value: readContent(config.DATA_DIR, { maxBytes: config.DATA_FILE_MAX_BYTES }).then(
          (r) => (r.ok ? categoriesOf(r.value.content) : []),
          () => [],
        ),
      };
    }
    return cached.value;
  };
}
