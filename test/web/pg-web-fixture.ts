// The public server over PostgreSQL, for tests: web-fixture.ts's server (real HTTP on
// 127.0.0.1 port 0, outbox in a temp dir, the seed week archived, a manual clock) with the
// store opened from a fresh PostgreSQL database through the face, as `verdicts serve` does with
// DATABASE_URL. The seed week is marked sent through the face too (one reader, one batch, message
// id `em_seed`), so votes are open and a webhook has a message to link. Effects are read
// through `store`. Closed (and the database dropped) after each test.
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach } from 'vitest';
import { type Config, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { createTransport } from '../../src/send/create-transport.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { createPublicApp } from '../../src/web/public/app.ts';
import { type PublicDeps, publicDeps } from '../../src/web/public/deps.ts';
import { startPublicServer } from '../../src/web/public/server.ts';
import { seedArchive } from '../send/send-fixture.ts';
import { tempDir } from '../support/paths.ts';
import { freshPgDatabase } from '../support/postgres.ts';
import { markSentThroughFace } from '../support/sent-week.ts';
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
  let config: Config = base;
  let deps: PublicDeps | undefined;
  let closing: Promise<void> | undefined;
  const server = await startPublicServer({
    port: 0,
    host: '127.0.0.1',
    app: (url) => {
      config = { ...base, PUBLIC_BASE_URL: url };
      deps = publicDeps(config, store, createTransport(config), logger, {
        now: () => clock.now,
      });
      deps.mail.start();
      return createPublicApp(deps);
    },
  });
  const url = server.url;

  const post = (p: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(url + p, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url, ...headers },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });

  const mailTo = async (to: string) => {
    await deps!.mail.idle();
    return (await listMail(env.OUTBOX_DIR)).filter((m) => m.to === to);
  };

  return {
    url,
    dir,
    env,
    clock,
    logs,
    store,
    seedReaderId,
    get config() {
      return config;
    },
    get: (p: string, init: RequestInit = {}) => fetch(url + p, { redirect: 'manual', ...init }),
    post,
    subscribe: (email: string, name = '') => post('/subscribe', { email, name, website: '' }),
    mailTo,
    /** The path of the link in the latest confirmation email to `to`. */
    confirmPath: async (to: string) => {
      const link = (await mailTo(to))
        .map((m) => /https?:\/\/[^\s"<>]+\/confirm\/[^\s"<>]+/.exec(m.text)?.[0])
        .filter((l) => l !== undefined)
        .at(-1);
      if (!link) throw new Error(`no confirmation email to ${to} in the outbox`);
      return new URL(link).pathname;
    },
    mailSent: () => deps!.mail.idle(),
    close: () => {
      closing ??= (async () => {
        await server.close();
        await deps?.mail.stop();
        await store.close();
        await database.drop();
      })();
      return closing;
    },
  };
}

function listEml(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true }) as string[];
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.eml'))
    .map((n) => path.join(dir, n))
    .sort();
}

async function listMail(dir: string) {
  const parsed = await Promise.all(listEml(dir).map((f) => simpleParser(readFileSync(f))));
  return parsed.map((m) => ({
    to: Array.isArray(m.to) ? m.to[0]?.text : m.to?.text,
    subject: m.subject ?? '',
    text: m.text ?? '',
    html: typeof m.html === 'string' ? m.html : '',
  }));
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
