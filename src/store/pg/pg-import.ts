// Import on PostgreSQL: the rules of import-apply.ts (status only tightens toward "do not
// mail"; suppressed and forgotten addresses refused; the same counts and refused rows), in one
// transaction, at bulk speed. Consecutive ordinary rows go in chunks (pg-import-chunk.ts): one
// multi-row INSERT … SELECT FROM unnest(…) for the new addresses (pg-import-insert.ts), a
// lookup of the existing ones, one UPDATE FROM unnest(…) for the statuses that tighten. A
// chunk's INSERT runs on the server while the next chunk is read and prepared here (one
// statement at a time on the connection; the next is sent once the previous chunk is
// finished). A `suppressed` or `forgotten` row (rare) ends a chunk and is applied on its own,
// so every row still sees the suppression list exactly as the rows before it left it.
import type { ImportApplied, ImportInput } from '../face.ts';
import { type ApplyCounts, type ImportRow, importChunks } from '../import-apply.ts';
import type { ImportStatus } from '../import-formats.ts';
import { legacyAddressHash, type SuppressionReason } from '../suppressions.ts';
import {
  type ChunkScope,
  finishChunk,
  type Outcome,
  type Prepared,
  prepareChunk,
  sendChunk,
} from './pg-import-chunk.ts';
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
/** Past this many addresses the in-memory set costs more memory than the probes cost time. */
const FRESH_KEYS_MAX = 250_000;

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
  const refused: ImportApplied['refused'] = [];
  const count = (s: ImportStatus, k: Outcome) => {
    const c = counts[s] ?? { added: 0, kept: 0, updated: 0, refused: 0 };
    c[k]++;
    counts[s] = c;
  };

  return inTransaction(pool, async (c) => {
    const suppressions = createPgSuppressions(c, opts.secret);
    // No suppression at all (the usual first import): no keyed hash per row.
    let checkSuppressed =
      (await one<{ n: boolean }>(c, 'SELECT EXISTS (SELECT 1 FROM suppressions) AS n'))?.n === true;
    // Into an empty table (a first import, the usual bulk one: a list moved from another tool)
    // the import holds the table against other writers until it commits (readers go on), as
    // every writer waits behind an import on SQLite: then no address can appear but through it
    // (pg-import-insert.ts). It knows every address it inserts, so the rest need no probe of
    // the table. Into a table with subscribers, other writers go on.
    const hasRows = async () =>
      (await one<{ n: boolean }>(c, 'SELECT EXISTS (SELECT 1 FROM subscribers) AS n'))?.n === true;
    const locked = !(await hasRows());
    if (locked) await c.query('LOCK TABLE subscribers IN SHARE ROW EXCLUSIVE MODE');
    // Asked again under the lock: a writer may have added a row in between.
    const empty = locked && !(await hasRows());
    const scope: ChunkScope = {
      stamp,
      source: opts.source,
      fresh: empty ? new Set<string>() : null,
      locked,
    };

    /** Which rows of a chunk the suppression list refuses, under either key (suppressions.ts). */
    const suppressedIn = async (part: readonly ImportRow[]) => {
      const hashes = part.map((r) => suppressions.hash(r.email));
      const legacy = part.map((r) => legacyAddressHash(opts.secret, r.email));
      const found = await rows<{ email_hash: string; reason: SuppressionReason }>(
        c,
        'SELECT email_hash, reason FROM suppressions WHERE email_hash = ANY($1::text[])',
        [textArray([...new Set([...hashes, ...legacy])])],
      );
      const reasons = new Map(found.map((f) => [f.email_hash, f.reason]));
      return hashes.map((h, i) => reasons.get(h) ?? reasons.get(legacy[i]!));
    };

    // The chunk whose INSERT is on the server, not yet finished.
    let inFlight: { p: Prepared; sent: ReturnType<typeof sendChunk> } | undefined;
    const settle = async () => {
      if (!inFlight) return;
      const { p, sent } = inFlight;
      inFlight = undefined;
      const outcome = await finishChunk(c, p, sent, stamp);
      p.part.forEach((r, i) => {
        const o = outcome[i]!;
        if (o === 'refused') {
          refused.push({
            line: r.line,
            email: r.email,
            reason:
              p.why?.[i] === 'forgotten'
                ? 'erased (forgotten): never re-added'
                : 'on the suppression list',
          });
        }
        count(r.status, o);
      });
    };
    /** A run of ordinary rows (no `suppressed`/`forgotten` among them), in file order. */
    const submit = async (part: readonly ImportRow[]) => {
      // The suppression check is a query: it waits for the chunk before.
      if (checkSuppressed) await settle();
      const why = checkSuppressed ? await suppressedIn(part) : undefined;
      const prepared = prepareChunk(part, why, scope);
      if (scope.fresh && scope.fresh.size > FRESH_KEYS_MAX) scope.fresh = null;
      await settle();
      inFlight = { p: prepared, sent: sendChunk(c, prepared) };
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

    try {
      let run: ImportRow[] = [];
      // Reading the next chunk (a streamed file: parsing it) overlaps the INSERT in flight.
      for await (const part of importChunks(input)) {
        for (const r of part) {
          if (r.status === 'forgotten' || r.status === 'suppressed') {
            if (run.length > 0) await submit(run);
            run = [];
            await settle();
            count(r.status, await special(r));
          } else {
            run.push(r);
            if (run.length >= CHUNK) {
              await submit(run);
              run = [];
            }
          }
        }
      }
      if (run.length > 0) await submit(run);
      await settle();
    } catch (e) {
      // The rollback waits for the statement on the server, not behind it on the connection.
      await inFlight?.sent?.catch(() => undefined);
      throw e;
    }
    return { counts, refused };
  });
}
