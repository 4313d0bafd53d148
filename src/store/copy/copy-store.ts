// `verdicts db copy`: every table of the current store into an empty PostgreSQL database.
//
// One transaction on the target. The target is migrated first (its own transactions, under the
// migration lock), then one transaction locks every table against other writers, checks that
// all are empty, copies each table in primary-key order (pages of PAGE_ROWS rows, each page one
// multi-row `INSERT … SELECT FROM jsonb_array_elements($1)`), reads each table back in the same order and
// compares rows and checksum, moves the identity sequences past the copied ids, and commits.
// Anything that goes wrong before COMMIT (a failed insert, a lost connection, a mismatch, an
// interrupted process) rolls everything back: a half-finished copy leaves nothing, so "run it
// again" always starts from an empty target, and a non-empty target is never a partial copy of
// ours but someone's data, refused. PostgreSQL keeps a large transaction without trouble, and
// the target is unused until the copy commits.
//
// The events trigger that keeps event_readers is off for the copy (ALTER TABLE inside the same
// transaction, so a rollback undoes that too): event_readers is copied as the source counted it.
// Leases are not copied: they are locks of processes running against the source.
import { VerdictsError } from '../../errors.ts';
import { describeTarget, type OpenDatabase, type StoreTarget } from '../open-store.ts';
import { migrate } from '../pg/migrations.ts';
import { rowSerialiser, TableChecksum } from './checksum.ts';
import { connectPg, sameDatabase } from './pg-connect.ts';
import { openCopySource } from './source.ts';
import { pgTableRows, type TableRows } from './table-rows.ts';
import { ALL_TABLES, COPIED_TABLES, SKIPPED_TABLES, type TableSpec } from './tables.ts';

/** Rows per read page and per INSERT statement. */
export const PAGE_ROWS = 5000;

export type CopiedTable = {
  table: string;
  /** Rows read from the source. */
  rows: number;
  /** Rows read back from the target. */
  targetRows: number;
  /** sha256 of the source's rows in key order (see checksum.ts). */
  checksum: string;
  targetChecksum: string;
  ok: boolean;
};

export type CopyOutcome = 'copied' | 'target_not_empty' | 'mismatch' | 'failed';

export type CopyReport = {
  outcome: CopyOutcome;
  /** Where from and where to, passwords shown as ***. */
  source: string;
  target: string;
  /** Tables copied (or compared) so far, in copy order. */
  tables: CopiedTable[];
  skipped: readonly { name: string; why: string }[];
  /** target_not_empty: the tables that hold rows. */
  occupied: { table: string; rows: number }[];
  /** failed: the table being copied when it failed (null: before or after the tables) and why. */
  failure?: { table: string | null; message: string };
  rows: number;
  ms: number;
};

export type CopyOptions = {
  openDatabase?: OpenDatabase;
  /** Rows per page (tests use small pages to cross page boundaries). */
  pageRows?: number;
  /** Called after each table is copied and verified, inside the transaction (tests fail here). */
  afterTable?: (table: string) => void | Promise<void>;
  /** Aborted (SIGINT, SIGTERM): stop at the next page and roll back. */
  signal?: AbortSignal;
};

/**
 * One page as one statement: the rows' JSON lines (the checksum's, see checksum.ts) as one JSON
 * array parameter, unpacked by the server. One parameter whatever the page's size, and no
 * second serialisation of every value into an array literal.
 */
function insertSql(t: TableSpec): string {
  const columns = t.columns.map(([n]) => n).join(', ');
  const values = t.columns
    .map(([, type], i) =>
      type === 'int' ? `(r->>${i})::bigint` : type === 'bytes' ? `(r->>${i})::bytea` : `r->>${i}`,
    )
    .join(', ');
  return `INSERT INTO ${t.name} (${columns}) SELECT ${values} FROM jsonb_array_elements($1::jsonb) AS r`;
}

/**
 * A table or column added by a later migration and not named in tables.ts would be left behind
 * without a word: refuse instead, naming it.
 */
async function checkKnown(rows: TableRows, where: string): Promise<void> {
  const problems: string[] = [];
  const tables = await rows.tables();
  const unknown = tables.filter((t) => !ALL_TABLES.includes(t));
  if (unknown.length > 0) problems.push(`tables ${unknown.join(', ')}`);
  for (const t of COPIED_TABLES) {
    if (!tables.includes(t.name)) {
      problems.push(`no table ${t.name}`);
      continue;
    }
    const have = await rows.columns(t.name);
    const named = t.columns.map(([n]) => n);
    const extra = have.filter((c) => !named.includes(c));
    const missing = named.filter((c) => !have.includes(c));
    if (extra.length > 0) problems.push(`${t.name}.${extra.join(`, ${t.name}.`)}`);
    if (missing.length > 0) problems.push(`no ${t.name}.${missing.join(`, ${t.name}.`)}`);
  }
  if (problems.length > 0) {
    throw new VerdictsError(
      'store',
      'db_open_failed',
      `${where} does not have the schema this copy knows (${problems.join('; ')}): nothing copied; copy with the program that made it`,
    );
  }
}

export async function copyStore(
  source: StoreTarget,
  targetUrl: string,
  opts: CopyOptions = {},
): Promise<CopyReport> {
  const started = performance.now();
  const pageRows = opts.pageRows ?? PAGE_ROWS;
  const report: CopyReport = {
    outcome: 'copied',
    source: describeTarget(source),
    target: describeTarget({ url: targetUrl, path: '' }),
    tables: [],
    skipped: SKIPPED_TABLES,
    occupied: [],
    rows: 0,
    ms: 0,
  };
  if (!/^postgres(ql)?:\/\//.test(targetUrl)) {
    throw new VerdictsError(
      'store',
      'db_open_failed',
      `the copy's target must be a postgres:// or postgresql:// URL, not ${report.target}`,
    );
  }
  if (source.url && sameDatabase(source.url, targetUrl)) {
    throw new VerdictsError(
      'store',
      'db_open_failed',
      `the copy's target ${report.target} is the store it would copy from`,
    );
  }
  const from = await openCopySource(source, opts);
  try {
    // A table added by a later migration and not named in tables.ts would be left behind
    // silently: refuse instead.
    await checkKnown(from.rows, report.source);
    const to = await connectPg(targetUrl);
    try {
      const client = to.client;
      await migrate(client);
      await client.query('BEGIN');
      let current: string | null = null;
      try {
        // Other writers (and a second copy) wait until this one commits or rolls back.
        await client.query(`LOCK TABLE ${ALL_TABLES.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
        const target = pgTableRows(client);
        await checkKnown(target, report.target);
        for (const table of ALL_TABLES) {
          const rows = await target.count(table);
          if (rows > 0) report.occupied.push({ table, rows });
        }
        if (report.occupied.length > 0) {
          report.outcome = 'target_not_empty';
          await client.query('ROLLBACK');
          return report;
        }
        await client.query('ALTER TABLE events DISABLE TRIGGER events_count_linked');
        for (const t of COPIED_TABLES) {
          current = t.name;
          const serialise = rowSerialiser(t);
          const sql = insertSql(t);
          const sent = new TableChecksum();
          // One INSERT in flight while the next page is read and serialised.
          let inFlight: Promise<unknown> = Promise.resolve();
          for await (const page of from.rows.pages(t, t.pageRows ?? pageRows)) {
            opts.signal?.throwIfAborted();
            const lines = page.map(serialise);
            sent.addLines(lines);
            await inFlight;
            inFlight = client.query(sql, [`[${lines.join(',')}]`]);
            // Not awaited yet: a rejection is taken by the next await (never unhandled).
            inFlight.catch(() => undefined);
          }
          await inFlight;
          const back = new TableChecksum();
          for await (const page of target.pages(t, t.pageRows ?? pageRows)) {
            back.addLines(page.map(serialise));
          }
          const done: CopiedTable = {
            table: t.name,
            rows: sent.rows,
            targetRows: back.rows,
            checksum: sent.digest(),
            targetChecksum: back.digest(),
            ok: false,
          };
          done.ok = done.rows === done.targetRows && done.checksum === done.targetChecksum;
          report.tables.push(done);
          report.rows += done.rows;
          await opts.afterTable?.(t.name);
        }
        current = null;
        if (report.tables.some((t) => !t.ok)) {
          report.outcome = 'mismatch';
          await client.query('ROLLBACK');
          return report;
        }
        await client.query('ALTER TABLE events ENABLE TRIGGER events_count_linked');
        // New rows get new ids: each identity continues after the largest copied one.
        for (const t of COPIED_TABLES) {
          if (!t.identity) continue;
          await client.query(
            `SELECT setval(pg_get_serial_sequence('${t.name}', '${t.identity}'),
                           COALESCE((SELECT MAX(${t.identity}) FROM ${t.name}), 0) + 1, false)`,
          );
        }
        await client.query('COMMIT');
        return report;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        report.outcome = 'failed';
        report.failure = { table: current, message: (e as Error).message ?? String(e) };
        return report;
      }
    } finally {
      await to.close();
    }
  } finally {
    report.ms = performance.now() - started;
    await from.close();
  }
}
