// `subscribers forget`: the erasure path. The address leaves no bytes in the database files
// (grepped, WAL included), counts and the ledger summary stay as they were, and a later
// import or add of the address is refused.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV_TOKEN_SECRET } from '../../src/config.ts';
import { openDatabase } from '../../src/store/db.ts';
import { createEvents } from '../../src/store/events.ts';
import { createLedger } from '../../src/store/ledger.ts';
import { createSubscribers } from '../../src/store/subscribers.ts';
import { createSuppressions } from '../../src/store/suppressions.ts';
import { createVotes } from '../../src/store/votes.ts';
import { at } from '../store/db-fixture.ts';
import { runCli } from '../support/cli.ts';
import { tempDir } from '../support/paths.ts';

const WEEK = '2026-W36';
const ADDRESS = 'Forget.Me@example.com';

/** Every database file (main, WAL, shared memory) lower-cased, as one string to search. */
const fileText = (db: string) =>
  ['', '-wal', '-shm']
    .map((s) => db + s)
    .filter(existsSync)
    .map((f) => readFileSync(f).toString('latin1').toLowerCase())
    .join('\n');

/** Three readers sent one issue; the one to forget also voted and has provider events. */
function seed(file: string, opts: { finish: boolean }) {
  const db = openDatabase(file);
  const subs = createSubscribers(db);
  const ids = ['keep@example.com', ADDRESS, 'other@example.com'].map((email, i) => {
    const s = subs.add(email, {
      name: i === 1 ? 'Forgettable Name' : null,
      source: 'form',
      status: 'active',
      now: at(i),
    });
    if (!s.ok) throw new Error('add');
    return s.value.id;
  });
  const ledger = createLedger(db);
  ledger.freeze(WEEK, 'hash', at(10));
  if (opts.finish) {
    ledger.startAttempt(WEEK, 0, at(11));
    const recipients = ledger.queuedRecipients(WEEK, 0);
    ledger.markSubmitted(
      WEEK,
      0,
      recipients.map((r) => r.subscriberId),
      recipients.map((r) => `msg-${r.subscriberId}`),
      at(12),
    );
    ledger.finishIfComplete(WEEK, at(13));
  }
  const events = createEvents(db);
  events.record({
    svixId: 'msg_1',
    type: 'email.delivered',
    email: ADDRESS.toLowerCase(),
    messageId: `msg-${ids[1]}`,
    createdAt: at(20),
    payload: JSON.stringify({
      type: 'email.delivered',
      data: { to: [ADDRESS], email_id: `msg-${ids[1]}` },
    }),
  });
  events.record({
    svixId: 'msg_2',
    type: 'email.delivered',
    email: 'keep@example.com',
    messageId: `msg-${ids[0]}`,
    createdAt: at(21),
    payload: '{"data":{"to":["keep@example.com"]}}',
  });
  const votes = createVotes(db);
  votes.cast({ subscriberId: ids[1]!, pairId: 'p1', toolId: 'alpha', week: WEEK, now: at(30) });
  votes.cast({ subscriberId: ids[0]!, pairId: 'p1', toolId: 'beta', week: WEEK, now: at(31) });
  db.close();
  return ids;
}

describe('verdicts subscribers forget', () => {
  it('leaves no trace of the address in any table or database file, and keeps the counts', async () => {
    const cwd = tempDir('verdicts-forget-');
    const file = path.join(cwd, 'v.db');
    seed(file, { finish: true });
    expect(fileText(file)).toContain(ADDRESS.toLowerCase());
    const before = openDatabase(file);
    const summary = createLedger(before).summary(WEEK);
    const voteCounts = createVotes(before).countsByPair();
    before.close();

    const res = await runCli(['subscribers', 'forget', 'forget.me@EXAMPLE.com', '--db', file], {
      cwd,
    });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      'forgot forget.me@EXAMPLE.com: subscriber row emptied (kept without address or name, so counts stay right); 1 ledger rows emptied of address and name; 1 events deleted; 1 votes kept without the address',
    );
    expect(res.stderr).toBe('');

    const text = fileText(file);
    expect(text).not.toContain('forget.me@example.com');
    expect(text).not.toContain('forgettable name');
    expect(text).toContain('keep@example.com'); // the grep does see addresses that stay

    const db = openDatabase(file);
    expect(createLedger(db).summary(WEEK)).toEqual(summary);
    expect(createVotes(db).countsByPair()).toEqual(voteCounts);
    expect(createSubscribers(db).countByStatus().active).toBe(2);
    expect(createSuppressions(db, DEV_TOKEN_SECRET).reasonFor(ADDRESS)).toBe('forgotten');
    expect(db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 1 });
    db.close();

    // A later import that lists it: refused, and still no trace.
    writeFileSync(
      path.join(cwd, 'again.csv'),
      `email,name\n${ADDRESS},Back Again\nnew@example.com,\n`,
    );
    const again = await runCli(['subscribers', 'import', 'again.csv', '--db', file], { cwd });
    expect(again.stdout).toBe('imported again.csv as plain: active 1 added, 0 kept, 1 refused\n');
    expect(again.stderr).toContain('erased (forgotten): never re-added');
    const after = openDatabase(file);
    after.pragma('wal_checkpoint(TRUNCATE)');
    after.close();
    expect(fileText(file)).not.toContain('forget.me@example.com');
    expect(fileText(file)).not.toContain('back again');
  });

  it('deletes a row with no history outright; an unknown address is still suppressed from then on', async () => {
    const cwd = tempDir('verdicts-forget-');
    const file = path.join(cwd, 'v.db');
    await runCli(['subscribers', 'add', 'fresh@example.com', '--db', file], { cwd });
    const res = await runCli(['subscribers', 'forget', 'fresh@example.com', '--db', file], { cwd });
    expect(res.stdout).toContain('forgot fresh@example.com: subscriber row deleted; 0 ledger rows');
    const unknown = await runCli(
      ['subscribers', 'forget', 'never-seen@example.com', '--db', file],
      { cwd },
    );
    expect(unknown).toMatchObject({ code: 0 });
    expect(unknown.stdout).toContain('no subscriber row');
    expect(
      (await runCli(['subscribers', 'add', 'never-seen@example.com', '--db', file], { cwd })).code,
    ).toBe(1);
    expect(fileText(file)).not.toContain('fresh@example.com');
    expect(fileText(file)).not.toContain('never-seen@example.com');
  });

  it('touches nothing of a longer address that contains this one (bob@ when forgetting ob@)', async () => {
    const cwd = tempDir('verdicts-forget-');
    const file = path.join(cwd, 'v.db');
    const db = openDatabase(file);
    const subs = createSubscribers(db);
    subs.add('ob@example.com', { source: 'cli', status: 'active', now: at(0) });
    subs.add('bob@example.com', { source: 'cli', status: 'active', now: at(0) });
    createEvents(db).record({
      svixId: 'msg_b',
      type: 'email.delivered',
      email: 'bob@example.com',
      messageId: 'm-b',
      createdAt: at(1),
      payload: '{"data":{"to":["bob@example.com"]}}',
    });
    db.close();
    const res = await runCli(['subscribers', 'forget', 'ob@example.com', '--db', file], { cwd });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      'subscriber row deleted; 0 ledger rows emptied of address and name; 0 events deleted',
    );
    const after = openDatabase(file);
    expect(createSubscribers(after).getByEmail('bob@example.com')?.status).toBe('active');
    expect(after.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 1 });
    after.close();
  });

  it('a forgotten reader in a batch not yet sent is skipped when that batch goes out', async () => {
    const cwd = tempDir('verdicts-forget-');
    const file = path.join(cwd, 'v.db');
    const [, forgotten] = seed(file, { finish: false }); // frozen, batch 0 still pending
    const res = await runCli(['subscribers', 'forget', ADDRESS, '--db', file], { cwd });
    expect(res.code).toBe(0);
    const db = openDatabase(file);
    const ledger = createLedger(db);
    const attempt = ledger.startAttempt(WEEK, 0, at(50));
    expect(attempt).toMatchObject({ kind: 'started', skipped: 1 });
    const queued = ledger.queuedRecipients(WEEK, 0);
    expect(queued.map((r) => r.subscriberId)).not.toContain(forgotten);
    expect(queued).toHaveLength(2);
    expect(ledger.summary(WEEK)).toMatchObject({ recipients: 3, skipped: 1 });
    db.close();
  });

  it('refuses, changing nothing, while a batch carrying the address is being sent', async () => {
    const cwd = tempDir('verdicts-forget-');
    const file = path.join(cwd, 'v.db');
    seed(file, { finish: false });
    const db = openDatabase(file);
    createLedger(db).startAttempt(WEEK, 0, at(40)); // submitting: a retry must reuse the bytes
    db.close();
    const res = await runCli(['subscribers', 'forget', ADDRESS, '--db', file], { cwd });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`batch 0 of ${WEEK} is being sent with it`);
    const check = openDatabase(file);
    expect(createSubscribers(check).getByEmail(ADDRESS)?.status).toBe('active');
    expect(createSuppressions(check, DEV_TOKEN_SECRET).has(ADDRESS)).toBe(false);
    check.close();
  });

  it('refuses what is not an address (exit 1) before opening the store: no hash is stored', async () => {
    const cwd = tempDir('verdicts-forget-');
    const file = path.join(cwd, 'v.db');
    for (const bad of ['not-an-address', 'Ada Lovelace', 'a@b', '']) {
      const res = await runCli(['subscribers', 'forget', bad, '--db', file], { cwd });
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/^\[verdicts\] \[cli\] not a valid email address: /);
      expect(res.stderr).toContain('nothing was changed');
    }
    expect(existsSync(file)).toBe(false);
  });
});
