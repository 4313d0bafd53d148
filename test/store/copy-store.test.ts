// copyStore itself (src/store/copy/): its table list is the schema's, on both engines; values
// that differ most between engines (bytes, quotes, backslashes, newlines, non-ASCII text, NULL
// beside '') arrive equal; pages of two rows cross every composite key; a target that changes
// what it is given is a mismatch and a failure partway is a rollback, both leaving it empty.
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { COPIED_TABLES, SKIPPED_TABLES } from '../../src/store/copy/tables.ts';
import { openDatabase } from '../../src/store/db.ts';
import { copyStore, migrateStore } from '../../src/store/index.ts';
import { tempDir } from '../support/paths.ts';
import { freshPgDatabase } from '../support/postgres.ts';

const SECRET = 'copy-store-secret-0123456789';
const drops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const d of drops.splice(0)) await d();
});

async function target() {
  const db = await freshPgDatabase('copy_store');
  drops.push(db.drop);
  return db;
}

async function queryPg<R>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as R[];
  } finally {
    await client.end();
  }
}

const ODD = [
  'quote " and backslash \\ and \\" together',
  'line\nbreak\r\nand\ttab',
  'Zoë, Łukasz, 日本語, emoji 🦜',
  '',
  '{"looks":"like json"}',
  '{NULL}',
  'NULL',
];

/** A SQLite file with awkward values in text, bytes and composite-key tables. */
function awkwardSource(): string {
  const file = path.join(tempDir(), 'source.db');
  const db = openDatabase(file);
  const now = '2026-11-01T00:00:00.000Z';
  const add = db.prepare(
    `INSERT INTO subscribers (email, name, status, source, created_at, updated_at)
     VALUES (?, ?, 'active', 'test', ?, ?)`,
  );
  for (const [i, name] of ODD.entries()) add.run(`odd${i}@example.com`, name, now, now);
  add.run('null-name@example.com', null, now, now);
  db.prepare(
    `INSERT INTO issue_sends (week, send_id, content_hash, status, recipients, batches, started_at)
     VALUES ('2026-W48', '2026-W48.abc', 'h', 'sending', 3, 2)`.replace('2)', `2, '${now}')`),
  ).run();
  for (const [no, status] of [
    [0, 'submitted'],
    [1, 'pending'],
  ] as const) {
    db.prepare(
      `INSERT INTO send_batches (week, batch_no, status, attempts) VALUES ('2026-W48', ?, ?, 1)`,
    ).run(no, status);
  }
  for (let id = 1; id <= 5; id++) {
    db.prepare(
      `INSERT INTO send_recipients (week, subscriber_id, batch_no, email, name, status, message_id)
       VALUES ('2026-W48', ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      id <= 3 ? 0 : 1,
      `odd${id}@example.com`,
      ODD[id - 1],
      id <= 3 ? 'sent' : 'queued',
      id <= 3 ? `em_${id}` : null,
    );
    db.prepare(
      `INSERT INTO events (type, email, message_id, created_at, payload, week, subscriber_id, detail)
       VALUES ('email.clicked', ?, ?, ?, ?, '2026-W48', ?, ?)`,
    ).run(
      `odd${id}@example.com`,
      `em_${id}`,
      now,
      JSON.stringify({ name: ODD[id - 1] }),
      id,
      ODD[id],
    );
  }
  // Counted by SQLite's trigger, then dropped: if PostgreSQL's trigger ran during the copy, the
  // target would count them again.
  db.exec('DELETE FROM event_readers');
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  db.prepare('INSERT INTO archive_blobs (sha256, body) VALUES (?, ?)').run('all-bytes', bytes);
  db.prepare('INSERT INTO archive_blobs (sha256, body) VALUES (?, ?)').run(
    'empty',
    Buffer.alloc(0),
  );
  db.prepare(
    `INSERT INTO archive_files (week, name, sha256, published_at) VALUES ('2026-W48', 'email.html', 'all-bytes', ?)`,
  ).run(now);
  db.close();
  return file;
}

describe('copyStore', () => {
  it('knows every table of both schemas (a new table is copied or skipped on purpose)', async () => {
    const file = path.join(tempDir(), 'schema.db');
    const db = openDatabase(file);
    const sqliteTables = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    db.close();
    const pgDb = await target();
    await migrateStore({ url: pgDb.url, path: '', secret: SECRET });
    const pgTables = (
      await queryPg<{ t: string }>(
        pgDb.url,
        `SELECT table_name AS t FROM information_schema.tables
         WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY 1`,
      )
    ).map((r) => r.t);
    const known = [...COPIED_TABLES, ...SKIPPED_TABLES].map((t) => t.name).sort();
    expect(sqliteTables).toEqual(known);
    expect(pgTables).toEqual(known);
    // And every column of every copied table.
    const again = openDatabase(file);
    for (const t of COPIED_TABLES) {
      const named = t.columns.map(([n]) => n).sort();
      const inSqlite = again
        .prepare('SELECT name FROM pragma_table_info(?) ORDER BY name')
        .pluck()
        .all(t.name);
      const inPg = (
        await queryPg<{ c: string }>(
          pgDb.url,
          `SELECT column_name AS c FROM information_schema.columns
           WHERE table_schema = 'public' AND table_name = $1 ORDER BY 1`,
          [t.name],
        )
      ).map((r) => r.c);
      expect(inSqlite, `${t.name} on SQLite`).toEqual(named);
      expect(inPg, `${t.name} on PostgreSQL`).toEqual(named);
    }
    again.close();
  });

  it('copies awkward values equal, in pages of two rows, and the target reads them back alike', async () => {
    const file = awkwardSource();
    const db = await target();
    const r = await copyStore({ path: file, secret: SECRET }, db.url, { pageRows: 2 });
    expect(r.failure).toBeUndefined();
    expect(r.outcome).toBe('copied');
    expect(r.tables.filter((t) => !t.ok)).toEqual([]);
    expect(Object.fromEntries(r.tables.map((t) => [t.table, t.rows]))).toMatchObject({
      subscribers: ODD.length + 1,
      send_batches: 2,
      send_recipients: 5,
      events: 5,
      event_readers: 0,
      archive_blobs: 2,
      archive_files: 1,
    });
    const names = await queryPg<{ name: string | null }>(
      db.url,
      'SELECT name FROM subscribers ORDER BY id',
    );
    expect(names.map((n) => n.name)).toEqual([...ODD, null]);
    const [blob] = await queryPg<{ body: Buffer }>(
      db.url,
      "SELECT body FROM archive_blobs WHERE sha256 = 'all-bytes'",
    );
    expect(Buffer.compare(blob!.body, Buffer.from(Array.from({ length: 256 }, (_, i) => i)))).toBe(
      0,
    );
    // Copied as they were: the events trigger did not count readers into event_readers.
    expect(await queryPg(db.url, 'SELECT COUNT(*)::int AS n FROM event_readers')).toEqual([
      { n: 0 },
    ]);
  });

  it('a target that stores something else is a mismatch: rolled back, left empty', async () => {
    const file = awkwardSource();
    const db = await target();
    await migrateStore({ url: db.url, path: '', secret: SECRET });
    await queryPg(
      db.url,
      `CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN NEW.name = upper(NEW.name); RETURN NEW; END $$;
       CREATE TRIGGER shout BEFORE INSERT ON subscribers FOR EACH ROW EXECUTE FUNCTION shout()`,
    );
    const r = await copyStore({ path: file, secret: SECRET }, db.url);
    expect(r.outcome).toBe('mismatch');
    const subscribers = r.tables.find((t) => t.table === 'subscribers')!;
    expect(subscribers).toMatchObject({
      ok: false,
      rows: ODD.length + 1,
      targetRows: ODD.length + 1,
    });
    expect(subscribers.checksum).not.toBe(subscribers.targetChecksum);
    expect(await queryPg(db.url, 'SELECT COUNT(*)::int AS n FROM subscribers')).toEqual([{ n: 0 }]);
  });

  it('a failure after some tables rolls them all back; the same copy then succeeds', async () => {
    const file = awkwardSource();
    const db = await target();
    const failing = await copyStore({ path: file, secret: SECRET }, db.url, {
      afterTable: (t) => {
        if (t === 'events') throw new Error('interrupted (simulated)');
      },
    });
    expect(failing).toMatchObject({
      outcome: 'failed',
      failure: { table: 'events', message: 'interrupted (simulated)' },
    });
    for (const t of ['subscribers', 'send_recipients', 'events']) {
      expect(await queryPg(db.url, `SELECT COUNT(*)::int AS n FROM ${t}`), t).toEqual([{ n: 0 }]);
    }
    const again = await copyStore({ path: file, secret: SECRET }, db.url);
    expect(again.outcome).toBe('copied');
    // Sequences continue after the copied ids.
    const [next] = await queryPg<{ id: number }>(
      db.url,
      `INSERT INTO subscribers (email, status, source, created_at, updated_at)
       VALUES ('new@example.com', 'active', 't', 'x', 'x') RETURNING id::int`,
    );
    expect(next!.id).toBe(ODD.length + 2);
  });

  it('refuses a source with a column it does not know, naming it, and copies nothing', async () => {
    const file = awkwardSource();
    const db = openDatabase(file);
    db.exec('ALTER TABLE votes ADD COLUMN weight INTEGER');
    db.close();
    const pgDb = await target();
    await expect(copyStore({ path: file, secret: SECRET }, pgDb.url)).rejects.toThrow(
      /does not have the schema this copy knows \(votes\.weight\): nothing copied/,
    );
  });

  it('refuses to copy a store onto itself, and a missing SQLite file', async () => {
    const db = await target();
    await expect(copyStore({ url: db.url, path: '', secret: SECRET }, db.url)).rejects.toThrow(
      'is the store it would copy from',
    );
    const missing = path.join(tempDir(), 'none.db');
    await expect(copyStore({ path: missing, secret: SECRET }, db.url)).rejects.toThrow(
      `no database at ${missing}: nothing to copy`,
    );
  });
});
