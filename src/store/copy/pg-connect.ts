// A connection of the copy's own to a PostgreSQL database: bigint parsed as a JS number (as the
// store's pool does), so rows read here compare equal to SQLite's, and a failure to connect
// turned into the store's one-line error that never shows the password.
import pg from 'pg';
import { connectError } from '../pg/pg-errors.ts';

const INT8 = 20;

export type PgConnection = { client: pg.PoolClient; close(): Promise<void> };

export async function connectPg(url: string): Promise<PgConnection> {
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8, (v: string) => Number(v));
  const pool = new pg.Pool({
    connectionString: url,
    max: 1,
    connectionTimeoutMillis: 10_000,
    types,
  });
  // A connection the server drops must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw connectError(e, url);
  }
  client.on('error', () => undefined);
  let closed = false;
  return {
    client,
    async close() {
      if (closed) return;
      closed = true;
      client.release(true);
      await pool.end().catch(() => undefined);
    },
  };
}

/** Whether two postgres:// URLs name the same database on the same server. */
export function sameDatabase(a: string, b: string): boolean {
  try {
    const key = (u: URL) =>
      `${u.hostname.toLowerCase()}:${u.port || '5432'}/${decodeURIComponent(u.pathname.slice(1))}`;
    return key(new URL(a)) === key(new URL(b));
  } catch {
    return a === b;
  }
}
