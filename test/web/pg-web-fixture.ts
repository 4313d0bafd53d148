// The public server over PostgreSQL, for tests: web-fixture.ts's server (real HTTP on
// 127.0.0.1 port 0, outbox in a temp dir, the seed week archived, a manual clock) with the
// store opened from a fresh PostgreSQL database through the face, as `verdicts serve` does with
// DATABASE_URL. The seed week is marked sent through the face too (one reader, one batch, message
// id `em_seed`), so votes are open and a webhook has a message to link. Effects are read
// through `store`. Closed (and the database dropped) after each test.
import { cpSync } from 'node:fs';
import path from 'node:path';
import { afterEach } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { seedArchive } from '../send/send-fixture.ts';
import { tempDir } from '../support/paths.ts';
import { freshPgDatabase } from '../support/postgres.ts';
import { markSentThroughFace } from '../support/sent-week.ts';
import { listenSite } from './site-server.ts';
import { SECRET, WEBHOOK_SECRET, WEEK } from './web-fixture.ts';

export { PAIR, SECRET, TOOLS, WEBHOOK_SECRET, WEEK } from './web-fixture.ts';

/** The reader the seed week was "sent" to, and that send's message id. */
export const SEED_READER = 'seed.reader@example.com';
export const SEED_MESSAGE_ID = 'em_seed';

export type PgTestServer = Awaited<ReturnType<typeof start>>;

async function start(opts: { env?: Record<string, string> } = {}) {
  const dir = tempDir('verdicts-pgweb-');
  const issuesDir = path.join(dir, 'issues');
  cpSync((await seedArchive()).issuesDir, issuesDir, { recursive: true });
  const database = await freshPgDatabase('web');
  const env = {
    TOKEN_SECRET: SECRET,
    RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ISSUES_DIR: issuesDir,
    DATABASE_URL: database.url,
    DATABASE_PATH: path.join(dir, 'unused.db'),
    OUTBOX_DIR: path.join(dir, 'outbox'),
    FROM_EMAIL: 'Weekly AI Tool Verdicts <news@verdicts.example>',
    ...opts.env,
  };
  const base = loadConfig(env);
  let store: Store;
  try {
    store = await openStore({ url: base.DATABASE_URL, path: 'unused', secret: SECRET });
  } catch (e) {
    await database.drop();
    throw e;
  }
  const clock = { now: new Date('2026-11-30T09:00:00Z') };
  const at = new Date('2026-11-30T08:00:00Z');
  const seeded = await markSentThroughFace(store, WEEK, at, [SEED_READER], () => SEED_MESSAGE_ID);
  const seedReaderId = seeded[0]!;
  const logs: string[] = [];
  const logger = createLogger({ format: 'json', out: (l) => logs.push(l) });
  const site = await listenSite({ base, store, clock, logger });
  let closing: Promise<void> | undefined;

  return {
    url: site.url,
    dir,
    env,
    clock,
    logs,
    store,
    seedReaderId,
    get config() {
      return site.config;
    },
    get: site.get,
    post: site.post,
    subscribe: site.subscribe,
    mailTo: site.mailTo,
    confirmPath: site.confirmPath,
    mailSent: site.mailSent,
    close: () => {
      closing ??= (async () => {
        await site.close();
        await store.close();
        await database.drop();
      })();
      return closing;
    },
  };
}

/** Call at the top of a file; returns `start(opts)`; every server is closed after each test. */
export function usePgServer() {
  const running: PgTestServer[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
  });
  return async (opts?: { env?: Record<string, string> }) => {
    const s = await start(opts);
    running.push(s);
    return s;
  };
}
