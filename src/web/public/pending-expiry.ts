// Sign-ups nobody confirmed are not kept: once their confirmation link has expired, a pending
// form sign-up (which anyone could have typed) is deleted with its queued mail. The sweep runs
// on the first sign-up after start and then at most once an hour per process, so a quiet site
// costs nothing and a busy one one statement an hour.
import type { PublicDepsBase } from './deps.ts';

const EVERY_MS = 3600_000;

export type PendingExpiry = {
  /** Sweep when an hour has passed since this process's last sweep; never throws. */
  due(): Promise<void>;
};

export function createPendingExpiry(
  deps: Pick<PublicDepsBase, 'hygiene' | 'limits' | 'now' | 'logger'>,
): PendingExpiry {
  let last = Number.NEGATIVE_INFINITY;
  return {
    async due() {
      const now = deps.now().getTime();
      if (now - last < EVERY_MS) return;
      last = now;
      try {
        const n = await deps.hygiene.expirePending(new Date(now - deps.limits.confirmTtlMs));
        if (n > 0) deps.logger.info('expired sign-ups deleted', { count: n });
      } catch (e) {
        deps.logger.warn('expiring sign-ups failed', { error: (e as Error).message });
      }
    },
  };
}
