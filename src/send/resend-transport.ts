// The Resend transport: the only file that imports `resend`. It maps our emails to the SDK,
// bounds every request with a timeout, and sorts the SDK's `{ error }` values into the
// TransportFailure kinds the sender acts on.
//
// Timeout: the SDK has none of its own but passes `signal` through to fetch, so a single
// email gets AbortSignal.any([caller's signal, timeout]); a batch post is destroyed from a
// plain timer (resend-batch-request.ts). Either way the answer goes through `answer` below.
// A timed-out request is `retryable`: the server may still have processed it (or may still
// be doing so), which is why the sender retries with the same idempotency key, and Resend
// answers a repeat with the first result.
// The caller's own abort (SIGINT) is not a failure of the provider: the promise rejects with
// the signal's reason, as fetch does.
//
// Batches: the body is built as bytes from the shared segments (resend-batch-body.ts),
// not by the SDK's JSON.stringify of 100 whole emails, and posted by resend-batch-request.ts
// with the SDK client's own key and User-Agent; test/send/resend-batch-body.test.ts pins that
// the bytes and headers equal what `resend.batch.send` sends. Single emails go through the SDK.
import { Resend } from 'resend';
import { bodyString } from '../render/index.ts';
import { err, ok, type Result } from '../result.ts';
import { rateInfoFrom } from './rate-headers.ts';
import { type BatchBody, batchBody } from './resend-batch-body.ts';
import {
  type BatchAnswer,
  createBatchPoster,
  type SdkError,
  type SdkResponse,
} from './resend-batch-request.ts';
import {
  type BatchOptions,
  type BatchRefusal,
  type BatchSent,
  MAX_BATCH,
  type OutgoingEmail,
  type RateInfo,
  type SendOptions,
  type Transport,
  type TransportFailure,
} from './transport.ts';

export const RESEND_API_URL = 'https://api.resend.com';
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Wait on a 429 that carries no usable retry-after. */
const DEFAULT_RETRY_AFTER_MS = 1000;

export type ResendTransportOptions = {
  apiKey: string;
  /** Default https://api.resend.com; tests point it at the local stand-in. No trailing slash. */
  baseUrl?: string;
  /** Give up on one request after this long and report it retryable. Default 30 s. */
  timeoutMs?: number;
};

/** SDK options for one email. Optional fields are left out rather than sent empty. */
export const toSdkEmail = (e: OutgoingEmail) => ({
  from: e.from,
  to: e.to,
  subject: e.subject,
  html: bodyString(e.html),
  text: bodyString(e.text),
  ...(e.replyTo ? { replyTo: e.replyTo } : {}),
  ...(Object.keys(e.headers).length > 0 ? { headers: e.headers } : {}),
  ...(e.tags.length > 0 ? { tags: e.tags } : {}),
});

export function createResendTransport(opts: ResendTransportOptions): Transport {
  // baseUrl is always given so the SDK never falls back to process.env on its own: the
  // settings in Config are the one source.
  const resend = new Resend(opts.apiKey, {
    baseUrl: (opts.baseUrl ?? RESEND_API_URL).replace(/\/+$/, ''),
  });
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const postBatch = createBatchPoster({
    baseUrl: resend.baseUrl,
    apiKey: opts.apiKey,
    userAgent: resend.userAgent,
  });

  /**
   * A single email through the SDK, bounded by the timeout. A timer cleared with the answer,
   * not AbortSignal.timeout, whose timer and signal outlive the request by the whole timeout.
   */
  async function call<T>(
    signal: AbortSignal | undefined,
    request: (signal: AbortSignal) => Promise<SdkResponse<T>>,
  ): Promise<Result<{ data: T; rate?: RateInfo }, TransportFailure>> {
    signal?.throwIfAborted();
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException('The operation timed out.', 'TimeoutError')),
      timeoutMs,
    );
    let res: SdkResponse<T>;
    try {
      res = await request(signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal);
    } finally {
      clearTimeout(timer);
    }
    return answer(res, timeout.signal.aborted, signal);
  }

  /** What one answer means for the sender (the caller's own abort rejects, as fetch does). */
  function answer<T>(
    res: SdkResponse<T>,
    timedOut: boolean,
    signal: AbortSignal | undefined,
  ): Result<{ data: T; rate?: RateInfo }, TransportFailure> {
    // Every answer says where the team stands against the rate limit: the pacer follows it.
    const rate = rateInfoFrom(res.headers);
    const withRate = rate ? { rate } : {};
    if (res.error === null && res.data !== null) return ok({ data: res.data, ...withRate });
    signal?.throwIfAborted();
    if (timedOut) {
      const message = `no answer from Resend within ${timeoutMs} ms`;
      return err({ kind: 'retryable', status: null, name: 'timeout', message });
    }
    const error = res.error ?? {
      statusCode: null,
      name: 'empty_response',
      message: 'Resend answered without data or error',
    };
    return err({ ...classifyResendError(error, res.headers), ...withRate });
  }

  async function post(
    body: BatchBody,
    idempotencyKey: string,
    signal: AbortSignal | undefined,
    slot: Pick<BatchOptions, 'beforeWrite' | 'onWrite'>,
  ): Promise<Result<BatchSent, TransportFailure>> {
    // The pacer's slot: the work of laying the body out lies before it, not between it and
    // the request's arrival.
    await slot.beforeWrite?.();
    signal?.throwIfAborted();
    const { onWrite } = slot;
    const posted = await postBatch(body, {
      idempotencyKey,
      timeoutMs,
      ...(signal ? { signal } : {}),
      ...(onWrite ? { onWrite } : {}),
    });
    const res = answer(posted.res, posted.timedOut, signal);
    if (!res.ok) return res;
    const aligned = alignBatchAnswer(res.value.data, body.count);
    if (!aligned.ok) {
      // Ids and refusals that do not add up to the request: Resend misbehaving, stop loudly.
      return err({
        kind: 'rejected',
        status: 200,
        name: 'unexpected_response',
        message: aligned.error,
      });
    }
    return ok({ ...aligned.value, ...(res.value.rate ? { rate: res.value.rate } : {}) });
  }

  return {
    name: 'resend',

    async sendBatch(emails, { idempotencyKey, signal, beforeWrite, onWrite }) {
      if (emails.length > MAX_BATCH) {
        throw new Error(`sendBatch: ${emails.length} emails, at most ${MAX_BATCH} per batch`);
      }
      if (emails.length === 0) return ok({ ids: [], refused: [] });
      // Laid out now, before the slot, and not awaited here: the emails are not kept while
      // the request waits for its slot or is out (only the body's pieces until written), so a
      // batch in flight holds little but a socket.
      return post(batchBody(emails), idempotencyKey, signal, { beforeWrite, onWrite });
    },

    async sendOne(email, sendOpts: SendOptions = {}) {
      const { idempotencyKey, signal } = sendOpts;
      const res = await call(signal, (s) =>
        resend.emails.send(toSdkEmail(email), { idempotencyKey, signal: s }),
      );
      return res.ok ? ok({ id: res.value.data.id }) : res;
    },
  };
}

/**
 * A permissive batch answer laid over the request: `data` holds the accepted emails' ids in
 * order and `errors` the refused positions, so position i gets the next id unless refused.
 * Anything that does not account for every email exactly once is an error.
 */
export function alignBatchAnswer(
  answer: BatchAnswer,
  count: number,
): Result<Omit<BatchSent, 'rate'>, string> {
  const data = Array.isArray(answer.data) ? answer.data : [];
  const refused: BatchRefusal[] = [];
  const seen = new Set<number>();
  for (const e of answer.errors ?? []) {
    const { index } = e;
    if (!Number.isInteger(index) || index < 0 || index >= count || seen.has(index)) {
      return err(`Resend refused email ${index} of a batch of ${count}`);
    }
    seen.add(index);
    refused.push({ index, message: String(e.message ?? '') });
  }
  if (data.length + refused.length !== count) {
    return err(
      `Resend returned ${data.length} ids and ${refused.length} refusals for ${count} emails`,
    );
  }
  refused.sort((a, b) => a.index - b.index);
  let next = 0;
  const ids = Array.from({ length: count }, (_, i) => (seen.has(i) ? null : data[next++]!.id));
  return ok({ ids, refused });
}

/**
 * What the sender should do about one Resend error. Quotas are 429s too but will not clear
 * by waiting seconds, so they are told apart by name before the status is looked at.
 */
export function classifyResendError(
  error: SdkError,
  headers: Record<string, string> | null,
  nowMs: number = Date.now(),
): TransportFailure {
  const { statusCode: status, name, message } = error;
  if (name === 'daily_quota_exceeded' || name === 'monthly_quota_exceeded') {
    return { kind: 'quota', status: status ?? 429, name, message };
  }
  if (name === 'rate_limit_exceeded' || status === 429) {
    return { kind: 'rate_limited', retryAfterMs: retryAfterMs(headers, nowMs), name, message };
  }
  if (status === null || status >= 500 || name === 'concurrent_idempotent_requests') {
    return { kind: 'retryable', status, name, message };
  }
  return { kind: 'rejected', status, name, message };
}

/** `retry-after` in seconds (possibly fractional) or as an HTTP date; else `ratelimit-reset`. */
export function retryAfterMs(headers: Record<string, string> | null, nowMs: number): number {
  const parse = (v: string | undefined): number | null => {
    if (v === undefined || v.trim() === '') return null;
    const seconds = Number(v);
    if (Number.isFinite(seconds)) return seconds >= 0 ? Math.ceil(seconds * 1000) : null;
    const date = Date.parse(v);
    return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
  };
  return (
    parse(headers?.['retry-after']) ?? parse(headers?.['ratelimit-reset']) ?? DEFAULT_RETRY_AFTER_MS
  );
}
