// A running public server for tests: real HTTP on 127.0.0.1 port 0, a real SQLite file and
// outbox in a temp dir, the seed week archived (and marked sent on request), a manual clock.
// Closed after each test. Helpers speak HTTP the way a browser or a mail provider would.
import { cpSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach } from 'vitest';
import { type Config, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { createTransport } from '../../src/send/create-transport.ts';
import type { Transport } from '../../src/send/transport.ts';
import { type Db, openDatabase } from '../../src/store/db.ts';
import { sqliteStore } from '../../src/store/sqlite-store.ts';
import { createSubscribers } from '../../src/store/subscribers.ts';
import { createPublicApp } from '../../src/web/public/app.ts';
import { type DepsOverrides, type PublicDeps, publicDeps } from '../../src/web/public/deps.ts';
import { startPublicServer } from '../../src/web/public/server.ts';
import { seedArchive, WEEK } from '../send/send-fixture.ts';
import { runCli } from '../support/cli.ts';
import { dataDir, tempDir } from '../support/paths.ts';

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
  let config = base;
  let deps: PublicDeps | undefined;
  let closing: Promise<void> | undefined;
  const server = await startPublicServer({
    port: 0,
    host: '127.0.0.1',
    app: (url) => {
      config = { ...base, PUBLIC_BASE_URL: url };
      const transport = (opts.transport ?? createTransport)(config);
      deps = publicDeps(config, sqliteStore(db, SECRET), transport, logger, {
        now: () => clock.now,
        ...opts.overrides,
      });
      // As serve does: drain what an earlier server left queued, then poll.
      deps.mail.start();
      return createPublicApp(deps);
    },
  });
  const url = server.url;

  /** A form POST from our own pages (the browser sends Origin). */
  const post = (p: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(url + p, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url, ...headers },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });

  return {
    url,
    dir,
    db,
    env,
    clock,
    logs,
    get config() {
      return config;
    },
    subscribers: createSubscribers(db),
    get: (p: string, init: RequestInit = {}) => fetch(url + p, { redirect: 'manual', ...init }),
    post,
    subscribe: (email: string, name = '') => post('/subscribe', { email, name, website: '' }),
    /** Parsed .eml files in the outbox, oldest first. */
    outbox: async () => {
      await deps!.mail.idle();
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
    /** The path of the link in the latest confirmation email to `to`. */
    confirmPath: async (to: string) => {
      await deps!.mail.idle();
      // The latest confirmation email (a welcome may have come after it).
      const mails = (await listMail(env.OUTBOX_DIR)).filter((m) => m.to === to);
      const link = mails
        .map((m) => /https?:\/\/[^\s"<>]+\/confirm\/[^\s"<>]+/.exec(m.text)?.[0])
        .filter((l) => l !== undefined)
        .at(-1);
      if (!link) throw new Error(`no confirmation email to ${to} in the outbox`);
      return new URL(link).pathname;
    },
    /** The mail queue's worker has sent (or given up on) everything queued so far. */
    mailSent: () => deps!.mail.idle(),
    mailQueue: () => deps!.mailQueue.countByStatus(),
    close: () => {
      closing ??= (async () => {
        await server.close();
        await deps?.mail.stop();
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

function listEml(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true }) as string[];
  } catch {
    return [];
  }
  // Oldest first by when each was written: a send's folder name carries a random send id, so
  // name order says nothing of which send came last.
  return names
    .filter((n) => n.endsWith('.eml'))
    .map((n) => path.join(dir, n))
    .map((f) => ({ f, t: statSync(f).mtimeMs }))
    .sort((a, b) => a.t - b.t || (a.f < b.f ? -1 : a.f > b.f ? 1 : 0))
    .map(({ f }) => f);
}

const parseOutbox = (dir: string) =>
  Promise.all(listEml(dir).map((f) => simpleParser(readFileSync(f))));

async function listMail(dir: string) {
  return (await parseOutbox(dir)).map((m) => ({
    to: Array.isArray(m.to) ? m.to[0]?.text : m.to?.text,
    subject: m.subject ?? '',
    text: m.text ?? '',
    html: typeof m.html === 'string' ? m.html : '',
  }));
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
