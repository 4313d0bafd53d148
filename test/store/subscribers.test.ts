import { describe, expect, it } from 'vitest';
import { createSubscribers, Subscriber } from '../../src/store/subscribers.ts';
import { at, useDb } from './db-fixture.ts';

const openDb = useDb();

describe('subscribers', () => {
  it('adds a normalised address and finds it by id and by email in any case', () => {
    const subs = createSubscribers(openDb());
    const added = subs.add(' Ada@Example.COM ', { name: ' Ada ', source: 'cli', now: at(0) });
    expect(added.ok).toBe(true);
    if (!added.ok) return;
    expect(Subscriber.parse(added.value)).toEqual({
      id: added.value.id,
      email: 'Ada@example.com',
      name: 'Ada',
      status: 'pending',
      source: 'cli',
      createdAt: at(0).toISOString(),
      updatedAt: at(0).toISOString(),
      confirmedAt: null,
      unsubscribedAt: null,
      confirmSentAt: null,
      welcomedAt: null,
      topics: null,
      pausedIssues: 0,
    });
    expect(subs.getById(added.value.id)?.email).toBe('Ada@example.com');
    expect(subs.getByEmail('ADA@EXAMPLE.COM')?.id).toBe(added.value.id);
    expect(subs.getByEmail('nobody@example.com')).toBeUndefined();
  });

  it('refuses the same address in another case, and an invalid one', () => {
    const subs = createSubscribers(openDb());
    expect(subs.add('ada@example.com', { source: 'cli', now: at(0) }).ok).toBe(true);
    expect(subs.add('ADA@example.com', { source: 'form', now: at(1) })).toEqual({
      ok: false,
      error: 'exists',
    });
    expect(subs.add('not an address', { source: 'cli', now: at(1) })).toEqual({
      ok: false,
      error: 'invalid_email',
    });
    expect(subs.countByStatus().pending).toBe(1);
  });

  it('adding as active stamps confirmed_at', () => {
    const subs = createSubscribers(openDb());
    const r = subs.add('a@example.com', { source: 'cli', status: 'active', now: at(5) });
    expect(r.ok && r.value.confirmedAt).toBe(at(5).toISOString());
  });

  it('status changes stamp confirmed_at / unsubscribed_at, and repeating one changes nothing', () => {
    const subs = createSubscribers(openDb());
    const r = subs.add('a@example.com', { source: 'form', now: at(0) });
    if (!r.ok) throw new Error('add failed');
    const id = r.value.id;
    expect(subs.setStatus(id, 'active', at(10))).toMatchObject({
      status: 'active',
      confirmedAt: at(10).toISOString(),
      updatedAt: at(10).toISOString(),
      unsubscribedAt: null,
    });
    expect(subs.setStatus(id, 'active', at(20))?.confirmedAt).toBe(at(10).toISOString());
    expect(subs.setStatus(id, 'unsubscribed', at(30))).toMatchObject({
      status: 'unsubscribed',
      confirmedAt: at(10).toISOString(),
      unsubscribedAt: at(30).toISOString(),
    });
    expect(subs.setStatus(id, 'bounced', at(40))?.status).toBe('bounced');
    expect(subs.setStatus(9999, 'active', at(40))).toBeUndefined();
  });

  it('markConfirmSent records when the opt-in mail went out', () => {
    const subs = createSubscribers(openDb());
    const r = subs.add('a@example.com', { source: 'form', now: at(0) });
    if (!r.ok) throw new Error('add failed');
    subs.markConfirmSent(r.value.id, at(3));
    expect(subs.getById(r.value.id)?.confirmSentAt).toBe(at(3).toISOString());
  });

  it('list is a lazy iterator across pages, filterable by status, and allows writes meanwhile', () => {
    const db = openDb();
    const subs = createSubscribers(db);
    for (let i = 0; i < 1203; i++) {
      subs.add(`r${i}@example.com`, {
        source: 'cli',
        status: i % 3 === 0 ? 'active' : 'pending',
        now: at(i),
      });
    }
    const it = subs.list();
    expect(typeof it.next).toBe('function');
    expect(Array.isArray(it)).toBe(false);
    let n = 0;
    let last = 0;
    for (const s of it) {
      expect(s.id).toBeGreaterThan(last);
      last = s.id;
      // A write while iterating (better-sqlite3's iterate() would throw "busy").
      if (n === 10) subs.setStatus(s.id, 'unsubscribed', at(5000));
      n++;
    }
    expect(n).toBe(1203);
    expect([...subs.list({ status: 'active' })]).toHaveLength(401);
    expect([...subs.list({ status: 'unsubscribed' })].map((s) => s.email)).toEqual([
      'r10@example.com',
    ]);
    expect(subs.countByStatus()).toEqual({
      pending: 801,
      active: 401,
      unsubscribed: 1,
      bounced: 0,
      complained: 0,
    });
  });

  it('remove deletes an address with no history, and only unsubscribes one with ledger rows', () => {
    const db = openDb();
    const subs = createSubscribers(db);
    const a = subs.add('fresh@example.com', { source: 'cli', status: 'active', now: at(0) });
    const b = subs.add('sent@example.com', { source: 'cli', status: 'active', now: at(0) });
    if (!a.ok || !b.ok) throw new Error('add failed');
    db.prepare(
      `INSERT INTO issue_sends (week, content_hash, status, recipients, batches, started_at)
       VALUES ('2026-W35', 'h', 'sent', 1, 1, 'x')`,
    ).run();
    db.prepare(
      `INSERT INTO send_recipients (week, subscriber_id, batch_no, email, status)
       VALUES ('2026-W35', ?, 0, 'sent@example.com', 'sent')`,
    ).run(b.value.id);

    expect(subs.remove('FRESH@example.com', at(9))).toBe('deleted');
    expect(subs.getById(a.value.id)).toBeUndefined();
    expect(subs.remove('sent@example.com', at(9))).toBe('unsubscribed');
    expect(subs.getById(b.value.id)).toMatchObject({
      status: 'unsubscribed',
      unsubscribedAt: at(9).toISOString(),
    });
    expect(subs.remove('nobody@example.com', at(9))).toBe('not_found');
  });
});
