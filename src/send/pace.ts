// Request pacing under the provider's limit: at most `limit` request ARRIVALS in any sliding
// window of `windowMs`. The setting gives the first guess; every answer's rate-limit headers
// then say what the provider counts (its limit, its window, how soon its oldest counted request
// leaves the window), and the pacer follows them.
//
// Starts are spaced evenly ((window + margin) / limit), on a fixed schedule so a late timer
// does not cost throughput, and no start comes sooner than window + margin after the start
// `limit` places before it: what the provider counts, so catching up never overruns it. Two
// things keep
// arrivals inside the window although a start is not an arrival (the body still has to be
// serialised and carried, by a process the machine may be starving):
// - after an answer that says the window is full, the next start waits at least as long as
//   the provider said its oldest request needs to leave (`ratelimit-reset`, when it is given
//   finer than whole seconds): arrivals that bunched up delay that start (not the schedule);
// - a 429 waits `retry-after` and widens the margin, so one miss does not become a habit.
import type { RateInfo } from './transport.ts';

/** Slack per window before anything is learned: the spacing is (window + margin) / limit. */
export const PACE_MARGIN_MS = 12;
/** A 429 widens the margin by at least this much, up to MAX_MARGIN_MS. */
const MARGIN_STEP_MS = 8;
const MAX_MARGIN_MS = 100;
const DEFAULT_WINDOW_MS = 1000;

export type Clock = { now: () => number };

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    if (ms <= 0) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export type Pacer = {
  /** Wait for the next start slot; rejects when the signal aborts. Returns the start time. */
  take(signal?: AbortSignal): Promise<number>;
  /** The answer to the request started at `startedAt` carried these rate-limit headers. */
  observe(startedAt: number, rate: RateInfo | undefined): void;
  /** The request was refused with a 429: nothing starts for `retryAfterMs`; widen the margin. */
  limited(retryAfterMs: number, rate: RateInfo | undefined): void;
  /** No slot starts before `at`. */
  holdUntil(at: number): void;
  readonly intervalMs: number;
  readonly limit: number;
  readonly windowMs: number;
  readonly marginMs: number;
};

export type PacerOptions = {
  /** Requests per second until the provider says otherwise (RESEND_RATE_LIMIT). */
  perSecond: number;
  marginMs?: number;
};

export function createPacer(opts: PacerOptions, clock: Clock = { now: Date.now }): Pacer {
  // The setting is "per second"; a fractional one (0.5/s) is one request per two seconds.
  let limit = Math.max(1, Math.round(opts.perSecond));
  let windowMs = (DEFAULT_WINDOW_MS * limit) / opts.perSecond;
  let marginMs = opts.marginMs ?? PACE_MARGIN_MS;
  const interval = () => (windowMs + marginMs) / limit;
  // Actual start times, newest last: the sliding window the provider counts, as we can see it.
  const starts: number[] = [];
  const windowFloor = () =>
    starts.length >= limit ? starts[starts.length - limit]! + windowMs + marginMs : 0;
  let slot = Number.NEGATIVE_INFINITY;
  let heldUntil = 0;
  // What one answer said about the next arrival only: it delays that start, not the schedule.
  let nextNotBefore = 0;
  const holdUntil = (at: number) => {
    heldUntil = Math.max(heldUntil, at);
  };
  const learn = (rate: RateInfo | undefined) => {
    if (!rate) return;
    if (rate.limit >= 1 && rate.limit !== limit) {
      limit = rate.limit;
      windowMs = DEFAULT_WINDOW_MS;
    }
    // The only request in its window: its reset is the whole window.
    if (rate.remaining === rate.limit - 1 && rate.resetMs > 0) {
      windowMs = rate.resetMs;
    }
  };

  // Takers queue, so each slot is computed from the start before it.
  let queue: Promise<unknown> = Promise.resolve();
  const turn = async (signal?: AbortSignal): Promise<number> => {
    for (;;) {
      const scheduled = slot + interval();
      const at = Math.max(scheduled, windowFloor(), nextNotBefore, heldUntil, clock.now());
      // Timers may fire a millisecond early; a start is never before its slot.
      for (let t = clock.now(); t < at; t = clock.now()) await sleep(at - t, signal);
      signal?.throwIfAborted();
      // An answer or a 429 that arrived while we slept may have moved the hold past us.
      if (heldUntil <= clock.now()) {
        // A late start (a busy machine, a slow caller) keeps the schedule where it was, so
        // the next slots catch up as far as the window floor allows; a hold moves it, and so
        // does falling a whole window behind (nothing to catch up: the sender was idle).
        const behind = at - scheduled > windowMs;
        nextNotBefore = 0;
        slot = at === heldUntil || behind ? at : scheduled;
        const started = clock.now();
        starts.push(started);
        if (starts.length > 64) starts.splice(0, starts.length - 64);
        return started;
      }
    }
  };
  return {
    take(signal) {
      const mine = queue.then(() => turn(signal));
      queue = mine.catch(() => undefined);
      return mine;
    },
    observe(startedAt, rate) {
      learn(rate);
      // A full window, reported finely: the next arrival must come after its oldest leaves.
      // The start was at or before this request's arrival, so the hold errs on the late side
      // only by how much sooner the next request arrives after its start than this one did.
      if (rate && rate.remaining <= 0 && rate.resetMs % 1000 !== 0) {
        nextNotBefore = Math.max(nextNotBefore, startedAt + rate.resetMs + marginMs / 2);
      }
    },
    limited(retryAfterMs, rate) {
      learn(rate);
      // Told finely, retry-after is how early the request arrived: widen by that much (within
      // reason), so the same jitter does not miss again.
      const early = rate && rate.resetMs % 1000 !== 0 ? retryAfterMs : 0;
      marginMs = Math.min(MAX_MARGIN_MS, marginMs + Math.max(MARGIN_STEP_MS, early / 2));
      holdUntil(clock.now() + retryAfterMs);
    },
    holdUntil,
    get intervalMs() {
      return interval();
    },
    get limit() {
      return limit;
    },
    get windowMs() {
      return windowMs;
    },
    get marginMs() {
      return marginMs;
    },
  };
}
