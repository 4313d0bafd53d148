import { describe, expect, it } from 'vitest';
import { createLedger } from '../../src/store/ledger.ts';
import { ledgerStatements } from '../../src/store/ledger-sql.ts';
import { createSubscribers } from '../../src/store/subscribers.ts';
import { addReaders, reader } from '../send/send-fixture.ts';
import { at, useDb } from './db-fixture.ts';

const openDb = useDb();
const W = '2026-W48';

function setup(active: number) {
  const db = openDb();
  addReaders(db, active);
  return { db, ledger: createLedger(db), subs: createSubscribers(db) };
}

describe('ledger: freeze', () => {
  it('freezes active subscribers in id order into batches of 100 with their address and name', () => {
    const { db, ledger, subs } = setup(250);
    subs.add('pending@example.com', { source: 'form', now: at(0) }); // pending: not frozen
    subs.setStatus(subs.getByEmail(reader(7))!.id, 'unsubscribed', at(0));
    const res = ledger.freeze(W, 'hash-a', at(10));
    expect(res).toMatchObject({
      ok: true,
      value: {
        resumed: false,
        send: { week: W, contentHash: 'hash-a', status: 'sending', recipients: 249, batches: 3 },
      },
    });
    const sizes = db
      .prepare(
        'SELECT batch_no AS b, COUNT(*) AS n, MIN(subscriber_id) AS lo FROM send_recipients GROUP BY batch_no',
      )
      .all();
    expect(sizes).toEqual([
      { b: 0, n: 100, lo: 1 },
      { b: 1, n: 100, lo: 102 },
      { b: 2, n: 49, lo: 202 },
    ]);
    expect(ledger.queuedRecipients(W, 0)[0]).toEqual({
      subscriberId: 1,
      email: reader(1),
      name: 'Reader 1',
      variant: null,
    });
    expect(ledger.batch(W, 0)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('a second freeze resumes the first; a different content hash is refused', () => {
    const { ledger } = setup(5);
    ledger.freeze(W, 'hash-a', at(0));
    expect(ledger.freeze(W, 'hash-a', at(60))).toMatchObject({
      ok: true,
      value: { resumed: true, send: { recipients: 5, startedAt: at(0).toISOString() } },
    });
    expect(ledger.freeze(W, 'hash-b', at(60))).toEqual({
      ok: false,
      error: { frozenHash: 'hash-a' },
    });
  });

  it('subscribers added after the freeze are not in this issue', () => {
    const { db, ledger } = setup(3);
    ledger.freeze(W, 'h', at(0));
    addReaders(db, 2, 4);
    expect(ledger.freeze(W, 'h', at(1))).toMatchObject({ value: { send: { recipients: 3 } } });
    expect(ledger.summary(W).recipients).toBe(3);
  });

  it('isFrozen, which the build asks through the pipeline', async () => {
    const { ledger } = setup(1);
    const check = async (week: string) => ledger.isFrozen(week);
    expect(await check(W)).toBe(false);
    ledger.freeze(W, 'h', at(0));
    expect(await check(W)).toBe(true);
    expect(await check('2026-W49')).toBe(false);
  });

  it('reads the topic routes once into an indexed table, not once per reader, and routes every choice', () => {
    const { db, ledger, subs } = setup(600);
    // 300 distinct choices, as a long list of readers picking among many categories makes.
    for (let id = 1; id <= 600; id++) subs.setTopics(id, [`topic-${id % 300}`], at(0));
    const route = (topics: readonly string[] | null) => ({ variant: `v-${topics![0]}` });
    expect(ledger.freeze(W, 'h', at(1), undefined, route)).toMatchObject({
      value: { send: { recipients: 600 } },
    });
    const wrong = db
      .prepare(
        `SELECT COUNT(*) AS n FROM send_recipients
         WHERE week = ? AND variant IS NOT 'v-topic-' || (subscriber_id % 300)`,
      )
      .get(W);
    expect(wrong).toEqual({ n: 0 });
    // Joined to json_each itself, SQLite parsed all the routes' JSON again for every reader.
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${ledgerStatements(db).freezeRecipients.source}`)
      .all({ week: W, routes: '{}' }) as { detail: string }[];
    const steps = plan.map((s) => s.detail);
    expect(steps).toContain('MATERIALIZE routes');
    expect(steps.filter((s) => s.includes('VIRTUAL TABLE') && s.includes('JOIN'))).toEqual([]);
    expect(steps.some((s) => /^SEARCH r USING .*INDEX/.test(s))).toBe(true);
  });
});

describe('ledger: batch states', () => {
  it('the first attempt skips readers no longer active; a retry skips nobody new', () => {
    const { ledger, subs } = setup(150);
    ledger.freeze(W, 'h', at(0));
    subs.setStatus(subs.getByEmail(reader(3))!.id, 'unsubscribed', at(1));
    subs.setStatus(subs.getByEmail(reader(120))!.id, 'bounced', at(1));
    const first = ledger.startAttempt(W, 0, at(2));
    expect(first).toMatchObject({
      kind: 'started',
      first: true,
      skipped: 1,
      batch: { status: 'submitting', attempts: 1, firstAttemptAt: at(2).toISOString() },
    });
    expect(ledger.queuedRecipients(W, 0)).toHaveLength(99);
    // Attempted: a later unsubscribe cannot change this batch's payload.
    subs.setStatus(subs.getByEmail(reader(4))!.id, 'complained', at(3));
    const retry = ledger.startAttempt(W, 0, at(4));
    expect(retry).toMatchObject({
      first: false,
      skipped: 0,
      batch: {
        attempts: 2,
        firstAttemptAt: at(2).toISOString(),
        lastAttemptAt: at(4).toISOString(),
      },
    });
    expect(ledger.queuedRecipients(W, 0)).toHaveLength(99);
    // Batch 1 was not attempted: reader 120 is skipped there.
    expect(ledger.startAttempt(W, 1, at(5))).toMatchObject({ kind: 'started', skipped: 1 });
  });

  it('submitted stores one message id per recipient, in payload order, and finishes the issue', () => {
    const { db, ledger } = setup(120);
    ledger.freeze(W, 'h', at(0));
    expect(ledger.nextOpenBatch(W, -1)?.batchNo).toBe(0);
    for (const b of [0, 1]) {
      ledger.startAttempt(W, b, at(1));
      const rs = ledger.queuedRecipients(W, b);
      expect(ledger.finishIfComplete(W, at(2))).toBe(false);
      ledger.markSubmitted(
        W,
        b,
        rs.map((r) => r.subscriberId),
        rs.map((r) => `id-${r.subscriberId}`),
        at(2),
      );
    }
    expect(ledger.nextOpenBatch(W, -1)).toBeUndefined();
    expect(
      db.prepare('SELECT message_id FROM send_recipients WHERE subscriber_id = 117').get(),
    ).toEqual({
      message_id: 'id-117',
    });
    expect(ledger.finishIfComplete(W, at(3))).toBe(true);
    expect(ledger.get(W)).toMatchObject({ status: 'sent', finishedAt: at(3).toISOString() });
    expect(ledger.summary(W)).toEqual({
      recipients: 120,
      sent: 120,
      skipped: 0,
      refused: 0,
      pending: 0,
      failed: 0,
      uncertain: 0,
      batches: { pending: 0, submitting: 0, submitted: 2, failed: 0, uncertain: 0 },
    });
  });

  it('failed keeps the error and stays open (a resume retries it); uncertain can be reopened', () => {
    const { ledger } = setup(300);
    ledger.freeze(W, 'h', at(0));
    ledger.startAttempt(W, 0, at(1));
    ledger.markFailed(W, 0, 'validation_error (422): bad');
    ledger.startAttempt(W, 1, at(1));
    ledger.markUncertain(W, 1, 'window passed');
    expect(ledger.batch(W, 0)).toMatchObject({
      status: 'failed',
      error: 'validation_error (422): bad',
    });
    expect(ledger.nextOpenBatch(W, -1)?.batchNo).toBe(0);
    expect(ledger.nextOpenBatch(W, 0)?.batchNo).toBe(1);
    expect(ledger.summary(W)).toMatchObject({ failed: 100, uncertain: 100, pending: 100 });
    // A failed batch's retry keeps its first attempt time (its key's window).
    expect(ledger.startAttempt(W, 0, at(9))).toMatchObject({
      kind: 'started',
      batch: { status: 'submitting', firstAttemptAt: at(1).toISOString() },
    });
    expect(ledger.startAttempt(W, 1, at(9))).toEqual({ kind: 'taken', status: 'uncertain' });
    expect(ledger.reopenUncertain(W, 1, at(10))).toBe(true);
    expect(ledger.batch(W, 1)).toMatchObject({
      status: 'submitting',
      firstAttemptAt: at(10).toISOString(),
      error: null,
    });
  });

  it('a batch whose readers all left is submitted without a request', () => {
    const { ledger, subs } = setup(2);
    ledger.freeze(W, 'h', at(0));
    for (const i of [1, 2]) subs.setStatus(subs.getByEmail(reader(i))!.id, 'unsubscribed', at(1));
    expect(ledger.startAttempt(W, 0, at(2))).toMatchObject({ kind: 'started', skipped: 2 });
    expect(ledger.queuedRecipients(W, 0)).toEqual([]);
  });
});
