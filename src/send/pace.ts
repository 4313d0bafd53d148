// Request pacing under the provider's per-second limit. Slots are START times spaced evenly,
// so a slow response does not eat into the budget (several requests may be in flight), and a
// 429's retry-after pushes every later slot back. The limit is a sliding one-second window at
// the provider, so the spacing keeps a small margin per window: arrival jitter of a few
// milliseconds must not put one request too many into a window.

/** Slack per one-second window: the spacing is (1000 + margin) / rate ms (96% of the ceiling). */
export const PACE_MARGIN_MS = 40;

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
  // Slots follow a fixed schedule, so a late timer does not cost throughput. A start may run
  // at most `slackMs` ahead of "previous actual start + interval" to catch up, so overdue slots
  // never go out as a burst: any `perSecond` consecutive gaps still span 1000 + margin / 2 ms.
  const slackMs = marginMs / (2 * perSecond);
  let slot = Number.NEGATIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let heldUntil = 0;
  // Takers queue, so each slot is computed from the start before it.
  let queue: Promise<unknown> = Promise.resolve();
  const turn = async (signal?: AbortSignal): Promise<number> => {
    for (;;) {
      const at = Math.max(slot + intervalMs, last + intervalMs - slackMs, heldUntil, clock.now());
      // Timers may fire a millisecond early; a start is never before its slot.
      for (let t = clock.now(); t < at; t = clock.now()) await sleep(at - t, signal);
      signal?.throwIfAborted();
      // A 429 that arrived while we slept moves us behind the hold.
      if (heldUntil <= clock.now()) {
        slot = at;
        last = clock.now();
        return last;
      }
    }
  };
  return {
    intervalMs,
    take(signal) {
      const mine = queue.then(() => turn(signal));
      queue = mine.catch(() => undefined);
      return mine;
    },
    holdUntil(at) {
      heldUntil = Math.max(heldUntil, at);
    },
  };
}
