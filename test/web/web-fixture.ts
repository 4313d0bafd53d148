// A running public server for tests: real HTTP on 127.0.0.1 port 0, a real SQLite file and
// outbox in a temp dir, the seed week archived (and marked sent on request), a manual clock.
// Closed after each test. Helpers speak HTTP the way a browser or a mail provider would.
import { cpSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterEach } from 'vitest';
import { type Config, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import type { Transport } from '../../src/send/transport.ts';
import { type Db, openDatabase } from '../../src/store/db.ts';
import { sqliteStore } from '../../src/store/sqlite-store.ts';
import { createSubscribers } from '../../src/store/subscribers.ts';
import type { DepsOverrides } from '../../src/web/public/deps.ts';
import { seedArchive, WEEK } from '../send/send-fixture.ts';
import { runCli } from '../support/cli.ts';
import { dataDir, tempDir } from '../support/paths.ts';
import { listenSite, listMail, parseOutbox } from './site-server.ts';

export { WEEK };
export const SECRET = 'test-secret-0123456789abcdef';
export const WEBHOOK_SECRET = `whsec_${Buffer.from('webhook-test-key-0123456789').toString('base64')}`;
export const PAIR = 'smolvlm2-vs-code-llama-4';
export const TOOLS = ['smolvlm2', 'code-llama-4'] as const;

export type StartOptions = {
  env?: Record<string, string>;
  overrides?: DepsOverrides;
  /** Build a transport from the final settings (default: the outbox). */
  transport?: (config: Config) => Transport;
  /** Mark the seed week sent (default true). */
  sent?: boolean;
};

export type TestServer = Awaited<ReturnType<typeof start>>;

async function start(opts: StartOptions = {}) {
  const dir = tempDir('verdicts-web-');
  const issuesDir = path.join(dir, 'issues');
  cpSync((await seedArchive()).issuesDir, issuesDir, { recursive: true });
  const env = {
    TOKEN_SECRET: SECRET,
    RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ISSUES_DIR: issuesDir,
    DATABASE_PATH: path.join(dir, 'verdicts.db'),
    OUTBOX_DIR: path.join(dir, 'outbox'),
    FROM_EMAIL: 'Weekly AI Tool Verdicts <news@verdicts.example>',
    ...opts.env,
  };
  const base = loadConfig(env);
  const db = openDatabase(base.DATABASE_PATH);
  if (opts.sent ?? true) markSent(db, WEEK);
  const clock = { now: new Date('2026-11-30T09:00:00Z') };
  const logs: string[] = [];
  const logger = createLogger({ format: 'json', out: (l) => logs.push(l) });
  const store = sqliteStore(db, SECRET);
  const site = await listenSite({ ...opts, base, store, clock, logger });
  const { url } = site;
  let closing: Promise<void> | undefined;

  return {
    url,
    dir,
    db,
    env,
    clock,
    logs,
    get config() {
      return site.config;
    },
    subscribers: createSubscribers(db),
    get: site.get,
    post: site.post,
    subscribe: site.subscribe,
    /** Parsed .eml files in the outbox, oldest first. */
    outbox: async () => {
      await site.mailSent();
      return parseOutbox(env.OUTBOX_DIR);
    },
    /** `verdicts send --week WEEK` with this site's settings (and `extra`, which wins). */
    sendWeek: (extra: Record<string, string> = {}) => {
      // The copied archive was built for another site; send refuses that, so it rebuilds the
      // week for this one (links to this server) before freezing it.
      rmSync(path.join(issuesDir, WEEK), { recursive: true, force: true });
      return runCli(['send', '--week', WEEK], {
        env: { ...env, DATA_DIR: dataDir, PUBLIC_BASE_URL: url, ...extra },
      });
    },
    confirmPath: site.confirmPath,
    mailSent: site.mailSent,
    mailQueue: () => site.deps.mailQueue.countByStatus(),
    close: () => {
      closing ??= (async () => {
        await site.close();
        db.close();
      })();
      return closing;
    },
  };
}

export function markSent(db: Db, week: string, status: 'sending' | 'sent' = 'sent') {
  db.prepare(
    `INSERT INTO issue_sends (week, content_hash, status, recipients, batches, started_at, finished_at)
     VALUES (?, 'test', ?, 0, 0, '2026-11-30T09:00:00Z', '2026-11-30T09:05:00Z')`,
  ).run(week, status);
}

/**
 * One browser's cookies, for the helpers above (which send none by themselves): `take` keeps
 * what a response set (a Max-Age=0 or empty value removes it), `header()` sends them back.
 * Paths and expiry are not modelled: the tests look at the attributes themselves.
 */
export function cookieJar() {
  const jar = new Map<string, string>();
  return {
    take(res: Response): Response {
      for (const line of res.headers.getSetCookie()) {
        const [pair = '', ...attrs] = line.split(';');
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        const value = pair.slice(eq + 1).trim();
        if (value === '' || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) jar.delete(name);
        else jar.set(name, value);
      }
      return res;
    },
    get: (name: string) => jar.get(name),
    set: (name: string, value: string) => jar.set(name, value),
    header: (): Record<string, string> =>
      jar.size === 0 ? {} : { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
  };
}

/** Mail in the outbox to `to`, once the queue has sent what it holds. */
export const mailTo = async (s: TestServer, to: string) => {
  await s.mailSent();
  return (await listMail(s.env.OUTBOX_DIR)).filter((m) => m.to === to);
};

/** Call at the top of a file; returns `start(opts)`; every server is closed after each test. */
export function useServer() {
  const running: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
  });
  return async (opts?: StartOptions) => {
    const s = await start(opts);
    running.push(s);
    return s;
  };
}

/** A form POST over a connection from `localAddress` (any 127.x address is this machine). */
export const postFrom = (
  s: Pick<TestServer, 'url'>,
  localAddress: string,
  form: Record<string, string>,
) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const body = new URLSearchParams(form).toString();
    const req = request(`${s.url}/subscribe`, {
      method: 'POST',
      localAddress,
      agent: false,
      headers: {
        origin: s.url,
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': Buffer.byteLength(body),
      },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
