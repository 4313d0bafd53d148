// Request pacing under the provider's per-second limit. Slots are START times spaced evenly,
// so a slow response does not eat into the budget (several requests may be in flight), and a
// 429's retry-after pushes every later slot back. The limit is a sliding one-second window at
// the provider, so the spacing keeps a small margin per window: arrival jitter of a few
// milliseconds must not put one request too many into a window.

/** Slack per one-second window: the spacing is (1000 + margin) / rate ms (98% of the ceiling). */
export const PACE_MARGIN_MS = 20;

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
  /** The provider said wait: no slot starts before `at`. */
  holdUntil(at: number): void;
  readonly intervalMs: number;
};

export function createPacer(
  perSecond: number,
  clock: Clock = { now: Date.now },
  marginMs = PACE_MARGIN_MS,
): Pacer {
  const intervalMs = (1000 + marginMs) / perSecond;
  let next = 0;
  let heldUntil = 0;
  return {
    intervalMs,
    async take(signal) {
      for (;;) {
        const now = clock.now();
        const at = Math.max(now, next, heldUntil);
        // Reserve synchronously: concurrent callers get distinct, evenly spaced slots.
        next = at + intervalMs;
        await sleep(at - now, signal);
        // A 429 that arrived while we slept moves us behind the hold.
        if (heldUntil <= clock.now()) return clock.now();
      }
    },
    holdUntil(at) {
      heldUntil = Math.max(heldUntil, at);
    },
  };
}
