// The public server as both web fixtures run it: real HTTP on 127.0.0.1 port 0, over the store
// the fixture opened (SQLite or PostgreSQL), on the fixture's manual clock, with the mail worker
// started as `serve` starts it. HTTP helpers speak as a browser or a mail provider would.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { Config } from '../../src/config.ts';
import type { Logger } from '../../src/log.ts';
import { createTransport } from '../../src/send/create-transport.ts';
import type { Transport } from '../../src/send/transport.ts';
import type { Store } from '../../src/store/index.ts';
import { createPublicApp } from '../../src/web/public/app.ts';
import { type DepsOverrides, type PublicDeps, publicDeps } from '../../src/web/public/deps.ts';
import { startPublicServer } from '../../src/web/public/server.ts';

export type SiteOptions = {
  base: Config;
  store: Store;
  clock: { now: Date };
  logger: Logger;
  /** Build a transport from the final settings (default: the outbox). */
  transport?: (config: Config) => Transport;
  overrides?: DepsOverrides;
};

export async function listenSite(opts: SiteOptions) {
  let config = opts.base;
  let deps: PublicDeps | undefined;
  const server = await startPublicServer({
    port: 0,
    host: '127.0.0.1',
    app: (url) => {
      config = { ...opts.base, PUBLIC_BASE_URL: url };
      const transport = (opts.transport ?? createTransport)(config);
      deps = publicDeps(config, opts.store, transport, opts.logger, {
        now: () => opts.clock.now,
        ...opts.overrides,
      });
      // As serve does: drain what an earlier server left queued, then poll.
      deps.mail.start();
      return createPublicApp(deps);
    },
  });
  const url = server.url;
  const outbox = opts.base.OUTBOX_DIR;

  /** A form POST from our own pages (the browser sends Origin). */
  const post = (p: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(url + p, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url, ...headers },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
  /** The mail to `to` in the outbox, oldest first, once the worker has sent what is queued. */
  const mailTo = async (to: string) => {
    await deps!.mail.idle();
    return (await listMail(outbox)).filter((m) => m.to === to);
  };

  return {
    url,
    get config() {
      return config;
    },
    get deps() {
      return deps!;
    },
    get: (p: string, init: RequestInit = {}) => fetch(url + p, { redirect: 'manual', ...init }),
    post,
    subscribe: (email: string, name = '') => post('/subscribe', { email, name, website: '' }),
    mailTo,
    /** The path of the link in the latest confirmation email to `to`. */
    confirmPath: async (to: string) => {
      // The latest confirmation email (a welcome may have come after it).
      const link = (await mailTo(to))
        .map((m) => /https?:\/\/[^\s"<>]+\/confirm\/[^\s"<>]+/.exec(m.text)?.[0])
        .filter((l) => l !== undefined)
        .at(-1);
      if (!link) throw new Error(`no confirmation email to ${to} in the outbox`);
      return new URL(link).pathname;
    },
    /** The mail queue's worker has sent (or given up on) everything queued so far. */
    mailSent: () => deps!.mail.idle(),
    /** Stop listening, then the mail worker. */
    close: async () => {
      await server.close();
      await deps?.mail.stop();
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
  // Oldest first by when each was written: a send's folder name carries a random send id, so
  // name order says nothing of which send came last.
  return names
    .filter((n) => n.endsWith('.eml'))
    .map((n) => path.join(dir, n))
    .map((f) => ({ f, t: statSync(f).mtimeMs }))
    .sort((a, b) => a.t - b.t || (a.f < b.f ? -1 : a.f > b.f ? 1 : 0))
    .map(({ f }) => f);
}

/** Parsed .eml files in the outbox, oldest first. */
export const parseOutbox = (dir: string) =>
  Promise.all(listEml(dir).map((f) => simpleParser(readFileSync(f))));

export async function listMail(dir: string) {
  return (await parseOutbox(dir)).map((m) => ({
    to: Array.isArray(m.to) ? m.to[0]?.text : m.to?.text,
    subject: m.subject ?? '',
    text: m.text ?? '',
    html: typeof m.html === 'string' ? m.html : '',
  }));
}
