// The one interface every way of sending mail implements (Resend, the local outbox). The
// sender depends on this, never on a provider. Expected failures are values, classified so
// the sender knows whether to wait, retry, stop or fail loudly.
import type { Body } from '../render/index.ts';
import type { Result } from '../result.ts';

export type OutgoingEmail = {
  from: string;
  to: string;
  subject: string;
  /** A whole string, or (from the sender) the shared segments and this reader's values. */
  html: Body;
  text: Body;
  replyTo?: string;
  /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post. */
  headers: Record<string, string>;
  tags: { name: string; value: string }[];
};

/** The provider's rate-limit headers on one answer; `resetMs`: until its oldest counted request leaves the window. */
export type RateInfo = { limit: number; remaining: number; resetMs: number };

export type TransportFailure =
  /** 429 rate limit: wait retryAfterMs, then retry the same request. */
  (
    | { kind: 'rate_limited'; retryAfterMs: number; name: string; message: string }
    /** 5xx, network error, timeout, concurrent idempotent request: retry with backoff. */
    | { kind: 'retryable'; status: number | null; name: string; message: string }
    /** Daily or monthly quota: nothing will succeed until it resets; stop the run. */
    | { kind: 'quota'; status: number; name: string; message: string }
    /** Validation, auth, idempotency mismatch: retrying cannot help; fail loudly. */
    | { kind: 'rejected'; status: number | null; name: string; message: string }
  ) & { rate?: RateInfo };

export type SendOptions = { idempotencyKey?: string; signal?: AbortSignal };

/** For batches: the sender's pacer meets the transport where the bytes go out. */
export type BatchOptions = SendOptions & {
  idempotencyKey: string;
  /** Awaited once the request is ready, just before it is written (the pacer's slot). */
  beforeWrite?: () => Promise<void>;
  /** Called when the request's bytes go out (after any TCP or TLS handshake). */
  onWrite?: () => void;
};

/** One email of a batch the provider would not take (its position in the request). */
export type BatchRefusal = { index: number; message: string };

/**
 * A batch the provider answered. Batches go out with permissive validation: the provider
 * queues the emails it accepts and refuses the others one by one, so `ids` holds, per email
 * of the request and in its order, the message id, or null where `refused` says why not.
 */
export type BatchSent = {
  ids: (string | null)[];
  refused: BatchRefusal[];
  rate?: RateInfo;
};

export interface Transport {
  readonly name: 'resend' | 'outbox';
  /** Up to 100 emails in one request; per email, its id or its refusal, in request order. */
  sendBatch(
    emails: OutgoingEmail[],
    opts: BatchOptions,
  ): Promise<Result<BatchSent, TransportFailure>>;
  sendOne(
    email: OutgoingEmail,
    opts?: SendOptions,
  ): Promise<Result<{ id: string }, TransportFailure>>;
}

export const MAX_BATCH = 100;
