// Open the SQLite store: one file, WAL, a busy timeout so concurrent processes wait rather
// than fail, and migrations run on open.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BUSY_WAIT_SECONDS } from '../db-busy.ts';
import { VerdictsError } from '../errors.ts';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

/** Page cache per connection, in KiB. */
export const PAGE_CACHE_KIB = 2048;

export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file);
  } catch (e) {
    throw new VerdictsError(
      'store',
      'db_open_failed',
      `cannot open database ${file}: ${(e as Error).message}`,
    );
  }
  db.pragma('journal_mode = WAL');
  db.pragma(`busy_timeout = ${BUSY_WAIT_SECONDS * 1000}`);
  db.pragma('foreign_keys = ON');
  // Every delete and update zeroes the bytes it frees, on every connection, from the first
  // write: an erased address must not survive in a freed cell, in a page's slack (a leaf that
  // split or became interior keeps its old content otherwise) or on the freelist. Forget also
  // rewrites the whole file (VACUUM) for pages written before this was on.
  db.pragma('secure_delete = ON');
  db.pragma('synchronous = NORMAL');
  // better-sqlite3 builds SQLite with a 16 MiB page cache; freezing a 200,000-reader send fills
  // all of it with dirty pages, and the process keeps that memory to the end of the send. The
  // store's hot rows are one batch at a time, so SQLite's own default (2 MiB) is plenty.
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new VerdictsError(
      'store',
      'db_too_new',
      `database schema version ${current} is newer than this program (${MIGRATIONS.length})`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    // IMMEDIATE: two processes opening a fresh database at once must not both migrate.
    db.transaction(() => {
      const now = db.pragma('user_version', { simple: true }) as number;
      if (now > v) return;
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
