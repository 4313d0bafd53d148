// Open the store the settings name: PostgreSQL when DATABASE_URL is set, else the SQLite file
// at DATABASE_PATH. The composition root (pipeline/open-pipeline.ts) is what calls this;
// nothing else opens a database. The PostgreSQL adapter (and its driver) is loaded only when
// asked for, so a SQLite command never loads `pg`.
import { existsSync } from 'node:fs';
import type { Db } from './db.ts';
import type { Store } from './face.ts';
import { openSqliteStore } from './sqlite-store.ts';

export type StoreTarget = {
  /** postgres://… (TLS options in the URL: sslmode, sslrootcert, …); unset for SQLite. */
  url?: string | undefined;
  /** The SQLite file when there is no url. */
  path: string;
  /** Keys the suppression hashes (TOKEN_SECRET). */
  secret: string;
};

export type OpenDatabase = (file: string) => Db;

export type OpenOptions = {
  /** How a SQLite file is opened (tests count the opens). */
  openDatabase?: OpenDatabase;
  /**
   * Commands that only read: never create a database (or a schema) to learn "none". Resolves
   * to null when there is nothing to read.
   */
  readOnly?: boolean;
};

export async function openStore(
  target: StoreTarget,
  opts?: OpenOptions & { readOnly?: false },
): Promise<Store>;
export async function openStore(target: StoreTarget, opts: OpenOptions): Promise<Store | null>;
export async function openStore(
  target: StoreTarget,
  opts: OpenOptions = {},
): Promise<Store | null> {
  if (target.url) {
    const { openPgStore } = await import('./pg/open-pg-store.ts');
    return openPgStore(target.url, target.secret, { readOnly: opts.readOnly === true });
  }
  if (opts.readOnly && !databaseExists(target.path)) return null;
  return openSqliteStore(target.path, target.secret, opts.openDatabase);
}

/** Commands that only read (build, lint, preview) must not create a database to learn "none". */
export const databaseExists = (file: string) => file === ':memory:' || existsSync(file);

/** Where a store lives, for messages: the file, or the URL without its password. */
export function describeTarget(target: Pick<StoreTarget, 'url' | 'path'>): string {
  if (!target.url) return target.path;
  try {
    const u = new URL(target.url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'DATABASE_URL (not a valid URL)';
  }
}
