// Addresses never to mail: the operator's suppression list (kept in the clear, so it can be
// exported) and forgotten readers (only a keyed hash: erasure must not keep the address, yet
// a later import or sign-up of it must still be refused). Every path that can make an address
// mailable (import, `subscribers add`, the form, confirm, resubscribe) asks `has` first.
import { createHmac } from 'node:crypto';
import type { Db } from './db.ts';
import { mailboxKey } from './mailbox-key.ts';

export type SuppressionReason = 'suppressed' | 'forgotten';

/**
 * HMAC-SHA256 of the address's mailbox (mailboxKey: case, +tags and Gmail's dots folded), so a
 * variant of a suppressed or forgotten mailbox is refused too. Keyed by TOKEN_SECRET under its
 * own label, so the hash of a forgotten address cannot be checked against a list of guesses by
 * anyone who only has the database file.
 *
 * Hashes written before this key was the mailbox were of the address lower-cased whole
 * (`legacyAddressHash`); they differ only for addresses with a +tag or a dotted Gmail local
 * part. A forgotten row cannot be re-keyed (its address is gone), so lookups try both.
 */
export function addressHash(secret: string, email: string): string {
  return createHmac('sha256', secret)
    .update(`suppression\n${mailboxKey(email)}`)
    .digest('hex');
}

/** The key before mailbox folding: still looked up, so older rows keep refusing. */
export function legacyAddressHash(secret: string, email: string): string {
  return createHmac('sha256', secret)
    .update(`suppression\n${email.trim().toLowerCase()}`)
    .digest('hex');
}

/** How a forgotten hash is written in an export, so a move to a new database keeps it. */
export const HASH_PREFIX = 'hmac-sha256:';

export type SuppressionRow = {
  email: string | null;
  emailHash: string;
  reason: SuppressionReason;
  source: string;
  createdAt: string;
};

type Row = {
  email_hash: string;
  email: string | null;
  reason: SuppressionReason;
  source: string;
  created_at: string;
};

export function createSuppressions(db: Db, secret: string) {
  const get = db.prepare<[string], Row>('SELECT * FROM suppressions WHERE email_hash = ?');
  // A forgotten entry replaces a suppression-list entry for the same address (its clear-text
  // address must go); a suppression never downgrades a forgotten one.
  const upsert = db.prepare<[string, string | null, SuppressionReason, string, string]>(
    `INSERT INTO suppressions (email_hash, email, reason, source, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(email_hash) DO UPDATE SET email = NULL, reason = 'forgotten'
     WHERE excluded.reason = 'forgotten' AND suppressions.reason <> 'forgotten'`,
  );
  const page = db.prepare<[SuppressionReason, string, number], Row>(
    `SELECT * FROM suppressions WHERE reason = ? AND email_hash > ? ORDER BY email_hash LIMIT ?`,
  );
  const counts = db.prepare<[], { reason: SuppressionReason; n: number }>(
    'SELECT reason, COUNT(*) AS n FROM suppressions GROUP BY reason',
  );
  const toRow = (r: Row): SuppressionRow => ({
    email: r.email,
    emailHash: r.email_hash,
    reason: r.reason,
    source: r.source,
    createdAt: r.created_at,
  });
  // A suppression-list row under the old key keeps its address in the clear: forgetting that
  // address must remove it (the new-key row replaces it).
  const dropLegacy = db.prepare<[string]>(
    `DELETE FROM suppressions WHERE email_hash = ? AND reason = 'suppressed'`,
  );
  const hash = (email: string) => addressHash(secret, email);
  // The row under the mailbox key, else one written under the old key (see addressHash).
  const lookup = (email: string): Row | undefined => {
    const h = hash(email);
    const row = get.get(h);
    if (row) return row;
    const old = legacyAddressHash(secret, email);
    return old === h ? undefined : get.get(old);
  };

  return {
    hash,
    has: (email: string): boolean => lookup(email) !== undefined,
    reasonFor: (email: string): SuppressionReason | undefined => lookup(email)?.reason,

    /** 'added', or 'kept' when the address was already suppressed (or forgotten). */
    suppress(email: string, source: string, at: Date): 'added' | 'kept' {
      const { changes } = upsert.run(hash(email), email, 'suppressed', source, at.toISOString());
      return changes === 1 ? 'added' : 'kept';
    },

    /** Record a forgotten address (or an already computed hash of one, from an export). */
    forget(emailOrHash: { email: string } | { hash: string }, source: string, at: Date): void {
      const h = 'hash' in emailOrHash ? emailOrHash.hash : hash(emailOrHash.email);
      upsert.run(h, null, 'forgotten', source, at.toISOString());
      if ('email' in emailOrHash) {
        const old = legacyAddressHash(secret, emailOrHash.email);
        if (old !== h) dropLegacy.run(old);
      }
    },

    /** Every entry with this reason, a page at a time (flat memory for any list size). */
    *list(reason: SuppressionReason): Generator<SuppressionRow, void, undefined> {
      let after = '';
      for (;;) {
        const rows = page.all(reason, after, 500);
        for (const r of rows) yield toRow(r);
        if (rows.length < 500) return;
        after = rows.at(-1)!.email_hash;
      }
    },

    counts(): Record<SuppressionReason, number> {
      const out = { suppressed: 0, forgotten: 0 };
      for (const { reason, n } of counts.all()) out[reason] = n;
      return out;
    },
  };
}

export type Suppressions = ReturnType<typeof createSuppressions>;
