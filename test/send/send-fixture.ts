// A send workspace for tests and benches: a SQLite file with N active subscribers (made in SQL,
// so 200,000 take a second), an archive with the seed week already built (rendered once per
// process and copied, MJML is slow), and the environment a `verdicts send` child needs.
import { cpSync } from 'node:fs';
import path from 'node:path';
import { neverFrozen } from '../../src/archive/write-issue.ts';
import { loadConfig } from '../../src/config.ts';
import { buildWeek } from '../../src/pipeline/build-week.ts';
import { type Db, openDatabase } from '../../src/store/db.ts';
import { dataDir, tempDir } from '../support/paths.ts';

export const WEEK = '2026-W48';
/** After the seed pair was published, so the build includes it. */
export const BUILD_NOW = new Date('2026-11-29T12:00:00Z');

let builtArchive: Promise<string> | undefined;

/** The seed week's archive, built once per process into its own folder. */
export function seedArchive(): Promise<string> {
  builtArchive ??= (async () => {
    const issuesDir = path.join(tempDir('verdicts-archive-'), 'issues');
    const config = { ...loadConfig({}), DATA_DIR: dataDir, ISSUES_DIR: issuesDir };
    const res = await buildWeek(config, WEEK, { isFrozen: neverFrozen, now: BUILD_NOW });
    if (res.status !== 'built') throw new Error('seed week did not build');
    return issuesDir;
  })();
  return builtArchive;
}

/** Insert `count` active subscribers reader<from+i>@example.com in one statement. */
export function addReaders(db: Db, count: number, from = 1): void {
  const now = new Date('2026-11-01T00:00:00Z').toISOString();
  db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT CAST(@from AS INTEGER) UNION ALL SELECT i + 1 FROM n WHERE i < @to)
     INSERT INTO subscribers (email, name, status, source, created_at, updated_at, confirmed_at)
     SELECT 'reader' || i || '@example.com', 'Reader ' || i, 'active', 'test', @now, @now, @now
     FROM n`,
  ).run({ from, to: from + count - 1, now });
}

export const reader = (i: number) => `reader${i}@example.com`;

export type Workspace = {
  dir: string;
  dbPath: string;
  issuesDir: string;
  outboxDir: string;
  /** Flags every `verdicts send` in this workspace takes. */
  args: (...extra: string[]) => string[];
  /** Settings for a child or in-process run; `extra` wins. */
  env: (extra?: Record<string, string>) => Record<string, string>;
  db: () => Db;
};

export async function sendWorkspace(opts: { subscribers?: number; withArchive?: boolean } = {}) {
  const dir = tempDir('verdicts-send-');
  const dbPath = path.join(dir, 'verdicts.db');
  const issuesDir = path.join(dir, 'issues');
  const outboxDir = path.join(dir, 'outbox');
  if (opts.withArchive ?? true) cpSync(await seedArchive(), issuesDir, { recursive: true });
  const setup = openDatabase(dbPath);
  if (opts.subscribers) addReaders(setup, opts.subscribers);
  setup.close();
  const opened: Db[] = [];
  const ws: Workspace & { close: () => void } = {
    dir,
    dbPath,
    issuesDir,
    outboxDir,
    args: (...extra) => [
      'send',
      '--week',
      WEEK,
      '--db',
      dbPath,
      '--issues',
      issuesDir,
      '--data',
      dataDir,
      '--outbox',
      outboxDir,
      ...extra,
    ],
    env: (extra = {}) => ({
      TOKEN_SECRET: 'test-secret-0123456789abcdef',
      PUBLIC_BASE_URL: 'https://verdicts.example.com',
      FROM_EMAIL: 'Weekly AI Tool Verdicts <news@verdicts.example>',
      REPLY_TO: 'editors@verdicts.example',
      RESEND_RATE_LIMIT: '50',
      SEND_RETRY_BASE_MS: '50',
      SEND_RETRY_CAP_MS: '400',
      SEND_REQUEST_TIMEOUT_SECONDS: '2',
      LEASE_SECONDS: '10',
      ...extra,
    }),
    db: () => {
      const db = openDatabase(dbPath);
      opened.push(db);
      return db;
    },
    close: () => {
      for (const db of opened.splice(0)) db.close();
    },
  };
  return ws;
}
