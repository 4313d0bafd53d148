// One exit-code table for send, run and schedule (README "Exit codes"), a case per row. Rows
// proven elsewhere with real processes are named here so the table has one place to read:
//   0 sent ............ test/cli/send.test.ts "writes one parseable .eml", test/schedule/run.test.ts
//   1 bad input ....... test/cli/send.test.ts "bad input sends nothing", test/schedule/processes.test.ts
//   3 SIGTERM ......... test/fault/resume-rules.test.ts (send), test/schedule/processes.test.ts (schedule),
//                       test/cli/import-signals.test.ts (any other command: the first signal ends it)
//   3 lease lost ...... test/fault/paused-sender.test.ts, test/fault/resume-rules.test.ts
//   3 quota/uncertain . test/fault/resume-rules.test.ts
//   4 busy ............ test/fault/two-senders.test.ts, test/cli/send.test.ts
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeForError, exitCodeForRun } from '../../src/cli/exit-codes.ts';
import { VerdictsError } from '../../src/errors.ts';
import type { RunOutcome } from '../../src/pipeline/run-report.ts';
import { createLeases } from '../../src/store/leases.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { sendWorkspace, WEEK } from '../send/send-fixture.ts';
import { runCli } from '../support/cli.ts';
import { useStandIn } from '../support/stand-in-fixture.ts';
import { halfSentWeek } from './half-sent.ts';

const start = useStandIn();

describe('exit-code table', () => {
  it.each<[RunOutcome, number]>([
    ['sent', 0],
    ['already-sent', 0],
    ['no-pairs', 0],
    ['no-subscribers', 0],
    ['busy', 0],
    ['refused', 1],
    ['data-error', 1],
    ['error', 1],
    ['interrupted', 3],
    ['incomplete', 3],
  ])('run outcome %s → %i', (outcome, code) => {
    expect(exitCodeForRun({ outcome })).toBe(code);
  });

  it('errors: a held lease is busy (4), a changed archive under a started send is resumable (3), other input 1, a bug 2', () => {
    expect(exitCodeForError(new VerdictsError('send', 'lease_held', 'x'))).toBe(EXIT.busy);
    expect(exitCodeForError(new VerdictsError('send', 'archive_changed', 'x'))).toBe(3);
    // An import stopped by SIGINT/SIGTERM before writing: test/cli/import-signals.test.ts.
    expect(exitCodeForError(new VerdictsError('store', 'interrupted', 'x'))).toBe(3);
    expect(exitCodeForError(new VerdictsError('config', 'invalid_config', 'x'))).toBe(1);
    expect(exitCodeForError(new TypeError('undefined is not a function'))).toBe(2);
    // The database kept locked by another process midway: stopped, resumable; not a bug.
    const locked = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    expect(exitCodeForError(locked)).toBe(EXIT.incomplete);
    expect(exitCodeForRun({ outcome: 'error', bug: true })).toBe(2);
  });
});

describe('exit codes of real runs', () => {
  it('send: 2 for a bug (a database whose schema says current but has no tables), with the stack', async () => {
    const ws = await sendWorkspace({ subscribers: 0 });
    const broken = path.join(ws.dir, 'broken.db');
    const db = new Database(broken);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
    db.close();
    const args = ws.args();
    args[args.indexOf('--db') + 1] = broken;
    const res = await runCli(args, { env: ws.env() });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/unexpected error: SqliteError: no such table/);
  });

  it('run: a half-sent week whose archive was tampered with is 3 (outcome=incomplete), nothing more sent', async () => {
    const { ws, env, standIn } = await halfSentWeek(start);
    writeFileSync(path.join(ws.issuesDir, WEEK, 'email.html'), '<p>tampered</p>');
    const args = ws.args();
    args[0] = 'run';
    const res = await runCli(args, { env });
    const out = res.stdout + res.stderr;
    expect(res.code, out).toBe(3);
    expect(out).toMatch(/outcome=incomplete/);
    expect(out).toMatch(`${WEEK} has started sending but its archive cannot be sent`);
    expect(out).not.toMatch(/unexpected error/);
    expect(standIn.stats().accepted).toBe(100);
    ws.close();
  });

  it('run: another sender holding the week is outcome=busy with 0 (cron has nothing to report)', async () => {
    const ws = await sendWorkspace({ subscribers: 3 });
    createLeases(ws.db()).acquire(`send:${WEEK}`, {
      owner: 'other-host:4242:deadbeef',
      ttlMs: 60_000,
      now: new Date(),
      host: 'other-host',
      pid: 4242,
    });
    const args = ws.args();
    args[0] = 'run';
    const res = await runCli(args, { env: ws.env() });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/outcome=busy/);
    ws.close();
  });
});
