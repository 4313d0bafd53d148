// Faults on the PostgreSQL server, through `verdicts send` in a child process: settings that
// cannot work (nothing listens, a refused login, no such database) are one line and exit 1
// (fix, then re-run); a server that stops mid-send is one line and exit 3 (resumable), and the
// re-run once it is back gives every reader exactly one copy. The stop uses a server of this
// file's own, never the run's shared one.
import { createServer } from 'node:net';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { EXIT, exitCodeForError } from '../../src/cli/exit-codes.ts';
import { VerdictsError } from '../../src/errors.ts';
import { openStore } from '../../src/store/index.ts';
import { sendWorkspace, WEEK } from '../send/send-fixture.ts';
import { pgUrl } from '../support/postgres.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import { type PostgresServer, startPostgres } from '../support/start-postgres.ts';
import { useChildren } from './child.ts';
import { expectExactlyOnce, requestsReached } from './expect-once.ts';
import { SECRET, useStoreWorkspaces } from './stores.ts';

const start = useStandIn();
const spawnSend = useChildren();
const workspace = useStoreWorkspaces();

/** A port nobody listens on right now: the kernel's pick for port 0, given back at once. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });

/** The lines a run printed on stderr (no blank ones). */
const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

/** One line, no stack trace, no password. */
function expectOneLine(stderr: string, password: string) {
  expect(lines(stderr), stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toMatch(/unexpected error/);
  expect(stderr).not.toContain(password);
}

/** `verdicts send` over an empty workspace with DATABASE_URL set to `url`. */
async function sendWith(url: string) {
  const ws = await sendWorkspace();
  try {
    return await spawnSend(ws.args(), ws.env({ DATABASE_URL: url })).done;
  } finally {
    ws.close();
  }
}

describe('PostgreSQL settings that cannot work: one line, exit 1', () => {
  it('a wrong URL (nothing listens on the port) names the server without its password', async () => {
    const port = await freePort();
    const res = await sendWith(`postgres://verdicts:s3cret-pw@127.0.0.1:${port}/verdicts`);
    expect(res.code, res.stderr).toBe(EXIT.badInput);
    expectOneLine(res.stderr, 's3cret-pw');
    expect(res.stderr).toContain(
      `cannot reach PostgreSQL at postgres://verdicts:***@127.0.0.1:${port}/verdicts: connection refused`,
    );
  });

  it('a wrong password: the login refused', async () => {
    const url = new URL(`${inject('pgBaseUrl')}/postgres`);
    url.password = 'wrong-password-123';
    const res = await sendWith(url.toString());
    expect(res.code, res.stderr).toBe(EXIT.badInput);
    expectOneLine(res.stderr, 'wrong-password-123');
    expect(res.stderr).toMatch(
      /\[store\] PostgreSQL at postgres:\/\/postgres:\*\*\*@.* refused the login/,
    );
  });

  it('a database that does not exist', async () => {
    const res = await sendWith(pgUrl('verdicts_no_such_database'));
    expect(res.code, res.stderr).toBe(EXIT.badInput);
    expectOneLine(res.stderr, new URL(pgUrl()).password);
    expect(res.stderr).toMatch(/verdicts_no_such_database.*does not exist/);
  });
});

describe('PostgreSQL stopped mid-send', () => {
  // A server of this file's own (never the run's shared one), stopped and removed at the end.
  let started: Promise<PostgresServer> | undefined;
  const ownServer = () => {
    started ??= startPostgres({ purpose: 'the server-fault test' });
    return started;
  };
  afterAll(async () => {
    await (await started?.catch(() => undefined))?.stop();
  });

  it('a unit of work whose connection the server ends between two statements: db_unavailable, no crash', async () => {
    const own = await ownServer();
    const store = await openStore({
      url: `${own.baseUrl}/postgres`,
      path: 'unused',
      secret: SECRET,
    });
    try {
      const e = await store
        .atomically('pg-server-faults', async (tx) => {
          await tx.subscribers.countByStatus();
          // The connection is checked out and idle: the shutdown's FATAL arrives as an event.
          await own.pause();
          await new Promise((r) => setTimeout(r, 200));
          return tx.subscribers.countByStatus();
        })
        .then(
          () => undefined,
          (x: unknown) => x as VerdictsError,
        );
      expect(e?.code).toBe('db_unavailable');
      expect(e?.message).toContain(`postgres://postgres:***@127.0.0.1:${own.port}/postgres`);
      await own.resume();
      // The pool carries on with fresh connections once the server is back.
      expect((await store.subscribers.countByStatus()).active).toBe(0);
    } finally {
      await own.resume();
      await store.close();
    }
  }, 60_000);

  it('is resumable: exit 3 with one line; started again, the re-run sends every reader exactly once', async () => {
    const own = await ownServer();
    const READERS = 3000;
    const RATE = 5;
    const LEASE_SECONDS = 3;
    const { standIn } = await start({
      rateLimit: RATE,
      rateLimitPrecision: 'ms',
      recordBodies: false,
    });
    const ws = await workspace('postgres', {
      subscribers: READERS,
      url: `${own.baseUrl}/postgres`,
    });
    const env = ws.env({
      RESEND_API_KEY: KEY,
      RESEND_BASE_URL: standIn.url,
      RESEND_RATE_LIMIT: String(RATE),
      LEASE_SECONDS: String(LEASE_SECONDS),
      // The fault here is the database's: Resend's answers get all the time a loaded host needs.
      SEND_REQUEST_TIMEOUT_SECONDS: '10',
    });
    const first = spawnSend(ws.args(), env);
    await requestsReached(standIn, 4, 60_000);
    await own.pause();
    const stopped = await first.done;
    const diedAt = Date.now();
    expect(stopped.code, stopped.stderr).toBe(EXIT.incomplete);
    expectOneLine(stopped.stderr, new URL(own.baseUrl).password);
    expect(stopped.stderr).toContain(
      `[verdicts] [store] lost the connection to PostgreSQL at postgres://postgres:***@127.0.0.1:${own.port}/postgres`,
    );
    expect(stopped.stderr).toMatch(/run the same command again once the server is back/);
    const before = standIn.stats().requests;
    expect(before).toBeLessThan(READERS / 100);

    await own.resume();
    const midway = await ws.summary();
    expect(midway.recipients).toBe(READERS);
    expect(midway.sent).toBeLessThan(READERS);
    // The stopped sender could not release its lease: the re-run waits for it to expire.
    await new Promise((r) =>
      setTimeout(r, Math.max(0, diedAt + LEASE_SECONDS * 1000 + 500 - Date.now())),
    );
    const again = await spawnSend(ws.args(), env).done;
    expect(again.stderr).toBe('');
    expect(again.code, again.stdout).toBe(EXIT.ok);
    expect(again.stdout).toMatch(
      new RegExp(`${WEEK}: sent ${READERS}, skipped 0, failed 0, uncertain 0`),
    );
    expectExactlyOnce(standIn, READERS);
    expect((await ws.summary()).sent).toBe(READERS);
    expect(await ws.leaseHeld()).toBe(false);
  }, 180_000);

  it('the exit-code table: db_unavailable is incomplete (3), the settings codes are bad input (1)', () => {
    const e = (code: 'db_unavailable' | 'db_unreachable' | 'db_auth_failed' | 'db_missing') =>
      exitCodeForError(new VerdictsError('store', code, 'x'));
    expect(e('db_unavailable')).toBe(EXIT.incomplete);
    expect([e('db_unreachable'), e('db_auth_failed'), e('db_missing')]).toEqual([1, 1, 1]);
  });
});
