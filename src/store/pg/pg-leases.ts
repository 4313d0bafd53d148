// Named leases on PostgreSQL. Several hosts share the database, so expiry is decided by the
// database's clock, never a caller's: acquiring is ONE conditional upsert (free, expired or
// already ours), and renewing one conditional UPDATE. The same-host dead-pid shortcut (a
// `kill -9`'d sender must not block a restart for its TTL) is a second statement, conditional
// on the exact owner the check looked at.
import { err, ok } from '../../result.ts';
import type { LeasesRepo } from '../face.ts';
import { isProcessAlive, type LeaseHolder } from '../leases.ts';
import { thisHost } from '../this-host.ts';
import { changes, one, type Queryable } from './queryable.ts';

type Row = { name: string; owner: string; host: string; pid: number; expires_at: Date };

const toHolder = (r: Row): LeaseHolder => ({
  owner: r.owner,
  host: r.host,
  pid: r.pid,
  expiresAt: r.expires_at,
});

const TTL = (n: number) => `clock_timestamp() + $${n}::bigint * interval '1 millisecond'`;

const ACQUIRE = `INSERT INTO leases AS l (name, owner, host, pid, expires_at)
   VALUES ($1, $2, $3, $4, ${TTL(5)})
   ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, host = excluded.host,
     pid = excluded.pid, expires_at = excluded.expires_at
   WHERE l.owner = excluded.owner OR l.expires_at <= clock_timestamp()
   RETURNING *`;

// Taking over from a dead process on this host: only from the very owner that was checked.
const TAKE_OVER = `UPDATE leases SET owner = $2, host = $3, pid = $4, expires_at = ${TTL(5)}
   WHERE name = $1 AND owner = $6 RETURNING *`;

export function createPgLeases(q: Queryable): LeasesRepo {
  const here = thisHost();
  const select = (name: string) => one<Row>(q, 'SELECT * FROM leases WHERE name = $1', [name]);

  return {
    async acquire(name, o) {
      const params = [name, o.owner, o.host ?? here, o.pid ?? process.pid, Math.round(o.ttlMs)];
      const got = await one<Row>(q, ACQUIRE, params);
      if (got) return ok({ name, ...toHolder(got) });
      const current = await select(name);
      // Released between the two statements: try once more (free now, or someone else's).
      if (!current) {
        const again = await one<Row>(q, ACQUIRE, params);
        if (again) return ok({ name, ...toHolder(again) });
        const holder = await select(name);
        return err({ heldBy: holder ? toHolder(holder) : null });
      }
      if (current.host === here && !isProcessAlive(current.pid)) {
        const taken = await one<Row>(q, TAKE_OVER, [...params, current.owner]);
        if (taken) return ok({ name, ...toHolder(taken) });
        const holder = await select(name);
        return err({ heldBy: holder ? toHolder(holder) : null });
      }
      return err({ heldBy: toHolder(current) });
    },

    /** A lapsed lease nobody took is still ours to renew; `lost` when someone else has it. */
    async renew(name, owner, opts) {
      const r = await one<{ expires_at: Date }>(
        q,
        `UPDATE leases SET expires_at = ${TTL(3)} WHERE name = $1 AND owner = $2 RETURNING expires_at`,
        [name, owner, Math.round(opts.ttlMs)],
      );
      return r ? ok({ expiresAt: r.expires_at }) : err('lost');
    },

    release: async (name, owner) =>
      (await changes(q, 'DELETE FROM leases WHERE name = $1 AND owner = $2', [name, owner])) === 1,

    holder: async (name) => {
      const r = await select(name);
      return r && toHolder(r);
    },
  };
}
