// The `schedule` lease: at most one runner per database is active (runs slots); any other
// stands by and takes over when the lease lapses or its holder's process is gone. Lease times
// use the real clock, never the runner's (possibly fake) business clock.
import { type LeaseHolder, type LeasesRepo, newLeaseOwner } from '../store/index.ts';

export const SCHEDULE_LEASE = 'schedule';

export type ScheduleLease = {
  readonly owner: string;
  /** Take the lease if it is free, lapsed, ours, or held by a dead process on this host. */
  tryAcquire(): Promise<{ ok: true } | { ok: false; heldBy: LeaseHolder | null }>;
  /** Renew every ttl/3 while held; `onLost` when another runner has taken it meanwhile. */
  keepAlive(onLost: () => void): void;
  release(): Promise<void>;
};

export function createScheduleLease(leases: LeasesRepo, ttlMs: number): ScheduleLease {
  const owner = newLeaseOwner();
  let timer: NodeJS.Timeout | undefined;
  const stopTimer = () => {
    clearInterval(timer);
    timer = undefined;
  };
  return {
    owner,
    async tryAcquire() {
      const got = await leases.acquire(SCHEDULE_LEASE, { owner, ttlMs, now: new Date() });
      return got.ok ? { ok: true } : { ok: false, heldBy: got.error.heldBy };
    },
    keepAlive(onLost) {
      stopTimer();
      timer = setInterval(
        () => {
          // A renewal the database cannot answer now is tried again at the next tick.
          void leases
            .renew(SCHEDULE_LEASE, owner, { ttlMs, now: new Date() })
            .then((renewed) => {
              if (!renewed.ok && renewed.error === 'lost' && timer !== undefined) {
                stopTimer();
                onLost();
              }
            })
            .catch(() => undefined);
        },
        Math.max(1000, Math.floor(ttlMs / 3)),
      );
    },
    async release() {
      stopTimer();
      await leases.release(SCHEDULE_LEASE, owner);
    },
  };
}
