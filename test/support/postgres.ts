// PostgreSQL for tests: the one server the global setup started for this run (its URL comes
// through vitest's inject, never from a .env or the shell), and a fresh database per call, so
// each test file (or test) has its own. Dropped again by `drop()`.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

// A developer's PG* settings (PGSSLMODE, PGPASSWORD, …) are defaults the driver would apply to
// every connection this worker opens, the store's included: none of them reaches a test.
for (const key of Object.keys(process.env)) if (key.startsWith('PG')) delete process.env[key];

/** The URL of database `database` (default: the server's `postgres` database). */
export function pgUrl(database = 'postgres'): string {
  const base = inject('pgBaseUrl');
  if (!base)
    throw new Error('no PostgreSQL server: test/support/global-setup.ts did not provide one');
  return `${base}/${database}`;
}

let made = 0;

/** A database nobody else uses: `verdicts_<name>_<pid>_<n>_<random>`. */
export async function freshPgDatabase(
  name = 'test',
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const clean = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .slice(0, 24);
  const db = `verdicts_${clean}_${process.pid}_${++made}_${randomBytes(3).toString('hex')}`;
  await admin(`CREATE DATABASE "${db}"`);
  let dropped = false;
  return {
    url: pgUrl(db),
    name: db,
    async drop() {
      if (dropped) return;
      dropped = true;
      // FORCE: a connection a failed test left open must not keep the database alive.
      await admin(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    },
  };
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl('postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
