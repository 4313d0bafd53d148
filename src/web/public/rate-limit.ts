// A fixed-window limit per client, counted in the store: every server on one database counts
// into the same row, so N servers give a client the limit once, not N times (an in-process
// Map gave N×). The store sweeps windows long gone.
import type { LimitsRepo } from '../../store/index.ts';

export type RateLimiter = {
  /** Count one request; false when the client is over the limit for this window. */
  hit(key: string, now: Date): Promise<boolean>;
};

export function createRateLimiter(
  limits: LimitsRepo,
  name: string,
  limit: number,
  windowMs: number,
): RateLimiter {
  return { hit: (key, now) => limits.hit(`${name}:${key}`, limit, windowMs, now) };
}
