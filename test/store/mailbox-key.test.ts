// Mailbox keys that know the big providers, and the suppression/forgotten hash keyed by them:
// a variant of a suppressed or forgotten mailbox (Gmail's dots, googlemail.com, a +tag) is
// refused like the address itself, and rows hashed under the old key still refuse.
import { createHmac } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { mailboxKey } from '../../src/store/mailbox-key.ts';
import { addressHash, createSuppressions } from '../../src/store/suppressions.ts';
import { freshPgDatabase } from '../support/postgres.ts';
import { at, useDb } from './db-fixture.ts';

const SECRET = 'test-secret-test-secret-test-secret';

/** Every way to put dots between the letters of `johnsmith`, 25 of them. */
const dotVariants = (n: number) => {
  const letters = 'johnsmith'.split('');
  const out: string[] = [];
  for (let mask = 0; out.length < n; mask++) {
    out.push(
      `${letters.map((c, i) => (i > 0 && mask & (1 << (i - 1)) ? `.${c}` : c)).join('')}@gmail.com`,
    );
  }
  return out;
};

describe('mailboxKey: the providers', () => {
  it('25 dot variants of one Gmail address are one mailbox', () => {
    const variants = dotVariants(25);
    expect(new Set(variants).size).toBe(25);
    expect(new Set(variants.map(mailboxKey))).toEqual(new Set(['johnsmith@gmail.com']));
  });

  it('folds googlemail.com into gmail.com, with dots, tags and case', () => {
    expect(mailboxKey('John.Smith+news@GoogleMail.com')).toBe('johnsmith@gmail.com');
    expect(mailboxKey('j.o.h.n.s.m.i.t.h@gmail.com')).toBe('johnsmith@gmail.com');
  });

  it('drops +tags at Outlook, Hotmail, Live, iCloud, Fastmail and Proton, keeping dots', () => {
    for (const domain of [
      'outlook.com',
      'hotmail.com',
      'live.com',
      'icloud.com',
      'fastmail.com',
      'proton.me',
    ]) {
      expect(mailboxKey(`John.Smith+promo@${domain}`)).toBe(`john.smith@${domain}`);
      expect(mailboxKey(`john.smith@${domain}`)).not.toBe(mailboxKey(`johnsmith@${domain}`));
    }
  });

  it('is conservative elsewhere: no dot folding, no Yahoo hyphen aliases, no domain aliases', () => {
    expect(mailboxKey('john.smith@example.com')).toBe('john.smith@example.com');
    expect(mailboxKey('john-shopping@yahoo.com')).toBe('john-shopping@yahoo.com');
    expect(mailboxKey('john@me.com')).not.toBe(mailboxKey('john@icloud.com'));
    expect(mailboxKey('john.smith@company.gmail.com.example')).toBe(
      'john.smith@company.gmail.com.example',
    );
  });
});

describe('suppression and forgotten hashes are keyed by the mailbox', () => {
  const open = useDb();

  it('a dot, tag or googlemail variant of a forgotten Gmail address is refused', () => {
    const sup = createSuppressions(open(), SECRET);
    sup.forget({ email: 'John.Smith@gmail.com' }, 'forget', at(0));
    for (const v of [...dotVariants(25), 'johnsmith+x@googlemail.com', 'JOHNSMITH@gmail.com']) {
      expect(sup.reasonFor(v), v).toBe('forgotten');
    }
    expect(sup.has('johnsmith2@gmail.com')).toBe(false);
  });

  it('a +tag variant of a suppressed address is refused', () => {
    const sup = createSuppressions(open(), SECRET);
    expect(sup.suppress('ada@example.org', 'test', at(0))).toBe('added');
    expect(sup.reasonFor('Ada+list@example.org')).toBe('suppressed');
    expect(sup.suppress('ada+again@example.org', 'test', at(1))).toBe('kept');
  });

  it('rows hashed under the old key (the address lower-cased) still refuse that address', () => {
    const db = open();
    const old = (email: string) =>
      createHmac('sha256', SECRET).update(`suppression\n${email.toLowerCase()}`).digest('hex');
    const insert = db.prepare(
      `INSERT INTO suppressions (email_hash, email, reason, source, created_at) VALUES (?, ?, ?, 'old', '2026-01-01T00:00:00.000Z')`,
    );
    insert.run(old('j.smith+x@gmail.com'), null, 'forgotten');
    insert.run(old('bob+list@example.org'), 'bob+list@example.org', 'suppressed');
    const sup = createSuppressions(db, SECRET);
    expect(addressHash(SECRET, 'j.smith+x@gmail.com')).not.toBe(old('j.smith+x@gmail.com'));
    expect(sup.reasonFor('J.Smith+x@gmail.com')).toBe('forgotten');
    expect(sup.reasonFor('bob+list@example.org')).toBe('suppressed');
    // Forgetting an address whose suppression row is under the old key leaves no clear text.
    sup.forget({ email: 'bob+list@example.org' }, 'forget', at(2));
    const clear = db
      .prepare('SELECT COUNT(*) AS n FROM suppressions WHERE email IS NOT NULL')
      .get() as { n: number };
    expect(clear.n).toBe(0);
    expect(sup.reasonFor('bob@example.org')).toBe('forgotten');
  });
});

describe('the old key on PostgreSQL (pg-suppressions, pg-forget)', () => {
  it('old-key rows still refuse; forget removes an old-key suppression row, leaving no clear text', async () => {
    const pgDb = await freshPgDatabase('mailbox_key');
    const store = await openStore({ url: pgDb.url, path: 'unused', secret: SECRET });
    const client = new pg.Client({ connectionString: pgDb.url });
    await client.connect();
    try {
      const old = (email: string) =>
        createHmac('sha256', SECRET).update(`suppression\n${email.toLowerCase()}`).digest('hex');
      const insert = (hash: string, email: string | null, reason: string) =>
        client.query(
          `INSERT INTO suppressions (email_hash, email, reason, source, created_at)
           VALUES ($1, $2, $3, 'old', '2026-01-01T00:00:00.000Z')`,
          [hash, email, reason],
        );
      await insert(old('j.smith+x@gmail.com'), null, 'forgotten');
      await insert(old('bob+list@example.org'), 'bob+list@example.org', 'suppressed');
      expect(await store.suppressions.reasonFor('J.Smith+x@gmail.com')).toBe('forgotten');
      expect(await store.suppressions.reasonFor('bob+list@example.org')).toBe('suppressed');
      const res = await store.forget('bob+list@example.org', at(2));
      expect(res.ok).toBe(true);
      const clear = await client.query(
        'SELECT COUNT(*)::int AS n FROM suppressions WHERE email IS NOT NULL',
      );
      expect(clear.rows[0].n).toBe(0);
      expect(await store.suppressions.reasonFor('bob@example.org')).toBe('forgotten');
    } finally {
      await client.end();
      await store.close();
      await pgDb.drop();
    }
  }, 60_000);
});
