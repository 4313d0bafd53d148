// A throwaway site for weekly-job tests: the real data/ (its seed) copied to a temp dir (plus any extra
// comparisons), a real SQLite file with N active subscribers, and the settings pointing there.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { type Config, loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/store/db.ts';
import { dataDir, seedOnly, tempDir } from '../support/paths.ts';

export type Site = {
  dir: string;
  env: Record<string, string>;
  config: (extra?: Record<string, string>) => Config;
  dbPath: string;
  healthFile: string;
  /** Another pair like the seed one, published at `publishedAt` (date or ISO instant). */
  addPair: (id: string, publishedAt: string) => void;
};

const SEED = path.join(dataDir, 'comparisons/2026-11-24-smolvlm2-vs-code-llama-4.yaml');

export function makeSite(extraEnv: Record<string, string> = {}): Site {
  const dir = tempDir('verdicts-job-');
  // The seed alone: these tests count the pairs of the weeks after it, where data/ keeps its
  // sample pairs (the files marked as sample content).
  cpSync(dataDir, path.join(dir, 'data'), { recursive: true, filter: seedOnly });
  const env: Record<string, string> = {
    DATA_DIR: path.join(dir, 'data'),
    ISSUES_DIR: path.join(dir, 'issues'),
    DATABASE_PATH: path.join(dir, 'verdicts.db'),
    OUTBOX_DIR: path.join(dir, 'outbox'),
    HEALTH_FILE: path.join(dir, 'health.json'),
    TOKEN_SECRET: 'test-secret-0123456789abcdef',
    ...extraEnv,
  };
  openDatabase(env['DATABASE_PATH']!).close();
  return {
    dir,
    env,
    config: (extra = {}) => loadConfig({ ...env, ...extra }),
    dbPath: env['DATABASE_PATH']!,
    healthFile: env['HEALTH_FILE']!,
    addPair(id, publishedAt) {
      const seed = parse(readFileSync(SEED, 'utf8')) as Record<string, unknown>;
      const pair = { ...seed, id, publishedAt, headline: `${seed['headline']} (${id})` };
      writeFileSync(path.join(dir, 'data/comparisons', `${id}.yaml`), stringify(pair));
    },
  };
}

/** N active subscribers reader000@example.com … in one transaction. */
export function addSubscribers(dbPath: string, n: number): string[] {
  const db = openDatabase(dbPath);
  try {
    const now = '2026-11-01T00:00:00.000Z';
    const insert = db.prepare(
      `INSERT INTO subscribers (email, name, status, source, created_at, updated_at, confirmed_at)
       VALUES (?, ?, 'active', 'test', ?, ?, ?)`,
    );
    const emails = Array.from(
      { length: n },
      (_, i) => `reader${String(i).padStart(4, '0')}@example.com`,
    );
    db.transaction(() => {
      for (const [i, e] of emails.entries()) insert.run(e, `Reader ${i}`, now, now, now);
    })();
    return emails;
  } finally {
    db.close();
  }
}

/** The ledger's view of a week, straight from SQL. */
export function weekRow(
  dbPath: string,
  week: string,
): { status: string; recipients: number } | undefined {
  const db = openDatabase(dbPath);
  try {
    return db.prepare('SELECT status, recipients FROM issue_sends WHERE week = ?').get(week) as
      | { status: string; recipients: number }
      | undefined;
  } finally {
    db.close();
  }
}
