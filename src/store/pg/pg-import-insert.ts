// The INSERT of an import chunk's new addresses on PostgreSQL: one statement over unnest(…) of
// the chunk's columns, in the file's order (ids are given in it, as SQLite gives them row by
// row; the planner keeps unnest's ordinality order, so there is no sort). A column that holds
// one value for every row (the status, source and dates of a plain list, say) is sent once as
// a scalar instead of once a row: a plain list's chunk sends two arrays, not eleven, which
// saves a fifth of the server's time per row (parsing the array literals) and most of the
// building here.
//
// Addresses already in the table are left out by a probe, unless the table was empty when the
// import began and the import's own addresses are known in memory. A row left out draws no id
// from the sequence (ids are gapless on SQLite). The probe is a correlated subquery with LIMIT,
// not NOT EXISTS: the planner turns NOT EXISTS into a hash anti-join over the whole table (a
// seq scan per chunk, 180 ms at 100,000 rows) when the freshly filled table has no statistics
// yet; this stays an index probe. ON CONFLICT DO NOTHING covers a writer racing the import,
// except where the import holds the table against other writers (pg-import.ts): then no
// address can appear but through it, and the statement does without the speculative
// insertion (a lock, an index check and one more WAL record per row) and without the
// RETURNING that says which rows it skipped, ~40% of the server's time.
import type pg from 'pg';
import type { ImportRow } from '../import-apply.ts';
import { topicsColumn } from '../subscribers.ts';
import { textArray } from './queryable.ts';

const COLUMNS = [
  'email',
  'name',
  'status',
  'source',
  'created_at',
  'updated_at',
  'confirmed_at',
  'unsubscribed_at',
  'welcomed_at',
  'topics',
  'paused_issues',
] as const;
const PAUSED = COLUMNS.indexOf('paused_issues');

/** probe: leave out the addresses already there; racing: another writer may add one meanwhile. */
export type InsertMode = { probe: boolean; racing: boolean };

export type Insert = { text: string; values: (string | null)[]; rows: number; mode: InsertMode };

/** The INSERT of `rows` (each address once). */
export function insertOf(
  rows: readonly ImportRow[],
  scope: { stamp: string; source: string },
  mode: InsertMode,
): Insert {
  const { stamp } = scope;
  const column = () => new Array<string | null>(rows.length);
  const [email, name, status, source] = [column(), column(), column(), column()];
  const [created, updated, confirmed, unsub] = [column(), column(), column(), column()];
  const [welcomed, topics, paused] = [column(), column(), column()];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const createdAt = r.createdAt ?? stamp;
    email[i] = r.email;
    name[i] = r.name;
    status[i] = r.status;
    source[i] = r.source ?? scope.source;
    created[i] = createdAt;
    updated[i] = r.updatedAt ?? stamp;
    // Our own export says exactly which dates a row has; another tool's silence on a date is
    // filled in the way `subscribers add` would have.
    confirmed[i] = r.exact
      ? (r.confirmedAt ?? null)
      : (r.confirmedAt ?? (r.status === 'active' ? createdAt : null));
    unsub[i] = r.exact
      ? (r.unsubscribedAt ?? null)
      : (r.unsubscribedAt ?? (r.status === 'unsubscribed' ? stamp : null));
    welcomed[i] = r.welcomedAt ?? null;
    topics[i] = topicsColumn(r.topics ?? null);
    paused[i] = String(r.pausedIssues ?? 0);
  }
  const cols = [
    email,
    name,
    status,
    source,
    created,
    updated,
    confirmed,
    unsub,
    welcomed,
    topics,
    paused,
  ];
  // The addresses are always an array: the probe's answer reads them again.
  const same = cols.map((c, j) => j > 0 && c.every((x) => x === c[0]));
  return {
    text: statement(same, mode),
    values: cols.map((c, j) => (same[j] ? (c[0] ?? null) : textArray(c))),
    rows: rows.length,
    mode,
  };
}

/** The statement's answer: the ordinals (1-based) of the rows that were not inserted. */
export async function runInsert(c: pg.PoolClient, ins: Insert): Promise<number[]> {
  if (!ins.mode.probe && !ins.mode.racing) {
    const r = await c.query(ins.text, ins.values);
    if (r.rowCount !== ins.rows) {
      throw new Error(`import: ${r.rowCount} of ${ins.rows} new rows inserted`);
    }
    return [];
  }
  const r = await c.query<{ missed: number[] | null }>(ins.text, ins.values);
  return r.rows[0]?.missed ?? [];
}

const PROBE = `WHERE (SELECT 1 FROM subscribers s
       WHERE lower(s.email) = lower(u.c0 COLLATE "C") LIMIT 1) IS NULL`;

const statements = new Map<string, string>();

/** The INSERT with a scalar parameter for each column in `same`, an array for the others. */
function statement(same: readonly boolean[], mode: InsertMode): string {
  const key = `${mode.probe ? 'p' : ''}${mode.racing ? 'r' : ''}:${same.map(Number).join('')}`;
  const known = statements.get(key);
  if (known) return known;
  const arrays: string[] = [];
  const names: string[] = [];
  const select: string[] = [];
  same.forEach((s, j) => {
    const cast = j === PAUSED ? '::integer' : '';
    if (s) {
      select.push(`$${j + 1}::text${cast}`);
    } else {
      arrays.push(`$${j + 1}::text[]`);
      names.push(`c${j}`);
      select.push(`u.c${j}${cast}`);
    }
  });
  const rows = `INSERT INTO subscribers (${COLUMNS.join(', ')})
     SELECT ${select.join(', ')}
     FROM unnest(${arrays.join(', ')}) WITH ORDINALITY AS u(${names.join(', ')}, i)
     ${mode.probe ? PROBE : ''}
     ORDER BY i
     ${mode.racing ? 'ON CONFLICT ((lower(email))) DO NOTHING' : ''}`;
  // Rows may be left out: the answer is one row, the ordinals left out (NULL when none), not a
  // row per address; the addresses are read again from $1 rather than from a CTE of the input,
  // which would be materialised and sorted.
  const text =
    mode.probe || mode.racing
      ? `WITH ins AS (${rows} RETURNING lower(email) AS k)
         SELECT array_agg(x.i::integer) AS missed
         FROM unnest($1::text[]) WITH ORDINALITY AS x(e, i)
         WHERE NOT EXISTS (SELECT 1 FROM ins WHERE ins.k = lower(x.e COLLATE "C"))`
      : rows;
  statements.set(key, text);
  return text;
}
