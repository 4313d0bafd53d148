// The PostgreSQL adapter: the store's face over a pg.Pool. Each repository operation runs on
// whichever pooled connection is free; a unit of work (`atomically`) takes one connection,
// BEGIN, the named advisory lock (held to COMMIT, so two servers counting one cap wait for
// each other), and hands the repositories over that connection to `fn`.
import type pg from 'pg';
import type { Store, StoreRepos } from '../face.ts';
import { PG_MIGRATIONS, schemaStatus } from './migrations.ts';
import { createPgArchive } from './pg-archive.ts';
import { createPgEvents } from './pg-events.ts';
import { forgetPg } from './pg-forget.ts';
import { createPgHygiene } from './pg-hygiene.ts';
import { importRowsPg } from './pg-import.ts';
import { createPgLeases } from './pg-leases.ts';
import { createPgLedger } from './pg-ledger.ts';
import { createPgLimits } from './pg-limits.ts';
import { createPgMailQueue } from './pg-mail-queue.ts';
import { createPgProviderBudget } from './pg-provider-budget.ts';
import { createPgStats } from './pg-stats.ts';
import { createPgSubscribers } from './pg-subscribers.ts';
import { createPgSuppressions } from './pg-suppressions.ts';
import { createPgVotes } from './pg-votes.ts';
import type { Queryable } from './queryable.ts';

export function pgReposOver(q: Queryable, secret: string): StoreRepos {
  return {
    subscribers: createPgSubscribers(q),
    suppressions: createPgSuppressions(q, secret),
    ledger: createPgLedger(q),
    leases: createPgLeases(q),
    events: createPgEvents(q),
    votes: createPgVotes(q),
    mailQueue: createPgMailQueue(q),
    hygiene: createPgHygiene(q),
    stats: createPgStats(q),
    archive: createPgArchive(q),
    limits: createPgLimits(q),
    providerBudget: createPgProviderBudget(q),
  };
}

export function pgStore(pool: pg.Pool, secret: string): Store {
  return {
    kind: 'postgres',
    ...pgReposOver(pool, secret),

    async atomically<T>(lock: string, fn: (tx: StoreRepos) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        try {
          await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lock]);
          const out = await fn(pgReposOver(client, secret));
          await client.query('COMMIT');
          return out;
        } catch (e) {
          await client.query('ROLLBACK').catch((r: unknown) => {
            broken = r instanceof Error ? r : new Error(String(r));
          });
          throw e;
        }
      } finally {
        client.release(broken);
      }
    },

    importRows: (rows, opts) => importRowsPg(pool, rows, { ...opts, secret }),
    forget: (email, at) => forgetPg(pool, email, { secret, at }),
    async schema() {
      const s = await schemaStatus(pool);
      return { applied: s.applied, known: PG_MIGRATIONS.length };
    },
    close: () => pool.end(),
  };
}
