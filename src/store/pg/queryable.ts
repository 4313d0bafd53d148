// What a PostgreSQL repository runs its SQL on: the pool (each statement its own transaction,
// on whichever connection is free) or one client inside a unit of work's transaction.
import pg from 'pg';

export type Queryable = pg.Pool | pg.PoolClient;

/** Rows of one statement, typed by the caller. */
export async function rows<R>(q: Queryable, text: string, params: unknown[] = []): Promise<R[]> {
  return (await q.query(text, params)).rows as R[];
}

/** The first row of one statement, or undefined. */
export async function one<R>(
  q: Queryable,
  text: string,
  params: unknown[] = [],
): Promise<R | undefined> {
  return (await q.query(text, params)).rows[0] as R | undefined;
}

/** Rows the statement changed (0 when it reports none). */
export async function changes(q: Queryable, text: string, params: unknown[] = []): Promise<number> {
  return (await q.query(text, params)).rowCount ?? 0;
}

let savepoints = 0;

/**
 * Run `fn` as one transaction. On the pool: a connection of its own, BEGIN … COMMIT. On a
 * client already inside a unit of work: a savepoint, so a throw undoes only this part (as
 * better-sqlite3's nested transactions do) and the unit's COMMIT keeps the rest.
 */
export async function inTransaction<T>(
  q: Queryable,
  fn: (c: pg.PoolClient) => Promise<T>,
): Promise<T> {
  if (!(q instanceof pg.Pool)) {
    const name = `sp_${++savepoints}`;
    await q.query(`SAVEPOINT ${name}`);
    try {
      const out = await fn(q);
      await q.query(`RELEASE SAVEPOINT ${name}`);
      return out;
    } catch (e) {
      await q.query(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => undefined);
      throw e;
    }
  }
  const client = await q.connect();
  let broken: unknown;
  try {
    await client.query('BEGIN');
    try {
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch((r: unknown) => {
        broken = r;
      });
      throw e;
    }
  } finally {
    // A connection whose ROLLBACK failed is in an unknown state: destroy it, never reuse it.
    client.release(broken instanceof Error ? broken : undefined);
  }
}

/**
 * `lower()` of a parameter as the columns fold it: every text column is COLLATE "C", whose
 * lower() folds ASCII only (as SQLite's NOCASE does). Without the COLLATE the parameter would
 * be folded by the database's default locale and could differ from the indexed side.
 */
export const lowerParam = (n: number) => `lower($${n}::text COLLATE "C")`;

const NEEDS_ESCAPE = /[\\"]/;

/**
 * A text[] parameter as its literal, `{"a","b",NULL}`: the driver's own array conversion costs
 * ~25 µs a value, which at 2,000 rows × 9 columns is most of an import chunk's time. A value
 * is only rewritten when it holds a quote or a backslash: a replace() on every value took
 * ~0.5 s of JavaScript per 100,000 import rows (11 columns), the test alone ~0.15 s.
 */
export function textArray(values: readonly (string | null | undefined)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    if (v == null) out += 'NULL';
    else out += `"${NEEDS_ESCAPE.test(v) ? v.replace(/[\\"]/g, '\\$&') : v}"`;
  }
  return `${out}}`;
}
