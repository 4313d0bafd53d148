// Named leases in SQLite: at most one holder per name (an issue's send, the scheduler) across
// processes sharing the database file. A lease is taken when it is free, expired, already
// ours, or held by a process on this host that no longer exists: a `kill -9`'d sender must not
// block a restart until its TTL runs out.
import { randomBytes } from 'node:crypto';
import { isDatabaseBusy } from '../db-busy.ts';
import { err, ok, type Result } from '../result.ts';
import type { Db } from './db.ts';
import { hostLabel, thisHost } from './this-host.ts';

export type LeaseHolder = { owner: string; host: string; pid: number; expiresAt: Date };
export type Lease = LeaseHolder & { name: string };

export type AcquireOptions = {
  owner: string;
  ttlMs: number;
  now: Date;
  /** Default: this machine and this process; tests may pretend to be elsewhere. */
  host?: string;
  pid?: number;
};

type Row = { name: string; owner: string; host: string; pid: number; expires_at: number };

/** `${hostname}:${pid}:${random}`: unique per acquisition, readable in a "held by" message. */
export const newLeaseOwner = (): string =>
  `${hostLabel(thisHost())}:${process.pid}:${randomBytes(4).toString('hex')}`;

/**
 * Whether a process with this pid exists on this machine. EPERM means it exists but belongs
 * to someone else. A reused pid reads as alive: the safe direction (we wait for the TTL).
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

const toHolder = (r: Row): LeaseHolder => ({
  owner: r.owner,
  host: r.host,
  pid: r.pid,
  expiresAt: new Date(r.expires_at),
});

export function createLeases(db: Db) {
  const select = db.prepare<[string], Row>('SELECT * FROM leases WHERE name = ?');
  const upsert = db.prepare<[string, string, string, number, number]>(
    `INSERT INTO leases (name, owner, host, pid, expires_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, host = excluded.host,
       pid = excluded.pid, expires_at = excluded.expires_at`,
  );
  const extend = db.prepare<[number, string, string]>(
    'UPDATE leases SET expires_at = ? WHERE name = ? AND owner = ?',
  );
  const remove = db.prepare<[string, string]>('DELETE FROM leases WHERE name = ? AND owner = ?');

  const here = thisHost();
  const isStale = (r: Row, now: number): boolean =>
    r.expires_at <= now || (r.host === here && !isProcessAlive(r.pid));

  // The pid check needs JavaScript between the read and the write, so this is a transaction
  // rather than one conditional upsert. IMMEDIATE takes the write lock before the read: two
  // processes cannot both see the lease free (a deferred one would fail to upgrade instead).
  const take = db.transaction(
    (name: string, o: AcquireOptions): Result<Lease, { heldBy: LeaseHolder }> => {
      const now = o.now.getTime();
      const current = select.get(name);
      if (current && current.owner !== o.owner && !isStale(current, now)) {
        return err({ heldBy: toHolder(current) });
      }
      const lease: Row = {
        name,
        owner: o.owner,
        host: o.host ?? here,
        pid: o.pid ?? process.pid,
        expires_at: now + o.ttlMs,
      };
      upsert.run(lease.name, lease.owner, lease.host, lease.pid, lease.expires_at);
      return ok({ name, ...toHolder(lease) });
    },
  );

  return {
    /**
     * `heldBy: null`: the database itself stayed locked (another process paused or stuck
     * inside a write), so who holds the lease cannot even be read. Busy all the same.
     */
    acquire(name: string, opts: AcquireOptions): Result<Lease, { heldBy: LeaseHolder | null }> {
      try {
        return take.immediate(name, opts);
      } catch (e) {
        if (isDatabaseBusy(e)) return err({ heldBy: null });
        throw e;
      }
    },

    /**
     * Push the expiry on. `lost`: someone else has taken the lease (after ours expired), and
     * the caller must stop. `locked`: the database stayed locked; try again later. A lapsed
     * lease nobody took is still ours to renew.
     */
    renew(
      name: string,
      owner: string,
      opts: { ttlMs: number; now: Date },
    ): Result<{ expiresAt: Date }, 'lost' | 'locked'> {
      const expiresAt = opts.now.getTime() + opts.ttlMs;
      try {
        return extend.run(expiresAt, name, owner).changes === 1
          ? ok({ expiresAt: new Date(expiresAt) })
          : err('lost');
      } catch (e) {
        // Not renewed this time; the next renewal (a third of the TTL on) tries again.
        if (isDatabaseBusy(e)) return err('locked');
        throw e;
      }
    },

    /** True when we held it; releasing someone else's lease does nothing. */
    release(name: string, owner: string): boolean {
      return remove.run(name, owner).changes === 1;
    },

    /** The current holder, stale or not (for status output). */
    holder(name: string): LeaseHolder | undefined {
      const r = select.get(name);
      return r && toHolder(r);
    },
  };
}

export type Leases = ReturnType<typeof createLeases>;
