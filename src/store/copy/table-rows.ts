// Reading one table in primary-key order, a page at a time (keyset paging: `WHERE key > last`,
// never OFFSET), from either engine: memory stays one page whatever the table's size. Text
// keys compare bytewise on both (SQLite's BINARY, PostgreSQL's COLLATE "C"), so both sides
// page, and hash, rows in the same order.
import type pg from 'pg';
import type { Db } from '../db.ts';
import type { TableSpec } from './tables.ts';

export type Value = string | number | Buffer | null;
export type Row = Value[];

export type TableRows = {
  /** The rows of `table` in key order, `pageSize` rows per page. */
  pages(table: TableSpec, pageSize: number): AsyncIterable<Row[]>;
  /** Rows in a table (any table of the schema). */
  count(table: string): Promise<number>;
  /** The database's own tables (not its bookkeeping: SQLite's, schema_migrations). */
  tables(): Promise<string[]>;
  /** A table's columns, in no particular order. */
  columns(table: string): Promise<string[]>;
};

const columnList = (t: TableSpec) => t.columns.map(([n]) => n).join(', ');
const keyList = (t: TableSpec) => t.key.join(', ');
const keyIndexes = (t: TableSpec) =>
  t.key.map((k) => {
    const i = t.columns.findIndex(([n]) => n === k);
    if (i < 0) throw new Error(`copy: key ${k} is not a column of ${t.name}`);
    return i;
  });

/** The page query: the first page, or the page after a key (`param(i)` names placeholder i). */
function pageSql(t: TableSpec, after: boolean, param: (i: number) => string): string {
  const where = after
    ? `WHERE (${keyList(t)}) > (${t.key.map((_, i) => param(i)).join(', ')})`
    : '';
  const limit = param(after ? t.key.length : 0);
  return `SELECT ${columnList(t)} FROM ${t.name} ${where} ORDER BY ${keyList(t)} LIMIT ${limit}`;
}

/** Rows of a SQLite database (read inside whatever transaction the caller holds). */
export function sqliteTableRows(db: Db): TableRows {
  return {
    async *pages(t, pageSize) {
      const first = db.prepare(pageSql(t, false, () => '?')).raw(true);
      const next = db.prepare(pageSql(t, true, () => '?')).raw(true);
      const keys = keyIndexes(t);
      let last: Row | undefined;
      for (;;) {
        const params = last ? [...keys.map((i) => last![i]), pageSize] : [pageSize];
        // Integers come as numbers (this connection never turns safeIntegers on).
        const page = (last ? next : first).all(...params) as Row[];
        if (page.length === 0) return;
        yield page;
        if (page.length < pageSize) return;
        last = page[page.length - 1];
      }
    },
    async count(table) {
      const r = db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
      return Number(r);
    },
    async tables() {
      return db
        .prepare(
          "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        )
        .pluck()
        .all() as string[];
    },
    async columns(table) {
      return db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[];
    },
  };
}

/** Rows of a PostgreSQL database on one client (inside the caller's transaction, if any). */
export function pgTableRows(client: pg.PoolClient | pg.Client): TableRows {
  return {
    async *pages(t, pageSize) {
      const keys = keyIndexes(t);
      let last: Row | undefined;
      for (;;) {
        const res = await client.query<Row>({
          text: pageSql(t, last !== undefined, (i) => `$${i + 1}`),
          values: last ? [...keys.map((i) => last![i]), pageSize] : [pageSize],
          rowMode: 'array',
        });
        const page = res.rows;
        if (page.length === 0) return;
        yield page;
        if (page.length < pageSize) return;
        last = page[page.length - 1];
      }
    },
    async count(table) {
      const r = await client.query<{ n: number }>(`SELECT COUNT(*)::bigint AS n FROM ${table}`);
      return Number(r.rows[0]?.n ?? 0);
    },
    async tables() {
      const r = await client.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
           AND table_name <> 'schema_migrations'
         ORDER BY 1`,
      );
      return r.rows.map((x) => x.name);
    },
    async columns(table) {
      const r = await client.query<{ name: string }>(
        `SELECT column_name AS name FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1`,
        [table],
      );
      return r.rows.map((x) => x.name);
    },
  };
}
