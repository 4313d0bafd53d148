// What the sender takes and gives: its settings and dependencies, and the report of one run.
import type { SendMetrics } from '../metrics.ts';
import type {
  FrozenRecipient,
  LedgerRepo,
  LedgerSummary,
  Refusal,
  SendLease,
} from '../store/index.ts';
import type { BackoffSettings } from './backoff.ts';
import type { SharedSlots } from './pacer-face.ts';
import type { Progress } from './progress.ts';
import type { OutgoingEmail, Transport, TransportFailure } from './transport.ts';

export type SenderSettings = {
  ratePerSecond: number;
  /** A batch first attempted longer ago than this is uncertain: its key may be forgotten. */
  idempotencyWindowMs: number;
  maxInFlight: number;
  backoff: BackoffSettings;
  /** Retryable failures of one batch in one run before the run stops (resumable). */
  maxRetries: number;
  resendUncertain: boolean;
};

export type StopReason = 'aborted' | 'quota' | 'provider_unavailable' | 'auth' | 'lease_lost';

export type SendReport = {
  week: string;
  /** Prefix of this send's idempotency keys (and outbox folders). */
  sendId: string;
  summary: LedgerSummary;
  run: { sent: number; skipped: number; refused: number; requests: number; elapsedMs: number };
  stopped: { reason: StopReason; message: string } | null;
  /** Batches the provider refused in this run, with its error. */
  failed: { batchNo: number; error: string }[];
  /** Batches held back as uncertain in this run. */
  uncertain: number[];
  /** The first few recipients the provider refused (of summary.refused), with its reason. */
  refusals: Refusal[];
  /** Every recipient is submitted, skipped or refused: the issue is sent. */
  complete: boolean;
};

/** How many refused addresses a send report names; the rest are counted. */
export const REFUSALS_LISTED = 5;

export type SenderDeps = {
  ledger: LedgerRepo;
  transport: Transport;
  buildEmail: (recipient: FrozenRecipient) => OutgoingEmail;
  /** Stop taking new batches (SIGTERM); in-flight requests still finish. */
  signal: AbortSignal;
  /** The week's lease this sender holds; checked before every attempt. */
  lease?: SendLease;
  progress: Progress;
  /**
   * The request budget every process on the database shares (Resend's limit is per team):
   * each start also takes its slot there. None: this sender paces alone.
   */
  shared?: SharedSlots;
  /** Counters the process exports (429s, retries, the week in progress); none by default. */
  metrics?: SendMetrics;
  now?: () => number;
  random?: () => number;
};

export const describeFailure = (f: TransportFailure) =>
  `${f.name}${'status' in f && f.status ? ` (${f.status})` : ''}: ${f.message}`;
