// The sender: walks a frozen issue's open batches in order and submits each under its
// idempotency key `<send id>:<batch>` (the send id is random per freeze, so no other ledger on
// the same provider account can make the same key). Every state change reaches the ledger before the request
// (submitting) and after the answer (submitted / failed), so a kill at any instant resumes
// without a double send: a retried batch is rebuilt byte-identical from frozen rows and the
// provider replays the first answer. Request starts are paced; several may be in flight, each
// holding one batch's payload (≤100 emails), never the whole list. With a lease, every attempt
// first confirms this sender still holds it: one that was paused past its lease (SIGSTOP, a
// suspended VM) stops taking work instead of sending for a week another sender now owns.
import {
  type AttemptStart,
  batchKey,
  type FrozenRecipient,
  type RecipientOutcome,
} from '../store/index.ts';
import { backoffMs } from './backoff.ts';
import { createPacer } from './pace.ts';
import { sleep } from './pacer-face.ts';
import {
  describeFailure,
  REFUSALS_LISTED,
  type SenderDeps,
  type SenderSettings,
  type SendReport,
  type StopReason,
} from './sender-types.ts';
import type { BatchOptions, BatchSent } from './transport.ts';

/** Consecutive 429s one batch tolerates: beyond this something else is using the team's limit. */
const MAX_RATE_LIMITED = 30;
const AUTH_ERRORS = new Set(['invalid_api_key', 'missing_api_key', 'restricted_api_key']);

export async function sendBatches(
  week: string,
  deps: SenderDeps,
  s: SenderSettings,
): Promise<SendReport> {
  const { ledger, progress } = deps;
  const now = deps.now ?? Date.now;
  const date = () => new Date(now());
  const started = now();
  const pacer = createPacer(
    { perSecond: s.ratePerSecond, ...(deps.shared ? { shared: deps.shared } : {}) },
    { now },
  );
  const sendId = (await ledger.get(week))?.sendId;
  if (!sendId) throw new Error(`sender: ${week} is not frozen`);
  const stopper = new AbortController();
  const halt = AbortSignal.any([deps.signal, stopper.signal]);
  const report: SendReport = {
    week,
    sendId,
    summary: await ledger.summary(week),
    run: { sent: 0, skipped: 0, refused: 0, requests: 0, elapsedMs: 0 },
    stopped: null,
    failed: [],
    uncertain: [],
    refusals: [],
    complete: false,
  };
  let fatal: { error: unknown } | null = null;
  let done = report.summary.sent + report.summary.skipped + report.summary.refused;
  progress.start(report.summary.recipients, done);
  deps.metrics?.sending?.(week);

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
  const admit = async (batchNo: number): Promise<boolean> => {
    const b = (await ledger.batch(week, batchNo))!;
    if (b.status === 'pending') return true;
    if (b.status !== 'uncertain' && insideWindow(b.firstAttemptAt)) return true;
    if (b.status !== 'uncertain') {
      const hours = s.idempotencyWindowMs / 3_600_000;
      await ledger.markUncertain(
        week,
        batchNo,
        `first attempted ${b.firstAttemptAt}, over ${hours} h ago`,
      );
    }
    if (!s.resendUncertain) {
      holdBack(batchNo, `first attempted ${b.firstAttemptAt}; its idempotency key may be gone`);
      return false;
    }
    await ledger.reopenUncertain(week, batchNo, date());
    progress.note(`${week}: re-sending uncertain batch ${batchNo} as asked (--resend-uncertain)`);
    return true;
  };

  /** Another sender owns the week now (or took this batch): stop taking work, resumably. */
  const lost = (batchNo: number, why: Exclude<AttemptStart, { kind: 'started' }>) => {
    const message =
      why.kind === 'lost'
        ? `lost the lease to ${why.to}; stopping (batches in flight finish, a re-run resumes the rest)`
        : `lost the lease: batch ${batchNo} is ${why.status} by another sender; stopping`;
    progress.note(`${week}: ${message}`);
    stop('lease_lost', message);
  };

  /**
   * Starts one request for a batch, its emails built from the frozen rows (byte-identical on
   * every attempt). A plain function, so that neither rows nor emails stay reachable from
   * runBatch's suspended frame while the request is out, only the subscriber ids: what a batch
   * in flight keeps alive is what survives each young-generation collection. The rows are read
   * by `requestBatch`, whose frame is done (not suspended) once the request has started.
   */
  const request = (
    rows: FrozenRecipient[],
    idempotencyKey: string,
    slot: Pick<BatchOptions, 'beforeWrite' | 'onWrite'>,
  ) => {
    const ids = rows.map((r) => r.subscriberId);
    if (rows.length === 0) return { ids, answer: null };
    const emails = rows.map(deps.buildEmail);
    return { ids, answer: deps.transport.sendBatch(emails, { idempotencyKey, ...slot }) };
  };
  const requestBatch = async (
    batchNo: number,
    idempotencyKey: string,
    slot: Pick<BatchOptions, 'beforeWrite' | 'onWrite'>,
  ) => request(await ledger.queuedRecipients(week, batchNo), idempotencyKey, slot);

  const runBatch = async (batchNo: number): Promise<void> => {
    // The ticket comes a little before its slot: the attempt is recorded and the body built
    // in that time, and the transport writes it at the slot.
    let ticket = await pacer.take(halt);
    const first = await ledger.startAttempt(week, batchNo, date(), deps.lease);
    if (first.kind !== 'started') {
      pacer.unused(ticket);
      return lost(batchNo, first);
    }
    let { batch } = first;
    report.run.skipped += first.skipped;
    done += first.skipped;
    const idempotencyKey = batchKey(sendId, batchNo);
    let retries = 0;
    let limited = 0;
    for (;;) {
      // No abort signal: a request once started is finished (the transport's own timeout
      // bounds it), so a stop never leaves an answer unrecorded that could have been.
      const slot = ticket;
      const { ids: subscriberIds, answer } = await requestBatch(batchNo, idempotencyKey, {
        beforeWrite: () => pacer.until(slot),
        onWrite: () => pacer.wrote(slot, now()),
      });
      if (!answer) {
        // Everyone in it left before its first attempt (a retry has the same rows).
        pacer.unused(slot);
        await ledger.markSubmitted(week, batchNo, [], [], date());
        progress.update(done);
        return;
      }
      report.run.requests++;
      const res = await answer;
      if (res.ok) {
        pacer.observe(ticket, res.value.rate);
        // Addresses refused one by one are final (recorded with the provider's reason in the
        // same transaction): the batch is submitted, and a retry would be refused again.
        const outcomes = outcomesOf(res.value);
        await ledger.markSubmitted(week, batchNo, subscriberIds, outcomes, date());
        report.run.sent += subscriberIds.length - res.value.refused.length;
        report.run.refused += res.value.refused.length;
        done += subscriberIds.length;
        progress.update(done);
        return;
      }
      const f = res.error;
      if (f.kind === 'rate_limited') {
        pacer.limited(ticket, f.retryAfterMs, f.rate);
        deps.metrics?.rateLimited();
      } else pacer.observe(ticket, f.rate);
      if (f.kind === 'quota') {
        return stop(
          'quota',
          `provider quota reached (${describeFailure(f)}); resume after it resets`,
        );
      }
      if (f.kind === 'rejected') {
        const error = describeFailure(f);
        await ledger.markFailed(week, batchNo, error);
        report.failed.push({ batchNo, error });
        progress.note(`${week}: batch ${batchNo} FAILED: ${error}`);
        if (AUTH_ERRORS.has(f.name)) stop('auth', `provider refused the API key: ${error}`);
        return;
      }
      if (f.kind === 'rate_limited') {
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
      deps.metrics?.retried(f.kind);
      // A 429 did not count: its retry takes the moment the window frees, ahead of the queue.
      ticket = f.kind === 'rate_limited' ? await pacer.retake(halt) : await pacer.take(halt);
      if (!insideWindow(batch.firstAttemptAt)) {
        pacer.unused(ticket);
        await ledger.markUncertain(week, batchNo, 'idempotency window closed while retrying');
        return holdBack(batchNo, 'its idempotency window closed while retrying');
      }
      const again = await ledger.startAttempt(week, batchNo, date(), deps.lease);
      if (again.kind !== 'started') {
        pacer.unused(ticket);
        return lost(batchNo, again);
      }
      ({ batch } = again);
    }
  };

  const inflight = new Set<Promise<void>>();
  let after = -1;
  try {
    while (!halt.aborted) {
      const next = await ledger.nextOpenBatch(week, after);
      if (!next) break;
      after = next.batchNo;
      // Before admit, which may mark the batch uncertain: only the lease holder writes.
      const lostTo = deps.lease && (await ledger.leaseLostTo(deps.lease));
      if (lostTo) {
        lost(next.batchNo, { kind: 'lost', to: lostTo });
        break;
      }
      if (!(await admit(next.batchNo))) continue;
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
    deps.metrics?.sending?.(null);
  }
  if (fatal) throw (fatal as { error: unknown }).error;
  if (deps.signal.aborted && !report.stopped) {
    const reason = deps.signal.reason;
    report.stopped = {
      reason: 'aborted',
      message: reason instanceof Error ? reason.message : String(reason),
    };
  }
  report.complete = await ledger.finishIfComplete(week, date());
  report.summary = await ledger.summary(week);
  if (report.summary.refused > 0) report.refusals = await ledger.refusals(week, REFUSALS_LISTED);
  report.run.elapsedMs = now() - started;
  return report;
}

/** Per email of the request: its message id, or the provider's refusal. */
const outcomesOf = ({ ids, refused }: BatchSent): RecipientOutcome[] => {
  const why = new Map(refused.map((r) => [r.index, r.message]));
  return ids.map((id, i) => id ?? { refused: why.get(i) ?? '' });
};
