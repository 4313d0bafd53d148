// Capped exponential backoff with jitter for retryable failures (5xx, network, timeouts).
// "Equal jitter": half the step is fixed, half random, so retries never bunch at zero and
// several in-flight batches do not retry in lockstep.

export type BackoffSettings = { baseMs: number; capMs: number };

/** Wait before retry number `retry` (1 for the first retry). */
export function backoffMs(
  retry: number,
  { baseMs, capMs }: BackoffSettings,
  random: () => number = Math.random,
): number {
  const step = Math.min(capMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}
