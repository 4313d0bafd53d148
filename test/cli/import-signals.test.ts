// Every command ends on the first signal, and an import reads only regular files. Real child
// processes: a FIFO, /dev/zero and SIGTERM only mean anything to a real process. The first
// SIGTERM used to be swallowed (an abort nobody listened to) while the import waited on a FIFO
// or parsed /dev/zero without end.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeForError } from '../../src/cli/exit-codes.ts';
import { isVerdictsError } from '../../src/errors.ts';
import { importSubscribersCsv, openStore, type Store } from '../../src/store/index.ts';
import { runCli } from '../support/cli.ts';
import { childCwd, childEnv } from '../support/isolated-env.ts';
import { binPath, tempDir } from '../support/paths.ts';
import { freshPgDatabase } from '../support/postgres.ts';

type ImportRowOf = Extract<Parameters<Store['importRows']>[0], readonly unknown[]>[number];

type Ended = { code: number | null; signal: NodeJS.Signals | null; stderr: string; ms: number };

function start(args: string[], db: string): { child: ChildProcess; ended: Promise<Ended> } {
  const t0 = Date.now();
  const child = spawn(process.execPath, [binPath, ...args], {
    cwd: childCwd(),
    env: childEnv({ DATABASE_PATH: db }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  child.stdout!.resume();
  // A hang must fail the test, not the run: 20 s, then SIGKILL.
  const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const ended = new Promise<Ended>((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stderr, ms: Date.now() - t0 });
    }),
  );
  return { child, ended };
}

const count = (db: string) => {
  const d = new Database(db, { readonly: true });
  try {
    return (d.prepare('SELECT COUNT(*) AS n FROM subscribers').get() as { n: number }).n;
  } finally {
    d.close();
  }
};

function bigCsv(rows: number): string {
  const file = path.join(tempDir('verdicts-big-'), 'big.csv');
  const fd = openSync(file, 'w');
  writeSync(fd, 'email,name\n');
  for (let i = 0; i < rows; i += 10_000) {
    const lines: string[] = [];
    for (let j = i; j < i + 10_000; j++) lines.push(`reader${j}@example.com,Reader ${j}\n`);
    writeSync(fd, lines.join(''));
  }
  closeSync(fd);
  return file;
}

describe('import refuses what is not a regular file', () => {
  it('a FIFO: one clear line naming it, exit 1, at once (no writer needed)', async () => {
    const fifo = path.join(tempDir('verdicts-fifo-'), 'list.csv');
    execFileSync('mkfifo', [fifo]);
    const db = path.join(tempDir('verdicts-db-'), 'v.db');
    const { ended } = start(['subscribers', 'import', fifo], db);
    const res = await ended;
    expect(res.signal).toBeNull();
    // On its own, long before the 20 s guard (most of this is Node and tsx starting up).
    expect(res.ms).toBeLessThan(10_000);
    expect(res.code).toBe(EXIT.badInput);
    expect(res.stderr.trim().split('\n')).toEqual([
      `[verdicts] [store] ${fifo}: a FIFO (named pipe): not a regular file`,
    ]);
  }, 30_000);

  it('/dev/zero (suppress too): refused before a byte is read, exit 1', async () => {
    const db = path.join(tempDir('verdicts-db-'), 'v.db');
    const res = await start(['subscribers', 'suppress', '/dev/zero'], db).ended;
    expect(res.ms).toBeLessThan(10_000);
    expect(res.code).toBe(EXIT.badInput);
    expect(res.stderr.trim()).toBe('[verdicts] [store] /dev/zero: a device: not a regular file');
  }, 30_000);
});

describe('the first signal ends an import, nothing written', () => {
  it('one SIGTERM during a large import: exit 3 with one line, the database unchanged', async () => {
    const file = bigCsv(500_000);
    const db = path.join(tempDir('verdicts-db-'), 'v.db');
    const { child, ended } = start(['subscribers', 'import', file], db);
    // The store is opened (and migrated) before the file is read: then it is reading.
    while (!existsSync(db)) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    const sentAt = Date.now();
    const res = await ended;
    expect(res.signal).toBeNull();
    expect(res.code).toBe(EXIT.incomplete);
    expect(Date.now() - sentAt).toBeLessThan(5_000);
    expect(res.stderr).toMatch(/stopped \(received SIGTERM\)/);
    expect(count(db)).toBe(0);
  }, 60_000);

  it('in process: an aborted signal stops the import before it writes (exit 3)', async () => {
    const file = bigCsv(20_000);
    const db = path.join(tempDir('verdicts-db-'), 'v.db');
    const abort = new AbortController();
    abort.abort(new Error('received SIGINT'));
    const res = await runCli(['subscribers', 'import', file], {
      env: { DATABASE_PATH: db },
      signal: abort.signal,
    });
    expect(res.code).toBe(EXIT.incomplete);
    expect(res.stderr).toMatch(/import stopped \(received SIGINT\); nothing was written/);
    expect(count(db)).toBe(0);
  });
});

describe.each(['sqlite', 'postgres'] as const)(
  'a signal during the applying pass (%s): every chunk already applied is rolled back',
  (kind) => {
    it('stops with interrupted after the store took chunks; the subscribers stay as they were', async () => {
      const file = bigCsv(9_000);
      const pg = kind === 'postgres' ? await freshPgDatabase('import_signal') : undefined;
      const store = await openStore({
        path: path.join(tempDir('verdicts-db-'), 'v.db'),
        secret: 'import-signal-secret-0123456789',
        ...(pg ? { url: pg.url } : {}),
      });
      try {
        await store.subscribers.add('kept@example.com', {
          status: 'active',
          source: 'test',
          now: new Date(0),
        });
        const abort = new AbortController();
        let chunks = 0;
        // The store sees the chunks the reader hands it; the signal comes after the second.
        const watched: Pick<Store, 'importRows'> = {
          importRows: (rows, opts) =>
            store.importRows(
              (async function* () {
                for await (const chunk of rows as AsyncIterable<readonly ImportRowOf[]>) {
                  yield chunk;
                  if (++chunks === 2) abort.abort(new Error('received SIGTERM'));
                }
              })(),
              opts,
            ),
        };
        const e = await importSubscribersCsv(watched, file, {
          at: new Date(0),
          signal: abort.signal,
        }).then(
          () => undefined,
          (x: unknown) => x,
        );
        expect(chunks).toBe(2);
        expect(isVerdictsError(e) && e.code).toBe('interrupted');
        expect(exitCodeForError(e)).toBe(EXIT.incomplete);
        expect(await store.subscribers.countByStatus()).toMatchObject({ active: 1 });
        expect(await store.subscribers.getByEmail('reader0@example.com')).toBeUndefined();
      } finally {
        await store.close();
        await pg?.drop();
      }
    }, 60_000);
  },
);
