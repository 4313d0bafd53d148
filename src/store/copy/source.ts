// The store a copy reads from, whichever engine it is, as table rows inside one read
// transaction: every table is read from the same snapshot (SQLite's WAL snapshot, PostgreSQL's
// REPEATABLE READ), so a copy taken while a server still writes is consistent, if not newest.
import { VerdictsError } from '../../errors.ts';
import { type Db, openDatabase } from '../db.ts';
import type { StoreKind } from '../face.ts';
import {
  databaseExists,
  describeTarget,
  type OpenDatabase,
  type StoreTarget,
} from '../open-store.ts';
import { checkNotTooNew, hasSchema, migrate, schemaStatus } from '../pg/migrations.ts';
import { connectPg } from './pg-connect.ts';
import { pgTableRows, sqliteTableRows, type TableRows } from './table-rows.ts';

export type CopySource = {
  kind: StoreKind;
  where: string;
  rows: TableRows;
  close(): Promise<void>;
};

export async function openCopySource(
  target: StoreTarget,
  opts: { openDatabase?: OpenDatabase } = {},
): Promise<CopySource> {
  const where = describeTarget(target);
  if (target.url) {
    const conn = await connectPg(target.url);
    try {
      if (!(await hasSchema(conn.client))) {
        throw new VerdictsError('store', 'db_missing', `no schema at ${where}: nothing to copy`);
      }
      const status = await schemaStatus(conn.client);
      checkNotTooNew(status);
      if (status.applied < status.known) await migrate(conn.client);
      await conn.client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    } catch (e) {
      await conn.close();
      throw e;
    }
    return {
      kind: 'postgres',
      where,
      rows: pgTableRows(conn.client),
      async close() {
        await conn.client.query('COMMIT').catch(() => undefined);
        await conn.close();
      },
    };
  }
  if (!databaseExists(target.path)) {
    throw new VerdictsError('store', 'db_missing', `no database at ${where}: nothing to copy`);
  }
  // The store's own opener (it brings an older file's schema up to date, as any command does).
  const open: OpenDatabase = opts.openDatabase ?? openDatabase;
  const db: Db = open(target.path);
  // A deferred read transaction: the first SELECT fixes the snapshot every table is read from.
  db.exec('BEGIN');
  return {
    kind: 'sqlite',
    where,
    rows: sqliteTableRows(db),
    async close() {
      if (db.inTransaction) db.exec('COMMIT');
      db.close();
    },
  };
}
