// What the public server needs, injected so tests can swap the clock, the transport, the
// limits and the logger. `openPublicDeps` wires the real ones from the settings.
import type { Config } from '../../config.ts';
import type { Logger } from '../../log.ts';
import type { Transport } from '../../send/index.ts';
import {
  createSuppressions,
  type Db,
  type Events,
  type Ledger,
  type Store,
  type Subscribers,
  type Suppressions,
  type Votes,
} from '../../store/index.ts';

export type PublicLimits = {
  /** POST /subscribe (and resubscribe) requests per client IP per window. */
  subscribePerWindow: number;
  windowMs: number;
  /** A pending address gets at most one confirmation email per this interval. */
  confirmCooldownMs: number;
  /** Confirmation links work this long (links.ts confirmUrl). */
  confirmTtlMs: number;
  /** Form POST bodies; larger ones are answered 413. */
  formBodyBytes: number;
  webhookBodyBytes: number;
  requestTimeoutMs: number;
};

export const DEFAULT_LIMITS: PublicLimits = {
  subscribePerWindow: 5,
  windowMs: 60_000,
  confirmCooldownMs: 10 * 60_000,
  confirmTtlMs: 7 * 24 * 3600_000,
  formBodyBytes: 8 * 1024,
  webhookBodyBytes: 256 * 1024,
  requestTimeoutMs: 10_000,
};

export type PublicDeps = {
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
    | 'WELCOME_EMAIL'
  >;
  db: Db;
  subscribers: Subscribers;
  events: Events;
  votes: Votes;
  /** Addresses never to mail (suppression list, forgotten readers). */
  suppressions: Suppressions;
  /** Which weeks are public: sent (listed) or sending (reachable by link). */
  ledger: Pick<Ledger, 'get' | 'sentWeeks'>;
  transport: Transport;
  now: () => Date;
  logger: Logger;
  limits: PublicLimits;
  /** Templates folder (default: the repository's templates/). */
  templatesDir?: string;
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
  const { limits, ...rest } = overrides;
  return {
    config,
    db: store.db,
    subscribers: store.subscribers,
    events: store.events,
    votes: store.votes,
    suppressions: createSuppressions(store.db, config.TOKEN_SECRET),
    ledger: store.ledger,
    transport,
    now: () => new Date(),
    logger,
    ...rest,
    limits: { ...DEFAULT_LIMITS, ...limits },
  };
}
