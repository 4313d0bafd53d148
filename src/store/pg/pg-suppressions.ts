// Suppressions on PostgreSQL: the same keyed hashes and the same upsert as suppressions.ts:
// hashed by mailbox key, and a row written under the old key (the address lower-cased whole)
// still found, and dropped when that address is forgotten.
import type { SuppressionsRepo } from '../face.ts';
import {
  addressHash,
  legacyAddressHash,
  type SuppressionReason,
  type SuppressionRow,
} from '../suppressions.ts';
import { changes, type Queryable, rows, textArray } from './queryable.ts';

type Row = {
  email_hash: string;
  email: string | null;
  reason: SuppressionReason;
  source: string;
  created_at: string;
};

// A forgotten entry replaces a suppression-list entry for the same address (its clear-text
// address must go); a suppression never downgrades a forgotten one.
export const UPSERT_SUPPRESSION = `INSERT INTO suppressions (email_hash, email, reason, source, created_at)
   VALUES ($1, $2, $3, $4, $5)
   ON CONFLICT (email_hash) DO UPDATE SET email = NULL, reason = 'forgotten'
   WHERE excluded.reason = 'forgotten' AND suppressions.reason <> 'forgotten'`;

const toRow = (r: Row): SuppressionRow => ({
  email: r.email,
  emailHash: r.email_hash,
  reason: r.reason,
  source: r.source,
  createdAt: r.created_at,
});

export function createPgSuppressions(q: Queryable, secret: string): SuppressionsRepo {
  const hash = (email: string) => addressHash(secret, email);
  // The row under the mailbox key, else one written under the old key (see addressHash).
  const reasonFor = async (email: string) => {
    const h = hash(email);
    const found = await rows<{ email_hash: string; reason: SuppressionReason }>(
      q,
      'SELECT email_hash, reason FROM suppressions WHERE email_hash = ANY($1::text[])',
      [textArray([h, legacyAddressHash(secret, email)])],
    );
    return (found.find((r) => r.email_hash === h) ?? found[0])?.reason;
  };

  return {
    hash,
    has: async (email) => (await reasonFor(email)) !== undefined,
    reasonFor,

    async suppress(email, source, at) {
      const n = await changes(q, UPSERT_SUPPRESSION, [
        hash(email),
        email,
        'suppressed',
        source,
        at.toISOString(),
      ]);
      return n === 1 ? 'added' : 'kept';
    },

    async forget(emailOrHash, source, at) {
      const h = 'hash' in emailOrHash ? emailOrHash.hash : hash(emailOrHash.email);
      await changes(q, UPSERT_SUPPRESSION, [h, null, 'forgotten', source, at.toISOString()]);
      // A suppression-list row under the old key keeps its address in the clear: forgetting
      // that address must remove it (the new-key row replaces it).
      if ('email' in emailOrHash) {
        const old = legacyAddressHash(secret, emailOrHash.email);
        if (old !== h) {
          await changes(
            q,
            `DELETE FROM suppressions WHERE email_hash = $1 AND reason = 'suppressed'`,
            [old],
          );
        }
      }
    },

    list(reason) {
      return {
        async *[Symbol.asyncIterator]() {
          let after = '';
          for (;;) {
            const page = await rows<Row>(
              q,
              `SELECT * FROM suppressions WHERE reason = $1 AND email_hash > $2
               ORDER BY email_hash LIMIT 500`,
              [reason, after],
            );
            for (const r of page) yield toRow(r);
            if (page.length < 500) return;
            after = page.at(-1)!.email_hash;
          }
        },
      };
    },

    async counts() {
      const out = { suppressed: 0, forgotten: 0 };
      const counted = await rows<{ reason: SuppressionReason; n: number }>(
        q,
        'SELECT reason, COUNT(*) AS n FROM suppressions GROUP BY reason',
      );
      for (const { reason, n } of counted) out[reason] = n;
      return out;
    },
  };
}
