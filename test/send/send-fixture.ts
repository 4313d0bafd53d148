// A send workspace for tests and benches: a SQLite file with N active subscribers (made in SQL,
// so 200,000 take a second), an archive with the seed week already built (rendered once per
// process and copied, MJML is slow), and the environment a `verdicts send` child needs.
// `pairs: 6` builds the largest issue instead: the seed pair and five renamed copies of it.
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { type Db, openDatabase } from '../../src/store/db.ts';
import { buildFor } from '../support/build-week.ts';
import { dataDir, tempDir } from '../support/paths.ts';

export const WEEK = '2026-W48';
/** The site the archive is built for and sent with: send refuses an archive built for another. */
export const BASE_URL = 'https://verdicts.example.com';
/** After the seed pair was published, so the build includes it. */
export const BUILD_NOW = new Date('2026-11-29T12:00:00Z');

/**
 * The seed data with `pairs - 1` more comparisons in the seed week: copies of the seed pair
 * whose tools are renamed (`smolvlm2-2`, "SmolVLM2 (2)", …), quotes and verdicts unchanged.
 */
export function seedDataWithPairs(pairs: number): string {
  if (pairs === 1) return dataDir;
  const dir = path.join(tempDir('verdicts-data-'), 'data');
  cpSync(dataDir, dir, { recursive: true });
  const [file] = readdirSync(path.join(dir, 'comparisons'));
  const comparison = readFileSync(path.join(dir, 'comparisons', file!), 'utf8');
  const toolIds = /^tools: \[(.+)\]$/m.exec(comparison)![1]!.split(', ');
  for (let n = 2; n <= pairs; n++) {
    const renamed = (id: string) => `${id}-${n}`;
    for (const id of toolIds) {
      const tool = readFileSync(path.join(dir, 'tools', `${id}.yaml`), 'utf8')
        .replace(/^id: .+$/m, `id: ${renamed(id)}`)
        .replace(/^name: (.+)$/m, `name: $1 (${n})`);
      writeFileSync(path.join(dir, 'tools', `${renamed(id)}.yaml`), tool);
    }
    const copy = comparison
      .replace(/^id: (.+)$/m, `id: $1-${n}`)
      .replace(/^headline: (.+)$/m, `headline: $1 (${n})`)
      .replace(/^tools: .+$/m, `tools: [${toolIds.map(renamed).join(', ')}]`)
      .replace(/^(\s+tool: )(\S+)$/gm, (_, lead: string, id: string) => lead + renamed(id));
    writeFileSync(path.join(dir, 'comparisons', file!.replace('.yaml', `-${n}.yaml`)), copy);
  }
  return dir;
}

const builtArchives = new Map<number, Promise<{ issuesDir: string; dataDir: string }>>();

/** The seed week's archive with `pairs` pairs (1 or up to 6), built once per process. */
export async function seedArchive(pairs = 1): Promise<{ issuesDir: string; dataDir: string }> {
  let built = builtArchives.get(pairs);
  // A bench that cleans up after itself (variants.bench.ts) removes the folder: build it again.
  if (built && !existsSync((await built).issuesDir)) built = undefined;
  if (!built) {
    built = (async () => {
      const data = seedDataWithPairs(pairs);
      const issuesDir = path.join(tempDir('verdicts-archive-'), 'issues');
      const config = {
        ...loadConfig({ PUBLIC_BASE_URL: BASE_URL }),
        DATA_DIR: data,
        ISSUES_DIR: issuesDir,
      };
      const res = await buildFor(config, WEEK, { at: BUILD_NOW });
      if (res.status !== 'built') throw new Error('seed week did not build');
      const archived = JSON.parse(readFileSync(path.join(issuesDir, WEEK, 'issue.json'), 'utf8'));
      if (archived.pairs.length !== pairs) throw new Error(`built ${archived.pairs.length} pairs`);
      return { issuesDir, dataDir: data };
    })();
    builtArchives.set(pairs, built);
  }
  return built;
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

export async function sendWorkspace(
  opts: { subscribers?: number; withArchive?: boolean; pairs?: number } = {},
) {
  const dir = tempDir('verdicts-send-');
  const dbPath = path.join(dir, 'verdicts.db');
  const issuesDir = path.join(dir, 'issues');
  const outboxDir = path.join(dir, 'outbox');
  const pairs = opts.pairs ?? 1;
  const withArchive = opts.withArchive ?? true;
  const seed = withArchive ? await seedArchive(pairs) : { dataDir: seedDataWithPairs(pairs) };
  if ('issuesDir' in seed) cpSync(seed.issuesDir, issuesDir, { recursive: true });
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
      seed.dataDir,
      '--outbox',
      outboxDir,
      ...extra,
    ],
    env: (extra = {}) => ({
      TOKEN_SECRET: 'test-secret-0123456789abcdef',
      PUBLIC_BASE_URL: BASE_URL,
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
