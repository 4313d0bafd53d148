// Keys unique per send: every freeze records a random send id that prefixes its idempotency
// keys; a ledger frozen before send ids existed keeps the `<week>:<batch>` keys it was sent
// with; and only the lease holder can start an attempt.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.ts';
import { createLeases } from '../../src/store/leases.ts';
import { createLedger } from '../../src/store/ledger.ts';
import { batchKey } from '../../src/store/ledger-rows.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { addReaders } from '../send/send-fixture.ts';
import { tempDir } from '../support/paths.ts';
import { at, useDb } from './db-fixture.ts';

const openDb = useDb();
const W = '2026-W48';

describe('ledger: send id', () => {
  it('each freeze gets its own random send id; a resume keeps it', () => {
    const ids = [1, 2, 3].map(() => {
      const db = openDb();
      addReaders(db, 3);
      const ledger = createLedger(db);
      const first = ledger.freeze(W, 'h', at(0));
      const again = ledger.freeze(W, 'h', at(60));
      expect(first.ok && again.ok).toBe(true);
      if (!first.ok || !again.ok) return '';
      expect(again.value.send.sendId).toBe(first.value.send.sendId);
      return first.value.send.sendId;
    });
    for (const id of ids) expect(id).toMatch(/^2026-W48\.[0-9a-f]{24}$/);
    expect(new Set(ids).size).toBe(3);
    expect(batchKey(ids[0]!, 41).length).toBeLessThanOrEqual(256);
  });

  it('a ledger frozen before send ids keeps its <week>:<batch> keys after the migration', () => {
    const file = path.join(tempDir('verdicts-migrate-'), 'old.db');
    // The database as the previous release left it: schema version 1, a send half done.
    const old = new Database(file);
    old.exec(MIGRATIONS[0]!);
    old.pragma('user_version = 1');
    addReaders(old, 150);
    old.exec(`INSERT INTO issue_sends (week, content_hash, status, recipients, batches, started_at)
              VALUES ('${W}', 'h', 'sending', 150, 2, '${at(0).toISOString()}')`);
    old.close();

    const db = openDatabase(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const send = createLedger(db).get(W);
      expect(send?.sendId).toBe(W);
      expect(batchKey(send!.sendId, 1)).toBe(`${W}:1`);
    } finally {
      db.close();
    }
  });
});

describe('ledger: attempts only under the lease', () => {
  it('another holder: lost, nothing written; a batch taken meanwhile: taken', () => {
    const db = openDb();
    addReaders(db, 200);
    const ledger = createLedger(db);
    const leases = createLeases(db);
    ledger.freeze(W, 'h', at(0));
    const mine = { name: `send:${W}`, owner: 'host:1:aaaa' };
    leases.acquire(mine.name, { owner: mine.owner, ttlMs: 1000, now: at(0) });
    expect(ledger.startAttempt(W, 0, at(0), mine)).toMatchObject({ kind: 'started' });
    expect(ledger.leaseLostTo(mine)).toBeNull();

    // Paused past the lease: another sender takes it over.
    leases.acquire(mine.name, { owner: 'host:2:bbbb', ttlMs: 1000, now: at(5) });
    expect(ledger.leaseLostTo(mine)).toBe('host:2:bbbb');
    expect(ledger.startAttempt(W, 1, at(6), mine)).toEqual({ kind: 'lost', to: 'host:2:bbbb' });
    expect(ledger.batch(W, 1)).toMatchObject({ status: 'pending', attempts: 0 });

    // The new holder submitted batch 0 meanwhile: without a lease check it is "taken".
    const rs = ledger.queuedRecipients(W, 0);
    ledger.markSubmitted(
      W,
      0,
      rs.map((r) => r.subscriberId),
      rs.map(String),
      at(7),
    );
    expect(ledger.startAttempt(W, 0, at(8))).toEqual({ kind: 'taken', status: 'submitted' });

    leases.release(mine.name, 'host:2:bbbb');
    expect(ledger.leaseLostTo(mine)).toBe('nobody (released)');
  });
});
