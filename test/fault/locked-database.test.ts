// A process paused inside a database write (SIGSTOP in a transaction: a suspended VM, a stopped
// terminal job) keeps SQLite's write lock. A sender that meets it waits out busy_timeout, then
// says so plainly and exits with the busy code: no stack trace, no "bug", nothing sent. Once
// the lock is gone the same command sends the week, every reader once.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { sendWorkspace, WEEK } from '../send/send-fixture.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import { useChildren } from './child.ts';
import { expectExactlyOnce } from './expect-once.ts';

const start = useStandIn();
const spawnSend = useChildren();
const READERS = 300;
const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');

let locker: ChildProcess | undefined;
afterEach(async () => {
  if (!locker || locker.exitCode !== null || locker.signalCode !== null) return;
  const gone = new Promise((r) => locker!.once('exit', r));
  locker.kill('SIGKILL');
  await gone;
});

/** A process that takes the write lock on `file`, says so, and is then stopped holding it. */
async function pausedInsideAWrite(file: string): Promise<ChildProcess> {
  const script = `const Database = require(${JSON.stringify(sqlite)});
    const db = new Database(${JSON.stringify(file)});
    db.exec('BEGIN IMMEDIATE');
    db.prepare("UPDATE subscribers SET updated_at = updated_at WHERE id = 1").run();
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);`;
  locker = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: locker!.stdout! }).once('line', () => resolve());
    locker!.once('exit', (code) => reject(new Error(`locker exited ${code}`)));
  });
  locker.kill('SIGSTOP');
  return locker;
}

describe('fault: the database locked by a paused process', () => {
  it('send waits out the lock, exits 4 with a plain line and sends nothing; after, it sends once', async () => {
    const { standIn } = await start({ rateLimit: false, recordBodies: false });
    const ws = await sendWorkspace({ subscribers: READERS });
    const env = ws.env({ RESEND_API_KEY: KEY, RESEND_BASE_URL: standIn.url });
    const held = await pausedInsideAWrite(ws.dbPath);

    const blocked = await spawnSend(ws.args(), env).done;
    expect(blocked.stderr).not.toMatch(/unexpected error|SqliteError|at .*\.js:\d+/);
    expect(blocked.code, blocked.stderr + blocked.stdout).toBe(EXIT.busy);
    expect(blocked.stderr).toMatch(/database stayed locked by another process for over 10 s/);
    expect(standIn.stats().requests).toBe(0);

    const gone = new Promise((r) => held.once('exit', r));
    held.kill('SIGKILL'); // a killed process's lock goes with it
    await gone;
    const after = await spawnSend(ws.args(), env).done;
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain(`${WEEK}: sent ${READERS}, skipped 0, failed 0, uncertain 0`);
    expectExactlyOnce(standIn, READERS);
    ws.close();
  }, 60_000);
});
