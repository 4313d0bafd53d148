// One chunk of ordinary import rows (no `suppressed`/`forgotten` among them) on PostgreSQL, in
// two steps so that a chunk's INSERT runs on the server while the next chunk is read and
// prepared here: prepare (JavaScript only: keys, refusals, the INSERT, pg-import-insert.ts), then
// finish (the INSERT's answer, a lookup of the addresses that were already there, one UPDATE
// for the statuses that tighten, and the counts). The rules are import-apply.ts's.
import type pg from 'pg';
import { type ApplyCounts, type ImportRow, RANK } from '../import-apply.ts';
import type { SubscriberStatus } from '../subscribers.ts';
import type { SuppressionReason } from '../suppressions.ts';
import { type Insert, insertOf, runInsert } from './pg-import-insert.ts';
import { changes, rows, textArray } from './queryable.ts';

export type Outcome = keyof ApplyCounts;

// A LATERAL probe per address, not `= ANY(…)`, which the planner may turn into a seq scan of a
// freshly filled table with no statistics yet.
const EXISTING = `SELECT s.id, u.k, s.status FROM unnest($1::text[]) AS u(k)
   CROSS JOIN LATERAL (SELECT id, status FROM subscribers
     WHERE lower(email) = u.k COLLATE "C" AND forgotten_at IS NULL LIMIT 1) AS s`;

// Each id once per chunk (collapsed here): the status the last tightening row gave it, and
// unsubscribed_at when one of them was an unsubscribe (rank rises, so at most one).
const TIGHTEN = `UPDATE subscribers s SET status = u.status, updated_at = $4::text,
     unsubscribed_at = COALESCE(u.unsub_at, s.unsubscribed_at)
   FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, status, unsub_at)
   WHERE s.id = u.id`;

/** lower() as the "C" columns apply it: ASCII letters only (SQLite's NOCASE). */
export const foldKey = (email: string) => email.replace(/[A-Z]+/g, (s) => s.toLowerCase());

/** What a chunk needs from the import around it. */
export type ChunkScope = {
  stamp: string;
  source: string;
  /** Addresses this import has inserted (or tried to) so far; null: the table had rows. */
  fresh: Set<string> | null;
  /** Whether the import holds the table against other writers. */
  locked: boolean;
};

// A row's state in its chunk: in the INSERT, left for the lookup, or refused.
const LOOKUP = 0;
const INSERTED = 1;
const REFUSED = 2;

export type Prepared = {
  part: readonly ImportRow[];
  keys: string[];
  state: Uint8Array;
  why: readonly (SuppressionReason | undefined)[] | undefined;
  /** Row index of each INSERT ordinal (1-based ordinal i is row `inserted[i - 1]`). */
  inserted: number[];
  insert: Insert | undefined;
};

/** The INSERT's parameters for a chunk; `why` marks the rows refused by the suppression list. */
export function prepareChunk(
  part: readonly ImportRow[],
  why: readonly (SuppressionReason | undefined)[] | undefined,
  scope: ChunkScope,
): Prepared {
  const { fresh } = scope;
  const keys = new Array<string>(part.length);
  const state = new Uint8Array(part.length);
  // In a fresh import the addresses inserted so far are in `fresh`; else those of this chunk.
  const seen = fresh ?? new Set<string>();
  const inserted: number[] = [];
  const adds: ImportRow[] = [];
  for (let i = 0; i < part.length; i++) {
    const r = part[i]!;
    const k = foldKey(r.email);
    keys[i] = k;
    if (why?.[i]) {
      state[i] = REFUSED;
      continue;
    }
    // The first row of each address goes in the insert; later ones (in this chunk, or in an
    // earlier chunk of a fresh import) are conflicts, looked up after it.
    if (seen.has(k)) continue;
    seen.add(k);
    state[i] = INSERTED;
    inserted.push(i);
    adds.push(r);
  }
  const mode = { probe: fresh === null, racing: !scope.locked };
  const insert = adds.length > 0 ? insertOf(adds, scope, mode) : undefined;
  return { part, keys, state, why, inserted, insert };
}

/**
 * The chunk's INSERT, sent now and awaited by finishChunk: the INSERT ordinals (1-based) that
 * were not inserted. Undefined when every row of the chunk was already there.
 */
export function sendChunk(c: pg.PoolClient, p: Prepared): Promise<number[]> | undefined {
  if (!p.insert) return undefined;
  const sent = runInsert(c, p.insert);
  // Awaited by finishChunk; until then a failure must not count as unhandled.
  sent.catch(() => undefined);
  return sent;
}

type Known = { id: number; k: string; status: SubscriberStatus };

/** The chunk's outcome per row (in order), once its INSERT answered. */
export async function finishChunk(
  c: pg.PoolClient,
  p: Prepared,
  sent: ReturnType<typeof sendChunk>,
  stamp: string,
): Promise<Outcome[]> {
  for (const ordinal of (await sent) ?? []) p.state[p.inserted[ordinal - 1]!] = LOOKUP;
  const lookup = new Set<string>();
  for (let i = 0; i < p.part.length; i++) if (p.state[i] === LOOKUP) lookup.add(p.keys[i]!);
  const known = new Map<string, Known>();
  if (lookup.size > 0) {
    for (const row of await rows<Known>(c, EXISTING, [textArray([...lookup])])) {
      known.set(row.k, row);
    }
  }
  const outcome = new Array<Outcome>(p.part.length);
  const updates = new Map<number, { status: SubscriberStatus; unsubAt: string | null }>();
  for (let i = 0; i < p.part.length; i++) {
    if (p.state[i] !== LOOKUP) {
      outcome[i] = p.state[i] === REFUSED ? 'refused' : 'added';
      continue;
    }
    const r = p.part[i]!;
    const existing = known.get(p.keys[i]!);
    if (!existing) throw new Error(`import: ${r.email} conflicted but cannot be found`);
    const status = r.status as SubscriberStatus;
    if (RANK[status] > RANK[existing.status]) {
      const before = updates.get(existing.id);
      const unsubAt = status === 'unsubscribed' ? (r.unsubscribedAt ?? stamp) : null;
      updates.set(existing.id, { status, unsubAt: unsubAt ?? before?.unsubAt ?? null });
      existing.status = status;
      outcome[i] = 'updated';
    } else {
      outcome[i] = 'kept';
    }
  }
  if (updates.size > 0) {
    const ids = [...updates.keys()];
    await changes(c, TIGHTEN, [
      ids,
      textArray(ids.map((id) => updates.get(id)!.status)),
      textArray(ids.map((id) => updates.get(id)!.unsubAt)),
      stamp,
    ]);
  }
  return outcome;
}
