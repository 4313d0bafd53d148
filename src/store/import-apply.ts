// Apply validated import rows in one transaction, by the one rule that keeps every opt-out:
// status moves only toward "do not mail" (active/pending < unsubscribed < bounced <
// complained). Suppressed and forgotten addresses are refused before anything else.
import type { Db } from './db.ts';
import type { ImportApplied, ImportInput } from './face.ts';
import type { RejectedRow } from './import-csv.ts';
import type { ImportStatus, MappedRow } from './import-formats.ts';
import { type SubscriberStatus, topicsColumn } from './subscribers.ts';
import { createSuppressions } from './suppressions.ts';

export type ImportRow = MappedRow & { line: number; email: string };
/** added: new; kept: already there, unchanged; updated: an opt-out tightened an existing row. */
export type ApplyCounts = { added: number; kept: number; updated: number; refused: number };

/** How far toward "do not mail" a status is: an import moves a status only up this scale. */
export const RANK: Record<SubscriberStatus, number> = {
  pending: 0,
  active: 0,
  unsubscribed: 1,
  bounced: 2,
  complained: 3,
};

type Existing = { id: number; status: SubscriberStatus };

export function applyImport(
  db: Db,
  rows: readonly ImportRow[],
  opts: { at: Date; secret: string; source: string },
): { counts: Partial<Record<ImportStatus, ApplyCounts>>; refused: RejectedRow[] } {
  const stamp = opts.at.toISOString();
  const suppressions = createSuppressions(db, opts.secret);
  const find = db.prepare<[string], Existing>(
    'SELECT id, status FROM subscribers WHERE email = ? AND forgotten_at IS NULL',
  );
  // New addresses are the common case: one statement for them, a lookup only on conflict.
  const insert = db.prepare(
    `INSERT INTO subscribers (email, name, status, source, created_at, updated_at, confirmed_at,
       unsubscribed_at, welcomed_at, topics, paused_issues)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(email) DO NOTHING`,
  );
  const anySuppression = db.prepare<[], { n: number }>(
    'SELECT EXISTS (SELECT 1 FROM suppressions) AS n',
  );
  const tighten = db.prepare<[{ status: SubscriberStatus; stamp: string; at: string; id: number }]>(
    `UPDATE subscribers SET status = @status, updated_at = @stamp,
       unsubscribed_at = CASE WHEN @status = 'unsubscribed' THEN @at ELSE unsubscribed_at END
     WHERE id = @id`,
  );
  const optOut = db.prepare<[{ stamp: string; id: number }]>(
    `UPDATE subscribers SET status = 'unsubscribed', updated_at = @stamp, unsubscribed_at = @stamp
     WHERE id = @id AND status IN ('active', 'pending')`,
  );

  const when = (iso: string | null | undefined) => (iso ? new Date(iso) : opts.at);
  const counts: Partial<Record<ImportStatus, ApplyCounts>> = {};
  const refused: RejectedRow[] = [];
  const count = (s: ImportStatus, k: keyof ApplyCounts) => {
    const c = counts[s] ?? { added: 0, kept: 0, updated: 0, refused: 0 };
    c[k]++;
    counts[s] = c;
  };

  // No suppression at all (the usual first import): no keyed hash per row.
  let checkSuppressed = false;
  const one = (r: ImportRow): keyof ApplyCounts => {
    if (r.status === 'forgotten' || r.status === 'suppressed') checkSuppressed = true;
    if (r.status === 'forgotten') {
      suppressions.forget(
        { hash: r.email.slice(r.email.indexOf(':') + 1) },
        r.source ?? opts.source,
        when(r.createdAt),
      );
      return 'added';
    }
    const suppressed = checkSuppressed ? suppressions.reasonFor(r.email) : undefined;
    if (r.status === 'suppressed') {
      const res = suppressions.suppress(r.email, r.source ?? opts.source, when(r.createdAt));
      const s = find.get(r.email);
      if (s) optOut.run({ stamp, id: s.id });
      return res;
    }
    if (suppressed) {
      refused.push({
        line: r.line,
        email: r.email,
        reason:
          suppressed === 'forgotten'
            ? 'erased (forgotten): never re-added'
            : 'on the suppression list',
      });
      return 'refused';
    }
    // Positional parameters: no object built per row on a path a large list runs per row.
    const { changes } = insert.run(
      r.email,
      r.name,
      r.status,
      r.source ?? opts.source,
      r.createdAt ?? stamp,
      r.updatedAt ?? stamp,
      // Our own export says exactly which dates a row has; another tool's silence on a
      // date is filled in the way `subscribers add` would have.
      r.exact
        ? r.confirmedAt
        : (r.confirmedAt ?? (r.status === 'active' ? (r.createdAt ?? stamp) : null)),
      r.exact
        ? r.unsubscribedAt
        : (r.unsubscribedAt ?? (r.status === 'unsubscribed' ? stamp : null)),
      r.welcomedAt ?? null,
      topicsColumn(r.topics ?? null),
      r.pausedIssues ?? 0,
    );
    if (changes === 1) return 'added';
    const existing = find.get(r.email)!;
    if (RANK[r.status] > RANK[existing.status]) {
      tighten.run({ status: r.status, stamp, at: r.unsubscribedAt ?? stamp, id: existing.id });
      return 'updated';
    }
    return 'kept';
  };

  db.transaction(() => {
    checkSuppressed = anySuppression.get()?.n === 1;
    for (const r of rows) count(r.status, one(r));
  }).immediate();
  return { counts, refused };
}

/** Chunks of an ImportInput: a list is one chunk. */
export const importChunks = (
  rows: ImportInput,
): Iterable<readonly ImportRow[]> | AsyncIterable<readonly ImportRow[]> =>
  Symbol.asyncIterator in rows ? rows : [rows as readonly ImportRow[]];

/** Two chunks' results as one (counts added per status, refusals in order). */
export function addApplied(into: ImportApplied, more: ImportApplied): void {
  into.refused.push(...more.refused);
  for (const [status, c] of Object.entries(more.counts) as [ImportStatus, ApplyCounts][]) {
    const was = into.counts[status] ?? { added: 0, kept: 0, updated: 0, refused: 0 };
    into.counts[status] = {
      added: was.added + c.added,
      kept: was.kept + c.kept,
      updated: was.updated + c.updated,
      refused: was.refused + c.refused,
    };
  }
}
