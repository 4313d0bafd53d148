// Import on PostgreSQL: the rules of import-apply.ts (status only tightens toward "do not
// mail"; suppressed and forgotten addresses refused; the same counts and refused rows), in one
// transaction, at bulk speed. Consecutive ordinary rows go in chunks: one multi-row INSERT …
// SELECT FROM unnest(…) ON CONFLICT DO NOTHING for the new addresses, one lookup of the
// existing ones, one UPDATE FROM unnest(…) for the statuses that tighten. A `suppressed` or
// `forgotten` row (rare) ends a chunk and is applied on its own, so every row still sees the
// suppression list exactly as the rows before it left it.
import type { ImportApplied, ImportInput } from '../face.ts';
import { type ApplyCounts, type ImportRow, importChunks, RANK } from '../import-apply.ts';
import type { RejectedRow } from '../import-csv.ts';
import type { ImportStatus } from '../import-formats.ts';
import type { SubscriberStatus } from '../subscribers.ts';
import { topicsColumn } from '../subscribers.ts';
import { legacyAddressHash, type SuppressionReason } from '../suppressions.ts';
import { createPgSuppressions } from './pg-suppressions.ts';
import {
  changes,
  inTransaction,
  lowerParam,
  one,
  type Queryable,
  rows,
  textArray,
} from './queryable.ts';

const CHUNK = 2000;

/** lower() as the "C" columns apply it: ASCII letters only (SQLite's NOCASE). */
const foldKey = (email: string) => email.replace(/[A-Z]+/g, (s) => s.toLowerCase());

// Existing addresses are left out first: a conflict would still draw an id from the sequence
// (ids are gapless on SQLite); rows are unique within a chunk already, and ON CONFLICT covers
// a racing writer. The test is a correlated subquery with LIMIT, not NOT EXISTS: the planner
// turns NOT EXISTS into a hash anti-join over the whole table (a seq scan per chunk, 180 ms at
// 100,000 rows) when the freshly filled table has no statistics yet; this stays an index probe.
// ORDER BY the file's order: ids are given in it, as SQLite gives them row by row.
const INSERT = `INSERT INTO subscribers (email, name, status, source, created_at, updated_at,
     confirmed_at, unsubscribed_at, welcomed_at, topics, paused_issues)
   SELECT e, n, st, src, ca, ua, co, uo, wa, tp, pi::integer
   FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
     $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
     WITH ORDINALITY AS u(e, n, st, src, ca, ua, co, uo, wa, tp, pi, i)
   WHERE (SELECT 1 FROM subscribers s WHERE lower(s.email) = lower(u.e COLLATE "C") LIMIT 1) IS NULL
   ORDER BY i
   ON CONFLICT ((lower(email))) DO NOTHING
   RETURNING id, lower(email) AS k, status`;

// Into a table that was empty when the import began, with this import's own addresses known
// in memory: no probe per row (the probe is a third of the statement's cost).
const INSERT_FRESH = INSERT.replace(
  `   WHERE (SELECT 1 FROM subscribers s WHERE lower(s.email) = lower(u.e COLLATE "C") LIMIT 1) IS NULL\n`,
  '',
);
/** Past this many addresses the in-memory set costs more memory than the probes cost time. */
const FRESH_KEYS_MAX = 250_000;

// A LATERAL probe per address, for the same reason (`= ANY(…)` may become a seq scan).
const EXISTING = `SELECT s.id, u.k, s.status FROM unnest($1::text[]) AS u(k)
   CROSS JOIN LATERAL (SELECT id, status FROM subscribers
     WHERE lower(email) = u.k COLLATE "C" AND forgotten_at IS NULL LIMIT 1) AS s`;

// Each id once per chunk (collapsed in JavaScript): the status the last tightening row gave
// it, and unsubscribed_at when one of them was an unsubscribe (rank rises, so at most one).
const TIGHTEN = `UPDATE subscribers s SET status = u.status, updated_at = $4::text,
     unsubscribed_at = COALESCE(u.unsub_at, s.unsubscribed_at)
   FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, status, unsub_at)
   WHERE s.id = u.id`;

type Known = { id: number; k: string; status: SubscriberStatus };
type Outcome = keyof ApplyCounts;

/**
 * `input` may be chunks as they come (a streamed file): they are applied as they arrive, all
 * inside the one transaction, which an error from their source rolls back too.
 */
export function importRowsPg(
  pool: Queryable,
  input: ImportInput,
  opts: { at: Date; source: string; secret: string },
): Promise<ImportApplied> {
  const stamp = opts.at.toISOString();
  const when = (iso: string | null | undefined) => (iso ? new Date(iso) : opts.at);
  const counts: Partial<Record<ImportStatus, ApplyCounts>> = {};
  const refused: RejectedRow[] = [];
  const count = (s: ImportStatus, k: Outcome) => {
    const c = counts[s] ?? { added: 0, kept: 0, updated: 0, refused: 0 };
    c[k]++;
    counts[s] = c;
  };
  const refuse = (r: ImportRow, reason: SuppressionReason) => {
    refused.push({
      line: r.line,
      email: r.email,
      reason:
        reason === 'forgotten' ? 'erased (forgotten): never re-added' : 'on the suppression list',
    });
  };

  return inTransaction(pool, async (c) => {
    const suppressions = createPgSuppressions(c, opts.secret);
    // No suppression at all (the usual first import): no keyed hash per row.
    let checkSuppressed =
      (await one<{ n: boolean }>(c, 'SELECT EXISTS (SELECT 1 FROM suppressions) AS n'))?.n === true;
    // The usual first import: every address this import inserted is known here, so the rest
    // need no probe of the table (ON CONFLICT still guards against a writer racing it).
    let fresh: Set<string> | null =
      (await one<{ n: boolean }>(c, 'SELECT EXISTS (SELECT 1 FROM subscribers) AS n'))?.n === true
        ? null
        : new Set<string>();

    /** A run of ordinary rows (no `suppressed`/`forgotten` among them), in file order. */
    const chunk = async (part: readonly ImportRow[]) => {
      const outcome: (Outcome | undefined)[] = new Array(part.length);
      const why: (SuppressionReason | undefined)[] = new Array(part.length);
      if (checkSuppressed) {
        // Under the mailbox key, else under the old key (suppressions.ts, addressHash).
        const hashes = part.map((r) => suppressions.hash(r.email));
        const legacy = part.map((r) => legacyAddressHash(opts.secret, r.email));
        const found = await rows<{ email_hash: string; reason: SuppressionReason }>(
          c,
          'SELECT email_hash, reason FROM suppressions WHERE email_hash = ANY($1::text[])',
          [textArray([...new Set([...hashes, ...legacy])])],
        );
        const reasons = new Map(found.map((f) => [f.email_hash, f.reason]));
        hashes.forEach((h, i) => {
          const reason = reasons.get(h) ?? reasons.get(legacy[i]!);
          if (reason) {
            outcome[i] = 'refused';
            why[i] = reason;
          }
        });
      }
      // The first row of each address goes in the bulk insert; later ones are conflicts.
      const first = new Map<string, number>();
      const cols: (string | null)[][] = [[], [], [], [], [], [], [], [], [], [], []];
      part.forEach((r, i) => {
        if (outcome[i] === 'refused') return;
        const k = foldKey(r.email);
        if (first.has(k)) return;
        first.set(k, i);
        // Inserted by an earlier chunk of this import: a conflict, looked up below.
        if (fresh?.has(k)) return;
        const created = r.createdAt ?? stamp;
        const values = [
          r.email,
          r.name,
          r.status,
          r.source ?? opts.source,
          created,
          r.updatedAt ?? stamp,
          // Our own export says exactly which dates a row has; another tool's silence on a
          // date is filled in the way `subscribers add` would have.
          r.exact
            ? (r.confirmedAt ?? null)
            : (r.confirmedAt ?? (r.status === 'active' ? created : null)),
          r.exact
            ? (r.unsubscribedAt ?? null)
            : (r.unsubscribedAt ?? (r.status === 'unsubscribed' ? stamp : null)),
          r.welcomedAt ?? null,
          topicsColumn(r.topics ?? null),
          String(r.pausedIssues ?? 0),
        ];
        values.forEach((v, j) => {
          cols[j]!.push(v);
        });
      });
      const known = new Map<string, Known>();
      const added = new Set<string>();
      if (cols[0]!.length > 0) {
        for (const row of await rows<Known>(
          c,
          fresh ? INSERT_FRESH : INSERT,
          cols.map(textArray),
        )) {
          known.set(row.k, row);
          added.add(row.k);
          fresh?.add(row.k);
        }
        if (fresh && fresh.size > FRESH_KEYS_MAX) fresh = null;
      }
      const conflicting = [...first.keys()].filter((k) => !added.has(k));
      if (conflicting.length > 0) {
        for (const row of await rows<Known>(c, EXISTING, [textArray(conflicting)])) {
          known.set(row.k, row);
        }
      }
      const updates = new Map<number, { status: SubscriberStatus; unsubAt: string | null }>();
      part.forEach((r, i) => {
        if (outcome[i] === 'refused') return;
        const k = foldKey(r.email);
        if (first.get(k) === i && added.has(k)) {
          outcome[i] = 'added';
          return;
        }
        const existing = known.get(k);
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
      });
      if (updates.size > 0) {
        const ids = [...updates.keys()];
        await changes(c, TIGHTEN, [
          ids,
          textArray(ids.map((id) => updates.get(id)!.status)),
          textArray(ids.map((id) => updates.get(id)!.unsubAt)),
          stamp,
        ]);
      }
      part.forEach((r, i) => {
        const o = outcome[i]!;
        if (o === 'refused') refuse(r, why[i]!);
        count(r.status, o);
      });
    };

    /** A `forgotten` or `suppressed` row, applied alone (as import-apply.ts does). */
    const special = async (r: ImportRow): Promise<Outcome> => {
      checkSuppressed = true;
      if (r.status === 'forgotten') {
        await suppressions.forget(
          { hash: r.email.slice(r.email.indexOf(':') + 1) },
          r.source ?? opts.source,
          when(r.createdAt),
        );
        return 'added';
      }
      const res = await suppressions.suppress(r.email, r.source ?? opts.source, when(r.createdAt));
      await changes(
        c,
        `UPDATE subscribers SET status = 'unsubscribed', updated_at = $2, unsubscribed_at = $2
         WHERE lower(email) = ${lowerParam(1)} AND forgotten_at IS NULL
           AND status IN ('active', 'pending')`,
        [r.email, stamp],
      );
      return res;
    };

    let run: ImportRow[] = [];
    for await (const part of importChunks(input)) {
      for (const r of part) {
        if (r.status === 'forgotten' || r.status === 'suppressed') {
          if (run.length > 0) await chunk(run);
          run = [];
          count(r.status, await special(r));
        } else {
          run.push(r);
          if (run.length >= CHUNK) {
            await chunk(run);
            run = [];
          }
        }
      }
    }
    if (run.length > 0) await chunk(run);
    return { counts, refused };
  });
}
