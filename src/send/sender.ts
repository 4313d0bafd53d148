// The sender: walks a frozen issue's open batches in order and submits each under its
// idempotency key `<week>:<batch>`. Every state change reaches the ledger before the request
// (submitting) and after the answer (submitted / failed), so a kill at any instant resumes
// without a double send: a retried batch is rebuilt byte-identical from frozen rows and the
// provider replays the first answer. Request starts are paced; several may be in flight, each
// holding one batch's payload (≤100 emails), never the whole list.
import type { FrozenRecipient, Ledger, LedgerSummary } from '../store/index.ts';
import { type BackoffSettings, backoffMs } from './backoff.ts';
import { createPacer, sleep } from './pace.ts';
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

export type StopReason = 'aborted' | 'quota' | 'provider_unavailable' | 'auth';

export type SendReport = {
  week: string;
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
  ledger: Ledger;
  transport: Transport;
  buildEmail: (recipient: FrozenRecipient) => OutgoingEmail;
  /** Stop taking new batches (SIGTERM, lease lost); in-flight requests still finish. */
  signal: AbortSignal;
  progress: Progress;
  now?: () => number;
  random?: () => number;
};

/** Consecutive 429s one batch tolerates: beyond this something else is using the team's limit. */
const MAX_RATE_LIMITED = 30;
const AUTH_ERRORS = new Set(['invalid_api_key', 'missing_api_key', 'restricted_api_key']);

export const describeFailure = (f: TransportFailure) =>
  `${f.name}${'status' in f && f.status ? ` (${f.status})` : ''}: ${f.message}`;

export async function sendBatches(
  week: string,
  deps: SenderDeps,
  s: SenderSettings,
): Promise<SendReport> {
  const { ledger, progress } = deps;
  const now = deps.now ?? Date.now;
  const date = () => new Date(now());
  const started = now();
  const pacer = createPacer(s.ratePerSecond, { now });
  const stopper = new AbortController();
  const halt = AbortSignal.any([deps.signal, stopper.signal]);
  const report: SendReport = {
    week,
    summary: ledger.summary(week),
    run: { sent: 0, skipped: 0, requests: 0, elapsedMs: 0 },
    stopped: null,
    failed: [],
    uncertain: [],
    complete: false,
  };
  let fatal: { error: unknown } | null = null;
  let done = report.summary.sent + report.summary.skipped;
  progress.start(report.summary.recipients, done);

  const stop = (reason: StopReason, message: string) => {
    report.stopped ??= { reason, message };
    stopper.abort(new Error(message));
  };
  const insideWindow = (firstAttemptAt: string | null) =>
    firstAttemptAt === null || now() - Date.parse(firstAttemptAt) < s.idempotencyWindowMs;
  const holdBack = (batchNo: number, why: string) => {
    report.uncertain.push(batchNo);
    progress.note(
      `${week}: batch ${batchNo} is uncertain (${why}); not re-sent. Check delivery, then re-run with --resend-uncertain to send it anyway.`,
    );
  };

  /** Whether this open batch may be (re)sent now; marks it uncertain when its window passed. */
  const admit = (batchNo: number): boolean => {
    const b = ledger.batch(week, batchNo)!;
    if (b.status === 'pending') return true;
    if (b.status !== 'uncertain' && insideWindow(b.firstAttemptAt)) return true;
    if (b.status !== 'uncertain') {
      const hours = s.idempotencyWindowMs / 3_600_000;
      ledger.markUncertain(
        week,
        batchNo,
        `first attempted ${b.firstAttemptAt}, over ${hours} h ago`,
      );
    }
    if (!s.resendUncertain) {
      holdBack(batchNo, `first attempted ${b.firstAttemptAt}; its idempotency key may be gone`);
      return false;
    }
    ledger.reopenUncertain(week, batchNo, date());
    progress.note(`${week}: re-sending uncertain batch ${batchNo} as asked (--resend-uncertain)`);
    return true;
  };

  const runBatch = async (batchNo: number): Promise<void> => {
    await pacer.take(halt);
    let { batch, skipped } = ledger.startAttempt(week, batchNo, date());
    report.run.skipped += skipped;
    done += skipped;
    const recipients = ledger.queuedRecipients(week, batchNo);
    if (recipients.length === 0) {
      ledger.markSubmitted(week, batchNo, [], [], date());
      progress.update(done);
      return;
    }
    const emails = recipients.map(deps.buildEmail);
    const idempotencyKey = `${week}:${batchNo}`;
    let retries = 0;
    let limited = 0;
    for (;;) {
      report.run.requests++;
      // No abort signal: a request once started is finished (the transport's own timeout
      // bounds it), so a stop never leaves an answer unrecorded that could have been.
      const res = await deps.transport.sendBatch(emails, { idempotencyKey });
      if (res.ok) {
        const { ids } = res.value;
        ledger.markSubmitted(week, batchNo, recipients, ids, date());
        report.run.sent += recipients.length;
        done += recipients.length;
        progress.update(done);
        return;
      }
      const f = res.error;
      if (f.kind === 'quota') {
        return stop(
          'quota',
          `provider quota reached (${describeFailure(f)}); resume after it resets`,
        );
      }
      if (f.kind === 'rejected') {
        const error = describeFailure(f);
        ledger.markFailed(week, batchNo, error);
        report.failed.push({ batchNo, error });
        progress.note(`${week}: batch ${batchNo} FAILED: ${error}`);
        if (AUTH_ERRORS.has(f.name)) stop('auth', `provider refused the API key: ${error}`);
        return;
      }
      if (f.kind === 'rate_limited') {
        pacer.holdUntil(now() + f.retryAfterMs);
        if (++limited > MAX_RATE_LIMITED) {
          return stop('provider_unavailable', `still rate limited after ${limited} waits`);
        }
      } else {
        if (++retries > s.maxRetries) {
          const msg = `batch ${batchNo}: ${retries - 1} retries failed, last ${describeFailure(f)}`;
          return stop('provider_unavailable', msg);
        }
        await sleep(backoffMs(retries, s.backoff, deps.random), halt);
      }
      await pacer.take(halt);
      if (!insideWindow(batch.firstAttemptAt)) {
        ledger.markUncertain(week, batchNo, 'idempotency window closed while retrying');
        return holdBack(batchNo, 'its idempotency window closed while retrying');
      }
      ({ batch } = ledger.startAttempt(week, batchNo, date()));
    }
  };

  const inflight = new Set<Promise<void>>();
  let after = -1;
  try {
    while (!halt.aborted) {
      const next = ledger.nextOpenBatch(week, after);
      if (!next) break;
      after = next.batchNo;
      if (!admit(next.batchNo)) continue;
      while (inflight.size >= s.maxInFlight) await Promise.race(inflight);
      if (halt.aborted) break;
      const task: Promise<void> = runBatch(next.batchNo)
        .catch((error: unknown) => {
          // An abort while waiting leaves the batch as it is (resumable); anything else is a bug.
          if (halt.aborted && error === halt.reason) return;
          fatal ??= { error };
          stopper.abort(error);
        })
        .finally(() => inflight.delete(task));
      inflight.add(task);
    }
  } finally {
    await Promise.all(inflight);
    progress.stop();
  }
  if (fatal) throw (fatal as { error: unknown }).error;
  if (deps.signal.aborted && !report.stopped) {
    const reason = deps.signal.reason;
    report.stopped = {
      reason: 'aborted',
      message: reason instanceof Error ? reason.message : String(reason),
    };
  }
  report.complete = ledger.finishIfComplete(week, date());
  report.summary = ledger.summary(week);
  report.run.elapsedMs = now() - started;
  return report;
}
