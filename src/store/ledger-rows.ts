// The ledger's row shapes: what the tables hold (snake_case) and what the code sees.
export const BATCH_SIZE = 100;

export type BatchStatus = 'pending' | 'submitting' | 'submitted' | 'failed' | 'uncertain';

export type IssueSend = {
  week: string;
  /** Prefix of every idempotency key of this send: `<send id>:<batch>`. */
  sendId: string;
  contentHash: string;
  status: 'sending' | 'sent';
  recipients: number;
  batches: number;
  startedAt: string;
  finishedAt: string | null;
};

export type Batch = {
  week: string;
  batchNo: number;
  status: BatchStatus;
  attempts: number;
  firstAttemptAt: string | null;
  lastAttemptAt: string | null;
  submittedAt: string | null;
  error: string | null;
};

/** The idempotency key of one batch: unique to this send, the same on every retry and resume. */
export const batchKey = (sendId: string, batchNo: number): string => `${sendId}:${batchNo}`;

/**
 * A fresh send id: the week for people reading keys and outbox folders, then 96 random bits so
 * no other ledger can make it. (Resend allows keys up to 256 characters; these are ~34.)
 */
export const newSendId = (week: string, random: Buffer): string =>
  `${week}.${random.toString('hex')}`;

/** A recipient as frozen: the address, name and variant a retry must reuse byte for byte. */
export type FrozenRecipient = {
  subscriberId: number;
  email: string;
  name: string | null;
  /** The variant of the week's issue this reader gets; null: the full issue. */
  variant: string | null;
};

/** Why a reader was frozen without an email: paused, or no pair this week met their topics. */
export type SkipReason = 'paused' | 'no_topics';

/**
 * Where the freeze sends a reader with these topics (null: everything): the full issue
 * (`variant: null`), a variant, or nowhere this week. Called once per distinct choice.
 */
export type FreezeRoute = (
  topics: readonly string[] | null,
) => { variant: string | null } | { skip: 'no_topics' };

/** Readers of a frozen week by variant (null: full issue) or by why they were skipped. */
export type VariantCount = {
  variant: string | null;
  skipReason: SkipReason | null;
  recipients: number;
};

/** The key a reader's topics column routes by: its JSON text, `*` for everything. */
export const routeKey = (topicsColumn: string | null) => topicsColumn ?? '*';

/** The freeze's routes as JSON (`{routeKey: variant | "" | "!no_topics"}`) for the SQL to join. */
export function routesJson(
  columns: readonly (string | null)[],
  route: FreezeRoute | undefined,
  parse: (c: string | null) => string[] | null,
): string {
  const out: Record<string, string> = {};
  for (const c of columns) {
    const r = route ? route(parse(c)) : { variant: null };
    out[routeKey(c)] = 'skip' in r ? `!${r.skip}` : (r.variant ?? '');
  }
  return JSON.stringify(out);
}

/**
 * What the provider did with one recipient of a submitted batch: took it (its message id) or
 * refused that address alone (its message), while taking the rest of the batch.
 */
export type RecipientOutcome = string | { refused: string };

/** A recipient the provider refused, and why (its own words). */
export type Refusal = { subscriberId: number; email: string; message: string };

export type LedgerSummary = {
  recipients: number;
  sent: number;
  skipped: number;
  /** Refused by the provider alone, in a batch it otherwise took: final, never re-sent. */
  refused: number;
  /** Still queued, by the state of their batch. */
  pending: number;
  failed: number;
  uncertain: number;
  batches: Record<BatchStatus, number>;
};

export type SendRow = {
  week: string;
  send_id: string;
  content_hash: string;
  status: 'sending' | 'sent';
  recipients: number;
  batches: number;
  started_at: string;
  finished_at: string | null;
};
export type BatchRow = {
  week: string;
  batch_no: number;
  status: BatchStatus;
  attempts: number;
  first_attempt_at: string | null;
  last_attempt_at: string | null;
  submitted_at: string | null;
  error: string | null;
};

export const toSend = (r: SendRow): IssueSend => ({
  week: r.week,
  sendId: r.send_id,
  contentHash: r.content_hash,
  status: r.status,
  recipients: r.recipients,
  batches: r.batches,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});
export const toBatch = (r: BatchRow): Batch => ({
  week: r.week,
  batchNo: r.batch_no,
  status: r.status,
  attempts: r.attempts,
  firstAttemptAt: r.first_attempt_at,
  lastAttemptAt: r.last_attempt_at,
  submittedAt: r.submitted_at,
  error: r.error,
});

/** Recipient counts by (recipient status, batch status), and batch counts, as a summary. */
export function summarise(
  recipients: readonly { status: string; batch: BatchStatus; n: number }[],
  batches: readonly { status: BatchStatus; n: number }[],
): LedgerSummary {
  const out: LedgerSummary = {
    recipients: 0,
    sent: 0,
    skipped: 0,
    refused: 0,
    pending: 0,
    failed: 0,
    uncertain: 0,
    batches: { pending: 0, submitting: 0, submitted: 0, failed: 0, uncertain: 0 },
  };
  for (const { status, batch, n } of recipients) {
    out.recipients += n;
    if (status === 'sent') out.sent += n;
    else if (status === 'skipped') out.skipped += n;
    else if (status === 'refused') out.refused += n;
    else if (batch === 'failed') out.failed += n;
    else if (batch === 'uncertain') out.uncertain += n;
    else out.pending += n;
  }
  for (const { status, n } of batches) out.batches[status] = n;
  return out;
}

/** A week's state in the send ledger: never frozen, frozen and not finished, or complete. */
export type WeekState = 'unsent' | 'sending' | 'sent';

export const weekState = (send: IssueSend | null | undefined): WeekState =>
  send ? (send.status === 'sent' ? 'sent' : 'sending') : 'unsent';
