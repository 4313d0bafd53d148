import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isVerdictsError } from '../../src/errors.ts';
import { importSubscribersCsv } from '../../src/store/import-csv.ts';
import { sqliteStore } from '../../src/store/sqlite-store.ts';
import { createSubscribers } from '../../src/store/subscribers.ts';
import { tempDir } from '../support/paths.ts';
import { at, useDb } from './db-fixture.ts';

const openDb = useDb();
const SECRET = 'import-test-secret-0123456789';
const none = { added: 0, kept: 0, updated: 0, refused: 0 };
const csvFile = (text: string, name = 'list.csv') => {
  const file = path.join(tempDir('verdicts-csv-'), name);
  writeFileSync(file, text);
  return file;
};

async function badCsv(p: Promise<unknown>) {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  if (!isVerdictsError(e)) throw new Error(`expected a VerdictsError, got ${String(e)}`);
  return e;
}

describe('importSubscribersCsv', () => {
  it('adds valid rows as active with source import:<file>, listing rejected rows by line', async () => {
    const db = openDb();
    const file = csvFile(
      [
        'Name,Email,Company',
        'Ada,ada@Example.com,x',
        ',no-at-sign,y',
        '',
        '"Lovelace, Ada",second@example.com,z',
        'Dup,ADA@example.com,x',
        'Bad,a b@example.com,x',
        '',
      ].join('\r\n'),
    );
    const res = await importSubscribersCsv(sqliteStore(db, SECRET), file, { at: at(0) });
    expect(res).toMatchObject({
      format: 'plain',
      counts: { active: { ...none, added: 2, kept: 1, refused: 2 } },
      rejected: [
        { line: 3, email: 'no-at-sign', reason: 'missing @' },
        { line: 7, email: 'a b@example.com', reason: expect.stringContaining('space') },
      ],
    });
    const subs = createSubscribers(db);
    expect(subs.getByEmail('ada@example.com')).toMatchObject({
      email: 'ada@example.com',
      name: 'Ada',
      status: 'active',
      source: 'import:list.csv',
      confirmedAt: at(0).toISOString(),
    });
    expect(subs.getByEmail('second@example.com')?.name).toBe('Lovelace, Ada');
  });

  it('is idempotent and never changes or re-activates an existing row', async () => {
    const db = openDb();
    const subs = createSubscribers(db);
    const gone = subs.add('gone@example.com', { name: 'Old', source: 'cli', now: at(0) });
    if (!gone.ok) throw new Error('add failed');
    subs.setStatus(gone.value.id, 'unsubscribed', at(1));
    const before = subs.getById(gone.value.id);
    const file = csvFile('email,name\nGONE@example.com,New Name\nnew@example.com,\n');

    expect(await importSubscribersCsv(sqliteStore(db, SECRET), file, { at: at(5) })).toMatchObject({
      counts: { active: { ...none, added: 1, kept: 1 } },
      rejected: [],
    });
    expect(await importSubscribersCsv(sqliteStore(db, SECRET), file, { at: at(6) })).toMatchObject({
      counts: { active: { ...none, kept: 2 } },
      rejected: [],
    });
    expect(subs.getById(gone.value.id)).toEqual(before);
    expect(subs.getByEmail('new@example.com')).toMatchObject({ name: null, status: 'active' });
  });

  it.each([
    ['an unclosed quote', 'email,name\na@example.com,Ada\n"b@example.com,Bob\n', /line 3/],
    [
      'a row with too many fields',
      'email,name\na@example.com,Ada\nb@example.com,B,extra\n',
      /line 3/,
    ],
    ['no email column', 'mail,name\na@example.com,Ada\n', /line 1.*"email" column/],
    ['an empty file', '', /line 1: empty file/],
  ])('%s is bad_csv naming file and line, and inserts nothing', async (_, text, message) => {
    const db = openDb();
    const file = csvFile(text, 'broken.csv');
    const e = await badCsv(importSubscribersCsv(sqliteStore(db, SECRET), file, { at: at(0) }));
    expect(e.code).toBe('bad_csv');
    expect(e.stage).toBe('store');
    expect(e.message).toContain('broken.csv');
    expect(e.message).toMatch(message);
    expect(createSubscribers(db).countByStatus().active).toBe(0);
  });

  it('a missing file is csv_not_found', async () => {
    const e = await badCsv(
      importSubscribersCsv(sqliteStore(openDb(), SECRET), path.join(tempDir(), 'nope.csv'), {
        at: at(0),
      }),
    );
    expect(e.code).toBe('csv_not_found');
  });

  it('a header alone adds nothing; a BOM before the header is fine', async () => {
    const db = openDb();
    expect(
      await importSubscribersCsv(sqliteStore(db, SECRET), csvFile('email\n'), { at: at(0) }),
    ).toMatchObject({ counts: {}, total: none, rejected: [] });
    const bom = csvFile('\uFEFFemail\nbom@example.com\n');
    expect(
      (await importSubscribersCsv(sqliteStore(db, SECRET), bom, { at: at(0) })).total.added,
    ).toBe(1);
  });

  // How fast is a benchmark row (test/bench/import.bench.ts); here: 100,000 rows all land.
  it('takes 100,000 rows in one go', async () => {
    const db = openDb();
    const lines = ['email,name'];
    for (let i = 0; i < 100_000; i++) lines.push(`reader${i}@example.com,Reader ${i}`);
    const file = csvFile(`${lines.join('\n')}\n`);
    const res = await importSubscribersCsv(sqliteStore(db, SECRET), file, { at: at(0) });
    expect(res.total.added).toBe(100_000);
    expect(db.prepare('SELECT COUNT(*) AS n FROM subscribers').get()).toEqual({ n: 100_000 });
  });

  // The file is read 256 KiB at a time and the parser keeps a view of the bytes it could not
  // finish; a read buffer used again overwrote them, and line 7554 was stored as "Reader 7512".
  it('stores every row as written across read boundaries', async () => {
    const db = openDb();
    const lines = ['email,name'];
    for (let i = 0; i < 20_000; i++) lines.push(`reader${i}@example.com,Reader ${i}`);
    const file = csvFile(`${lines.join('\n')}\n`);
    await importSubscribersCsv(sqliteStore(db, SECRET), file, { at: at(0) });
    const rows = db.prepare('SELECT email, name FROM subscribers ORDER BY id').all() as {
      email: string;
      name: string;
    }[];
    const wrong = rows.filter(
      (r, i) => r.email !== `reader${i}@example.com` || r.name !== `Reader ${i}`,
    );
    expect(rows).toHaveLength(20_000);
    expect(wrong).toEqual([]);
  });

  it('a suppression list counts its unreadable rows as refused suppressions', async () => {
    const db = openDb();
    const file = csvFile(
      'email,status\nada@example.com,active\nnot-an-address,active\nbob@example.com,weird\n',
    );
    const res = await importSubscribersCsv(sqliteStore(db, SECRET), file, {
      at: at(0),
      asSuppressionList: true,
    });
    expect(res.counts).toEqual({ suppressed: { ...none, added: 1, refused: 2 } });
    expect(res.rejected.map((r) => r.line)).toEqual([3, 4]);
  });
});
