// `verdicts db status` and `verdicts db migrate` on both stores: status reads only (a missing
// SQLite file stays missing, a behind or ahead schema is reported, not changed), prints the
// PostgreSQL URL without its password, and counts rows; migrate applies what is due, and five
// started at once on one empty PostgreSQL database migrate it exactly once.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { PG_MIGRATIONS } from '../../src/store/pg/migrations.ts';
import { runCli } from '../support/cli.ts';
import { tempDir } from '../support/paths.ts';
import { freshPgDatabase, pgUrl } from '../support/postgres.ts';

const SECRET = 'db-status-secret-0123456789';
const dropped: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const drop of dropped.splice(0)) await drop();
});

async function emptyPg() {
  const db = await freshPgDatabase('db_status');
  dropped.push(db.drop);
  return db;
}

const sqliteEnv = (file: string) => ({ DATABASE_PATH: file, TOKEN_SECRET: SECRET });
const pgEnv = (url: string) => ({ DATABASE_URL: url, TOKEN_SECRET: SECRET });

/** The `tables:` block of a status as { table: rows }. */
const counts = (stdout: string) =>
  Object.fromEntries(
    [...stdout.matchAll(/^ {2}(\w+)\s+([\d,]+)$/gm)].map((m) => [
      m[1]!,
      Number(m[2]!.replace(/,/g, '')),
    ]),
  );

async function queryPg<R>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as R[];
  } finally {
    await client.end();
  }
}

describe('verdicts db status on SQLite', () => {
  it('a missing file: exit 1, says so, and creates nothing', async () => {
    const file = path.join(tempDir(), 'nested', 'verdicts.db');
    const res = await runCli(['db', 'status', '--db', file], { env: { TOKEN_SECRET: SECRET } });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(`no database at ${file} (none created)`);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(path.dirname(file))).toBe(false);
  });

  it('a current file: exit 0, the file, the schema and rows per table', async () => {
    const file = path.join(tempDir(), 'verdicts.db');
    const env = sqliteEnv(file);
    for (const email of ['a@example.com', 'b@example.com']) {
      expect((await runCli(['subscribers', 'add', email], { env })).code).toBe(0);
    }
    const res = await runCli(['db', 'status'], { env });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(`store:   SQLite ${file}\n`);
    expect(res.stdout).toMatch(
      `schema:  ${MIGRATIONS.length} of ${MIGRATIONS.length} migrations applied (current)\n`,
    );
    expect(counts(res.stdout)).toMatchObject({ subscribers: 2, votes: 0, events: 0, leases: 0 });
  });

  it('--db names the file, as for every other command', async () => {
    const file = path.join(tempDir(), 'other.db');
    await runCli(['subscribers', 'add', 'a@example.com', '--db', file], {
      env: { TOKEN_SECRET: SECRET },
    });
    const res = await runCli(['db', 'status', '--db', file], { env: { TOKEN_SECRET: SECRET } });
    expect(res.code, res.stderr).toBe(0);
    expect(counts(res.stdout)).toMatchObject({ subscribers: 1 });
  });

  it.each([
    ['behind', 2, /schema is behind: 2 of \d+ migrations applied; run `verdicts db migrate`/],
    ['ahead', 99, /schema is ahead: version 99 is newer than this program knows/],
  ])('a schema %s: exit 1, reported and left as it is', async (_, version, message) => {
    const file = path.join(tempDir(), 'verdicts.db');
    const db = openDatabase(file);
    db.pragma(`user_version = ${version}`);
    db.close();
    const res = await runCli(['db', 'status', '--db', file], { env: { TOKEN_SECRET: SECRET } });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(`schema:  ${version} of ${MIGRATIONS.length} migrations applied\n`);
    expect(res.stderr).toMatch(message);
    // Not migrated: the header still holds the version it had.
    expect(readFileSync(file).readUInt32BE(60)).toBe(version);
  });
});

describe('verdicts db status and migrate on PostgreSQL', () => {
  it('an empty database: status exit 1; migrate applies every migration; status then counts, without the password', async () => {
    const db = await emptyPg();
    const env = pgEnv(db.url);
    const redacted = db.url.replace(/:[^:@/]+@/, ':***@');
    expect(redacted).not.toBe(db.url);

    const before = await runCli(['db', 'status'], { env });
    expect(before.code).toBe(1);
    expect(before.stderr).toMatch('has no schema yet');
    expect(before.stdout).toMatch(`store:   PostgreSQL ${redacted}\n`);
    expect(await queryPg(db.url, "SELECT to_regclass('schema_migrations') AS t")).toEqual([
      { t: null },
    ]);

    const migrated = await runCli(['db', 'migrate'], { env });
    expect(migrated.code, migrated.stderr).toBe(0);
    const n = PG_MIGRATIONS.length;
    expect(migrated.stdout).toBe(
      `PostgreSQL ${redacted}: applied ${n} migration${n === 1 ? '' : 's'} (0 → ${n}); ${n} of ${n} known\n`,
    );

    expect((await runCli(['subscribers', 'add', 'a@example.com'], { env })).code).toBe(0);
    const status = await runCli(['db', 'status'], { env });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout + status.stderr).not.toMatch(db.url);
    expect(status.stdout).toMatch(`store:   PostgreSQL ${redacted}\n`);
    expect(status.stdout).toMatch(`schema:  ${n} of ${n} migrations applied (current)\n`);
    expect(counts(status.stdout)).toMatchObject({ subscribers: 1, send_recipients: 0 });

    const again = await runCli(['db', 'migrate'], { env });
    expect(again.stdout).toMatch(`schema already current (${n} → ${n}): nothing to apply`);
  });

  it('a database that does not exist: exit 1, and none is created', async () => {
    const url = pgUrl(`verdicts_missing_${process.pid}`);
    const res = await runCli(['db', 'status'], { env: pgEnv(url) });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch('no database at postgres://');
    expect(res.stderr).toMatch('***');
    const found = await queryPg(
      pgUrl(),
      `SELECT datname FROM pg_database WHERE datname = 'verdicts_missing_${process.pid}'`,
    );
    expect(found).toEqual([]);
  });

  it('five `db migrate` at once on one empty database: one applies, all succeed', async () => {
    const db = await emptyPg();
    const runs = await Promise.all(
      Array.from({ length: 5 }, () => runCli(['db', 'migrate'], { env: pgEnv(db.url) })),
    );
    expect(runs.map((r) => [r.code, r.stderr])).toEqual(Array(5).fill([0, '']));
    expect(runs.filter((r) => /: applied \d+ migration/.test(r.stdout))).toHaveLength(1);
    expect(runs.filter((r) => /schema already current/.test(r.stdout))).toHaveLength(4);
    const versions = await queryPg<{ version: number }>(
      db.url,
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(versions.map((v) => v.version)).toEqual(PG_MIGRATIONS.map((_, i) => i + 1));
  });
});
