// Each tool's export (test/fixtures/imports/, sources in its README) lands with the statuses
// that tool meant, into a real SQLite file; and no later file re-activates an opt-out.
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isVerdictsError } from '../../src/errors.ts';
import { importSubscribersCsv } from '../../src/store/import-csv.ts';
import { sqliteStore } from '../../src/store/sqlite-store.ts';
import { createSubscribers } from '../../src/store/subscribers.ts';
import { fixturesDir, tempDir } from '../support/paths.ts';
import { at, useDb } from './db-fixture.ts';

const openDb = useDb();
const SECRET = 'import-test-secret-0123456789';
const fixture = (name: string) => path.join(fixturesDir, 'imports', name);
const importFile = (db: ReturnType<typeof openDb>, name: string, seconds = 0) =>
  importSubscribersCsv(sqliteStore(db, SECRET), fixture(name), { at: at(seconds) });

/** address -> [status, name] for every row in the database. */
const statuses = (db: ReturnType<typeof openDb>) =>
  Object.fromEntries([...createSubscribers(db).list()].map((s) => [s.email, [s.status, s.name]]));

describe('other tools’ exports', () => {
  it('Mailchimp: subscribed, unsubscribed and cleaned files, found from the header', async () => {
    const db = openDb();
    const sub = await importFile(db, 'mailchimp-subscribed.csv');
    expect(sub.format).toBe('mailchimp');
    expect(sub.counts).toEqual({ active: { added: 3, kept: 0, updated: 0, refused: 0 } });
    const unsub = await importFile(db, 'mailchimp-unsubscribed.csv', 1);
    // gone@ was subscribed in the first file: the unsubscribed file tightens it.
    expect(unsub.counts).toEqual({ unsubscribed: { added: 1, kept: 0, updated: 1, refused: 0 } });
    const cleaned = await importFile(db, 'mailchimp-cleaned.csv', 2);
    expect(cleaned.counts).toEqual({ bounced: { added: 1, kept: 0, updated: 1, refused: 0 } });
    expect(statuses(db)).toEqual({
      'ada@example.com': ['active', 'Ada Lovelace'],
      'grace@example.com': ['bounced', 'Grace'],
      'gone@example.com': ['unsubscribed', 'Gone Later'],
      'alan@example.com': ['unsubscribed', 'Alan Turing'],
      'bounce@example.com': ['bounced', 'Bo Unce'],
    });
    const subs = createSubscribers(db);
    expect(subs.getByEmail('ada@example.com')).toMatchObject({
      createdAt: '2024-02-05T19:28:23.000Z',
      confirmedAt: '2024-02-05T19:30:01.000Z',
    });
    expect(subs.getByEmail('alan@example.com')?.unsubscribedAt).toBe('2023-06-06T12:56:15.000Z');

    // The subscribed file again, later: nobody who opted out or bounced comes back.
    const again = await importFile(db, 'mailchimp-subscribed.csv', 3);
    expect(again.counts).toEqual({ active: { added: 0, kept: 3, updated: 0, refused: 0 } });
    expect(statuses(db)['gone@example.com']).toEqual(['unsubscribed', 'Gone Later']);
    expect(statuses(db)['grace@example.com']).toEqual(['bounced', 'Grace']);
  });

  it('Substack: email_disabled=true is unsubscribed; deletion requests are refused', async () => {
    const db = openDb();
    const res = await importFile(db, 'substack.csv');
    expect(res.format).toBe('substack');
    expect(res.counts).toEqual({
      active: { added: 2, kept: 0, updated: 0, refused: 0 },
      unsubscribed: { added: 1, kept: 0, updated: 0, refused: 0 },
      unreadable: { added: 0, kept: 0, updated: 0, refused: 1 },
    });
    expect(res.rejected).toEqual([
      {
        line: 5,
        email: 'x7f3a@deletion-request.substack.com',
        reason: expect.stringContaining('deletion request'),
      },
    ]);
    expect(statuses(db)).toEqual({
      'reader@example.com': ['active', null],
      'muted@example.com': ['unsubscribed', null],
      'free@example.com': ['active', null],
    });
    expect(createSubscribers(db).getByEmail('muted@example.com')?.createdAt).toBe(
      '2024-08-29T20:50:03.435Z',
    );
  });

  it('Buttondown: every documented subscriber_type, and an unknown one refused', async () => {
    const db = openDb();
    const res = await importFile(db, 'buttondown.csv');
    expect(res.format).toBe('buttondown');
    expect(statuses(db)).toEqual({
      'regular@example.com': ['active', null],
      'premium@example.com': ['active', null],
      'waiting@example.com': ['pending', null],
      'left@example.com': ['unsubscribed', null],
      'removed@example.com': ['unsubscribed', null],
      'spammy@example.com': ['bounced', null],
    });
    expect(res.rejected).toEqual([
      { line: 8, email: 'odd@example.com', reason: 'unknown subscriber_type "mystery"' },
    ]);
    expect(createSubscribers(db).getByEmail('left@example.com')?.unsubscribedAt).toBe(
      '2025-01-02T03:04:05.000Z',
    );
  });

  it('Kit: active, inactive, cancelled, bounced, complained and cold', async () => {
    const db = openDb();
    const res = await importFile(db, 'kit.csv');
    expect(res.format).toBe('kit');
    expect(statuses(db)).toEqual({
      'maja@example.com': ['active', 'Maja'],
      'nils@example.com': ['pending', 'Nils'],
      'olle@example.com': ['unsubscribed', 'Olle'],
      'per@example.com': ['bounced', 'Per'],
      'quinn@example.com': ['complained', 'Quinn'],
      'rut@example.com': ['active', 'Rut'],
    });
    expect(res.counts.complained).toEqual({ added: 1, kept: 0, updated: 0, refused: 0 });
  });

  it('beehiiv: active, inactive (unsubscribed) and pending, with " UTC" times', async () => {
    const db = openDb();
    const res = await importFile(db, 'beehiiv.csv');
    expect(res.format).toBe('beehiiv');
    expect(statuses(db)).toEqual({
      'lorem@example.com': ['active', 'Lorem Name'],
      'ipsum@example.com': ['unsubscribed', 'Ipsum'],
      'amett@example.com': ['pending', null],
    });
    expect(createSubscribers(db).getByEmail('ipsum@example.com')).toMatchObject({
      createdAt: '2023-03-24T10:36:47.000Z',
      unsubscribedAt: '2024-03-13T11:33:53.000Z',
    });
  });

  it('Ghost: subscribed_to_emails false is unsubscribed', async () => {
    const db = openDb();
    const res = await importFile(db, 'ghost.csv');
    expect(res.format).toBe('ghost');
    expect(statuses(db)).toEqual({
      'jamie@example.com': ['active', 'Jamie'],
      'sam@example.com': ['unsubscribed', 'Sam'],
    });
  });

  it('an export from another tool never re-activates a complaint or bounce recorded here', async () => {
    const db = openDb();
    const subs = createSubscribers(db);
    for (const [email, status] of [
      ['quinn@example.com', 'active'],
      ['maja@example.com', 'complained'],
      ['per@example.com', 'unsubscribed'],
    ] as const) {
      const s = subs.add(email, { source: 'cli', status: 'active', now: at(0) });
      if (!s.ok) throw new Error('add failed');
      subs.setStatus(s.value.id, status, at(0));
    }
    const res = await importFile(db, 'kit.csv', 5);
    // maja is active in Kit but complained here: kept. per bounced in Kit: tightened.
    expect(statuses(db)['maja@example.com']?.[0]).toBe('complained');
    expect(statuses(db)['per@example.com']?.[0]).toBe('bounced');
    expect(statuses(db)['quinn@example.com']?.[0]).toBe('complained');
    expect(res.counts.active).toMatchObject({ kept: 1 });
    expect(res.counts.bounced).toMatchObject({ updated: 1 });
  });

  it('--format overrides the header, and a header that does not fit it is a clear error', async () => {
    const dir = tempDir('verdicts-formats-');
    // A Kit file renamed: still read by its columns; forcing mailchimp on it names what is missing.
    copyFileSync(fixture('kit.csv'), path.join(dir, 'list.csv'));
    const db = openDb();
    const forced = await importSubscribersCsv(sqliteStore(db, SECRET), path.join(dir, 'list.csv'), {
      at: at(0),
      format: 'mailchimp',
    }).then(
      () => null,
      (e: unknown) => e,
    );
    if (!isVerdictsError(forced)) throw new Error('expected a VerdictsError');
    expect(forced.code).toBe('bad_csv');
    expect(forced.message).toContain(
      'list.csv: line 1: the mailchimp format needs the columns "email address"',
    );
    expect(createSubscribers(db).countByStatus().active).toBe(0);

    // Any list with a status column is read by it, never as all-active; a word we do not
    // know refuses the row.
    writeFileSync(
      path.join(dir, 'ours.csv'),
      'Email,Status\nz@example.com,Unsubscribed\ny@example.com,cleaned\nx@example.com,gone\nw@example.com,inactive\n',
    );
    const ours = await importSubscribersCsv(sqliteStore(db, SECRET), path.join(dir, 'ours.csv'), {
      at: at(0),
    });
    expect(ours.format).toBe('verdicts');
    expect(statuses(db)['z@example.com']).toEqual(['unsubscribed', null]);
    expect(statuses(db)['y@example.com']).toEqual(['bounced', null]);
    expect(ours.rejected).toEqual([
      { line: 4, email: 'x@example.com', reason: 'unknown status "gone"' },
      { line: 5, email: 'w@example.com', reason: 'unknown status "inactive"' },
    ]);
  });
});

describe('tags, groups and labels as topics', () => {
  const topicsOf = (db: ReturnType<typeof openDb>) =>
    Object.fromEntries([...createSubscribers(db).list()].map((s) => [s.email, s.topics]));

  it('Mailchimp TAGS: a tag naming one of our categories becomes a topic; others are dropped', async () => {
    const db = openDb();
    // ada@ is tagged "Editors" in the fixture: a category named Editors makes it a topic.
    await importSubscribersCsv(sqliteStore(db, SECRET), fixture('mailchimp-subscribed.csv'), {
      at: at(0),
      categories: ['editors', 'vision'],
    });
    expect(topicsOf(db)['ada@example.com']).toEqual(['editors']);
    expect(topicsOf(db)['grace@example.com']).toBeNull();
  });

  it('without a matching category (or without data) a tag leaves the reader on everything', async () => {
    const db = openDb();
    await importFile(db, 'mailchimp-subscribed.csv');
    expect(topicsOf(db)['ada@example.com']).toBeNull();
  });

  it('Buttondown tags (JSON) and Ghost labels (comma-separated), by category name or slug', async () => {
    const dir = tempDir('verdicts-tags-');
    const bd = path.join(dir, 'bd.csv');
    writeFileSync(
      bd,
      'id,email,creation_date,tags,subscriber_type\n' +
        '1,a@example.com,2024-08-24T14:15:22Z,"[""Developer Tools"",""vip""]",regular\n' +
        '2,b@example.com,2024-08-24T14:15:22Z,[],regular\n',
    );
    const gh = path.join(dir, 'ghost.csv');
    writeFileSync(
      gh,
      'email,name,subscribed_to_emails,created_at,labels\n' +
        'c@example.com,C,true,2022-04-06T07:42:08.000Z,"Vision, VIP, developer-tools"\n',
    );
    const db = openDb();
    const store = sqliteStore(db, SECRET);
    const categories = ['developer-tools', 'vision'];
    await importSubscribersCsv(store, bd, { at: at(0), categories });
    await importSubscribersCsv(store, gh, { at: at(0), categories });
    expect(topicsOf(db)).toEqual({
      'a@example.com': ['developer-tools'],
      'b@example.com': null,
      'c@example.com': ['developer-tools', 'vision'],
    });
  });

  it('our own format: topics and pausedIssues are read exactly, and a bad value refuses the row', async () => {
    const dir = tempDir('verdicts-ours-');
    const file = path.join(dir, 'ours.csv');
    writeFileSync(
      file,
      'email,status,topics,pausedIssues\n' +
        'a@example.com,active,"[""coding""]",2\n' +
        'b@example.com,active,,\n' +
        'c@example.com,active,coding,0\n' +
        'd@example.com,active,,many\n',
    );
    const db = openDb();
    const res = await importSubscribersCsv(sqliteStore(db, SECRET), file, {
      at: at(0),
      categories: [],
    });
    const subs = createSubscribers(db);
    expect(subs.getByEmail('a@example.com')).toMatchObject({ topics: ['coding'], pausedIssues: 2 });
    expect(subs.getByEmail('b@example.com')).toMatchObject({ topics: null, pausedIssues: 0 });
    expect(res.rejected.map((r) => [r.email, r.reason])).toEqual([
      ['c@example.com', 'unknown topics "coding"'],
      ['d@example.com', 'unknown pausedIssues "many"'],
    ]);
  });
});
