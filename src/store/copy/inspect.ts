// `verdicts db status` and `verdicts db migrate`: what a store is, how far its schema is, and
// how many rows each table holds, without creating or migrating anything (status); and
// migrating it, saying what this call applied (migrate).
//
// Reading a SQLite file's schema version without changing it: the store's opener migrates on
// open, so status reads `user_version` from the file's header (bytes 60-63) instead and opens
// the file only when it is current (to count rows; nothing to migrate then). A header can be
// stale while a live process's WAL holds newer pages; then the file is opened the usual way,
// which reads the true version (and, were it truly behind, migrates it as any command would).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { VerdictsError } from '../../errors.ts';
import { type Db, openDatabase } from '../db.ts';
import type { SchemaStatus, StoreKind } from '../face.ts';
import { MIGRATIONS } from '../migrations.ts';
import {
  databaseExists,
  describeTarget,
  type OpenDatabase,
  type StoreTarget,
} from '../open-store.ts';
import { MIGRATION_LOCK, migrate, PG_MIGRATIONS, schemaStatus } from '../pg/migrations.ts';
import { connectPg } from './pg-connect.ts';
import { pgTableRows, sqliteTableRows, type TableRows } from './table-rows.ts';
import { ALL_TABLES } from './tables.ts';

export type StoreState =
  /** No database there (no file; no such PostgreSQL database). */
  | 'missing'
  /** The database is there but holds no schema of ours. */
  | 'empty'
  | 'behind'
  | 'ahead'
  | 'current';

export type StoreInspection = {
  kind: StoreKind;
  /** The file, or the URL with its password as ***. */
  where: string;
  state: StoreState;
  schema: SchemaStatus;
  /** Rows per table (only when current). */
  tables: { table: string; rows: number }[];
};

export type MigrationReport = {
  kind: StoreKind;
  where: string;
  before: SchemaStatus;
  after: SchemaStatus;
  /** Migrations this call applied (0 when another process had, or none were due). */
  applied: number;
};

const stateOf = (s: SchemaStatus): StoreState =>
  s.applied === 0
    ? 'empty'
    : s.applied < s.known
      ? 'behind'
      : s.applied > s.known
        ? 'ahead'
        : 'current';

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/** A SQLite file's user_version from its header (0 for an empty file). */
function headerVersion(file: string): number {
  if (file === ':memory:' || statSync(file).size === 0) return 0;
  const header = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
    throw new VerdictsError('store', 'db_open_failed', `${file} is not a SQLite database`);
  }
  return header.readUInt32BE(60);
}

const walInUse = (file: string) => {
  try {
    return statSync(`${file}-wal`).size > 0;
  } catch {
    return false;
  }
};

async function countAll(rows: TableRows) {
  const out: { table: string; rows: number }[] = [];
  for (const table of ALL_TABLES) out.push({ table, rows: await rows.count(table) });
  return out;
}

export async function inspectStore(
  target: StoreTarget,
  opts: { openDatabase?: OpenDatabase } = {},
): Promise<StoreInspection> {
  const where = describeTarget(target);
  if (target.url) {
    const known = PG_MIGRATIONS.length;
    let conn: Awaited<ReturnType<typeof connectPg>>;
    try {
      conn = await connectPg(target.url);
    } catch (e) {
      if ((e as VerdictsError).code === 'db_missing') {
        return {
          kind: 'postgres',
          where,
          state: 'missing',
          schema: { applied: 0, known },
          tables: [],
        };
      }
      throw e;
    }
    try {
      const schema = await schemaStatus(conn.client);
      const state = stateOf(schema);
      const tables = state === 'current' ? await countAll(pgTableRows(conn.client)) : [];
      return { kind: 'postgres', where, state, schema, tables };
    } finally {
      await conn.close();
    }
  }
  const known = MIGRATIONS.length;
  if (!databaseExists(target.path)) {
    return { kind: 'sqlite', where, state: 'missing', schema: { applied: 0, known }, tables: [] };
  }
  const fromHeader = headerVersion(target.path);
  if (fromHeader > known || (fromHeader < known && !walInUse(target.path))) {
    const schema = { applied: fromHeader, known };
    return { kind: 'sqlite', where, state: stateOf(schema), schema, tables: [] };
  }
  const open: OpenDatabase = opts.openDatabase ?? openDatabase;
  let db: Db;
  try {
    db = open(target.path);
  } catch (e) {
    if ((e as VerdictsError).code === 'db_too_new') {
      // The WAL held a newer schema than the header showed.
      return {
        kind: 'sqlite',
        where,
        state: 'ahead',
        schema: { applied: known + 1, known },
        tables: [],
      };
    }
    throw e;
  }
  try {
    const schema = { applied: db.pragma('user_version', { simple: true }) as number, known };
    return {
      kind: 'sqlite',
      where,
      state: stateOf(schema),
      schema,
      tables: await countAll(sqliteTableRows(db)),
    };
  } finally {
    db.close();
  }
}

export async function migrateStore(
  target: StoreTarget,
  opts: { openDatabase?: OpenDatabase } = {},
): Promise<MigrationReport> {
  const where = describeTarget(target);
  if (target.url) {
    const conn = await connectPg(target.url);
    const { client } = conn;
    try {
      // The migration lock is held across "before" and the migration (it is re-entrant on one
      // session): of processes started together, exactly one sees the schema missing.
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        const before = await schemaStatus(client);
        const after = await migrate(client);
        return { kind: 'postgres', where, before, after, applied: after.applied - before.applied };
      } finally {
        await client
          .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK])
          .catch(() => undefined);
      }
    } finally {
      await conn.close();
    }
  }
  const known = MIGRATIONS.length;
  // From the header, as status reads it (see the top of this file); the opener then migrates.
  const before = { applied: databaseExists(target.path) ? headerVersion(target.path) : 0, known };
  const open: OpenDatabase = opts.openDatabase ?? openDatabase;
  const db = open(target.path);
  try {
    const after = { applied: db.pragma('user_version', { simple: true }) as number, known };
    return { kind: 'sqlite', where, before, after, applied: after.applied - before.applied };
  } finally {
    db.close();
  }
}
