// What the sender takes and gives: its settings and dependencies, and the report of one run.
import type { FrozenRecipient, LedgerRepo, LedgerSummary, SendLease } from '../store/index.ts';
import type { BackoffSettings } from './backoff.ts';
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
  run: { sent: number; skipped: number; requests: number; elapsedMs: number };
  stopped: { reason: StopReason; message: string } | null;
  /** Batches the provider refused in this run, with its error. */
  failed: { batchNo: number; error: string }[];
  /** Batches held back as uncertain in this run. */
  uncertain: number[];
  /** Every recipient is submitted or skipped: the issue is sent. */
  complete: boolean;
};

export type SenderDeps = {
  ledger: LedgerRepo;
  transport: Transport;
  buildEmail: (recipient: FrozenRecipient) => OutgoingEmail;
  /** Stop taking new batches (SIGTERM); in-flight requests still finish. */
  signal: AbortSignal;
  /** The week's lease this sender holds; checked before every attempt. */
  lease?: SendLease;
  progress: Progress;
  now?: () => number;
  random?: () => number;
};

export const describeFailure = (f: TransportFailure) =>
  `${f.name}${'status' in f && f.status ? ` (${f.status})` : ''}: ${f.message}`;
