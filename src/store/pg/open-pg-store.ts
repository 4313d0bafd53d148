// Open the PostgreSQL store named by DATABASE_URL: a small pool (TLS options in the URL work:
// sslmode, sslrootcert, …), bigint and numeric parsed as JS numbers on this pool only, the
// schema migrated (or, for a command that only reads, "nothing to read" when there is none).
import pg from 'pg';
import type { Store } from '../face.ts';
import { checkNotTooNew, hasSchema, migrate, PG_MIGRATIONS, schemaStatus } from './migrations.ts';
import { asUnavailable, connectError, isPgUnavailable } from './pg-errors.ts';
import { guardStore } from './pg-guard.ts';
import { pgStore } from './pg-store.ts';

export { isPgUnavailable } from './pg-errors.ts';

const INT8 = 20;
const NUMERIC = 1700;

/** Ids are bigint and COUNT(*) is bigint: numbers here, never strings (all far below 2^53). */
function numberTypes(): pg.TypeOverrides {
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8, (v: string) => Number(v));
  types.setTypeParser(NUMERIC, (v: string) => Number(v));
  return types;
}

export async function openPgStore(
  url: string,
  secret: string,
  opts: { readOnly: boolean },
): Promise<Store | null> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 5,
    connectionTimeoutMillis: 10_000,
    types: numberTypes(),
  });
  // An idle connection the server drops must not crash the process: the next query that
  // needs a connection gets a fresh one, or the error.
  pool.on('error', () => undefined);
  // Nor may a connection the server ends while it is checked out (between two statements of a
  // unit of work, say, when the server shuts down): without a listener its 'error' event
  // would end the process with a stack trace. Its next statement fails instead, and the store
  // reports that as the server gone (db_unavailable, resumable).
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw connectError(e, url);
  }
  try {
    if (opts.readOnly && !(await hasSchema(client))) {
      client.release();
      await pool.end();
      return null;
    }
    const status = await schemaStatus(client);
    checkNotTooNew(status);
    if (status.applied < PG_MIGRATIONS.length) await migrate(client);
    client.release();
  } catch (e) {
    client.release(true);
    await pool.end().catch(() => undefined);
    throw isPgUnavailable(e) ? connectError(e, url) : e;
  }
  // A connection lost mid-command (the server stopped or restarted) is one resumable line.
  return guardStore(pgStore(pool, secret), asUnavailable(url));
}
