// Suppressions and the status rules built on them: the suppression list and forgotten hashes,
// importRows (status only tightens; suppressed and forgotten addresses refused) and forget
// (tombstone or delete; refused while a batch holding the address is in flight).
import { describe, expect, it } from 'vitest';
import { legacyAddressHash } from '../../../src/store/suppressions.ts';
import {
  add,
  addReaders,
  at,
  CONTRACT_SECRET,
  collect,
  type ImportRow,
  importRow,
  NO_COUNTS,
  type OpenStore,
  sendWeek,
  useStores,
} from './fixture.ts';

const row = importRow;
const none = NO_COUNTS;

export function suppressionsContract(_name: string, open: OpenStore): void {
  describe('suppressions', () => {
    const stores = useStores(open);

    it('suppress adds once in any case; has, reasonFor and hash ignore case', async () => {
      const store = await stores.fresh();
      const s = store.suppressions;
      expect(s.hash('Ann@Example.com')).toMatch(/^[0-9a-f]{64}$/);
      expect(s.hash(' ann@example.COM ')).toBe(s.hash('Ann@Example.com'));
      expect(await s.has('ann@example.com')).toBe(false);
      expect(await s.reasonFor('ann@example.com')).toBeUndefined();
      expect(await s.suppress('Ann@Example.com', 'cli', at(1))).toBe('added');
      expect(await s.suppress('ANN@example.com', 'cli', at(2))).toBe('kept');
      expect(await s.has('ann@EXAMPLE.com')).toBe(true);
      expect(await s.reasonFor('ann@example.com')).toBe('suppressed');
      expect(await s.counts()).toEqual({ suppressed: 1, forgotten: 0 });
      expect(await collect(s.list('suppressed'))).toEqual([
        {
          email: 'Ann@Example.com',
          emailHash: s.hash('ann@example.com'),
          reason: 'suppressed',
          source: 'cli',
          createdAt: at(1).toISOString(),
        },
      ]);
    });

    it('forget replaces a suppression (the address goes); a suppression never downgrades it', async () => {
      const store = await stores.fresh();
      const s = store.suppressions;
      await s.suppress('ann@example.com', 'cli', at(1));
      await s.forget({ email: 'Ann@example.com' }, 'forget', at(2));
      expect(await s.reasonFor('ann@example.com')).toBe('forgotten');
      expect(await s.suppress('ann@example.com', 'cli', at(3))).toBe('kept');
      expect(await s.reasonFor('ann@example.com')).toBe('forgotten');
      const [entry] = await collect(s.list('forgotten'));
      expect(entry).toMatchObject({
        email: null,
        emailHash: s.hash('ann@example.com'),
        reason: 'forgotten',
      });
      expect(await collect(s.list('suppressed'))).toEqual([]);
      // A hash from an export is kept as it is.
      const other = s.hash('bob@example.com');
      await s.forget({ hash: other }, 'import', at(4));
      expect(await s.has('BOB@example.com')).toBe(true);
      expect(await s.counts()).toEqual({ suppressed: 0, forgotten: 2 });
      const counts = await s.counts();
      expect(typeof counts.forgotten).toBe('number');
    });

    it('list walks every page in hash order', async () => {
      const store = await stores.fresh();
      const rows: ImportRow[] = [];
      for (let i = 0; i < 1100; i++) rows.push(row(i + 2, `s${i}@example.com`, 'suppressed'));
      const applied = await store.importRows(rows, { at: at(0), source: 'bulk' });
      expect(applied.counts.suppressed).toEqual({ ...none, added: 1100 });
      const listed = await collect(store.suppressions.list('suppressed'));
      expect(listed).toHaveLength(1100);
      const hashes = listed.map((r) => r.emailHash);
      expect(hashes).toEqual([...hashes].sort());
      expect(new Set(listed.map((r) => r.email)).size).toBe(1100);
      expect(await store.suppressions.counts()).toEqual({ suppressed: 1100, forgotten: 0 });
    });
  });

  describe('importRows: status only tightens', () => {
    const stores = useStores(open);

    it('adds new rows, tightens opt-outs, never re-activates, and is idempotent', async () => {
      const store = await stores.fresh();
      const gone = await add(store, 'gone@example.com', { name: 'Old' });
      await store.subscribers.setStatus(gone.id, 'unsubscribed', at(1));
      const before = await store.subscribers.getById(gone.id);
      const live = await add(store, 'live@example.com', { status: 'active' });
      const rows = [
        row(2, 'GONE@example.com', 'active', { name: 'New Name' }),
        row(3, 'new@example.com', 'active', { name: 'New' }),
        row(4, 'LIVE@example.com', 'bounced'),
        row(5, 'new@EXAMPLE.com', 'pending'),
      ];
      const first = await store.importRows(rows, { at: at(5), source: 'import:list.csv' });
      expect(first).toEqual({
        counts: {
          active: { ...none, added: 1, kept: 1 },
          bounced: { ...none, updated: 1 },
          pending: { ...none, kept: 1 },
        },
        refused: [],
      });
      expect(await store.subscribers.getById(gone.id)).toEqual(before);
      expect(await store.subscribers.getById(live.id)).toMatchObject({
        status: 'bounced',
        updatedAt: at(5).toISOString(),
      });
      expect(await store.subscribers.getByEmail('new@example.com')).toMatchObject({
        name: 'New',
        status: 'active',
        source: 'import:list.csv',
        createdAt: at(5).toISOString(),
        confirmedAt: at(5).toISOString(),
      });
      const again = await store.importRows(rows, { at: at(6), source: 'import:list.csv' });
      expect(again.counts).toEqual({
        active: { ...none, kept: 2 },
        bounced: { ...none, kept: 1 },
        pending: { ...none, kept: 1 },
      });
      expect(await store.subscribers.countByStatus()).toEqual({
        pending: 0,
        active: 1,
        unsubscribed: 1,
        bounced: 1,
        complained: 0,
      });
    });

    it('an unsubscribed row stamps unsubscribedAt; an exact row keeps its own dates', async () => {
      const store = await stores.fresh();
      await store.importRows(
        [
          row(2, 'u@example.com', 'unsubscribed'),
          row(3, 'x@example.com', 'active', {
            exact: true,
            source: 'form',
            createdAt: at(-100).toISOString(),
            updatedAt: at(-50).toISOString(),
            confirmedAt: null,
            unsubscribedAt: null,
            welcomedAt: at(-40).toISOString(),
          }),
        ],
        { at: at(7), source: 'import:x.csv' },
      );
      expect(await store.subscribers.getByEmail('u@example.com')).toMatchObject({
        status: 'unsubscribed',
        unsubscribedAt: at(7).toISOString(),
        confirmedAt: null,
      });
      expect(await store.subscribers.getByEmail('x@example.com')).toMatchObject({
        status: 'active',
        source: 'form',
        createdAt: at(-100).toISOString(),
        updatedAt: at(-50).toISOString(),
        confirmedAt: null,
        welcomedAt: at(-40).toISOString(),
      });
    });

    it('refuses suppressed and forgotten addresses; a suppressed row opts an active reader out', async () => {
      const store = await stores.fresh();
      await store.suppressions.suppress('blocked@example.com', 'cli', at(0));
      await store.suppressions.forget({ email: 'erased@example.com' }, 'forget', at(0));
      const reader = await add(store, 'reader@example.com', { status: 'active' });
      const out = await store.importRows(
        [
          row(2, 'BLOCKED@example.com', 'active'),
          row(3, 'erased@example.com', 'pending'),
          row(4, 'reader@example.com', 'suppressed'),
          row(5, 'ok@example.com', 'active'),
        ],
        { at: at(8), source: 'import:l.csv' },
      );
      expect(out.refused).toEqual([
        { line: 2, email: 'BLOCKED@example.com', reason: 'on the suppression list' },
        { line: 3, email: 'erased@example.com', reason: 'erased (forgotten): never re-added' },
      ]);
      expect(out.counts).toEqual({
        active: { ...none, added: 1, refused: 1 },
        pending: { ...none, refused: 1 },
        suppressed: { ...none, added: 1 },
      });
      expect(await store.subscribers.getByEmail('blocked@example.com')).toBeUndefined();
      expect(await store.subscribers.getByEmail('erased@example.com')).toBeUndefined();
      expect(await store.subscribers.getById(reader.id)).toMatchObject({
        status: 'unsubscribed',
        unsubscribedAt: at(8).toISOString(),
      });
      expect(await store.suppressions.reasonFor('reader@example.com')).toBe('suppressed');
    });

    it('a forgotten row from an export records its hash, and the address stays refused', async () => {
      const store = await stores.fresh();
      const hash = store.suppressions.hash('gone@example.com');
      const out = await store.importRows(
        [
          row(2, `hmac-sha256:${hash}`, 'forgotten', {
            source: 'forget',
            createdAt: at(-9).toISOString(),
          }),
          row(3, 'gone@example.com', 'active'),
        ],
        { at: at(9), source: 'import:x.csv' },
      );
      expect(out.counts).toEqual({
        forgotten: { ...none, added: 1 },
        active: { ...none, refused: 1 },
      });
      expect(await collect(store.suppressions.list('forgotten'))).toEqual([
        {
          email: null,
          emailHash: hash,
          reason: 'forgotten',
          source: 'forget',
          createdAt: at(-9).toISOString(),
        },
      ]);
    });
  });

  describe('forget', () => {
    const stores = useStores(open);
    const W = '2026-W36';

    it('deletes an address with no history and keeps only its hash', async () => {
      const store = await stores.fresh();
      const s = await add(store, 'Forget.Me@example.com', { status: 'active', name: 'Me' });
      const m = await store.mailQueue.enqueue('confirm', s.id, 'forget.me@example.com', at(1));
      expect(typeof m).toBe('number');
      const r = await store.forget('forget.me@EXAMPLE.com', at(5));
      expect(r).toMatchObject({
        ok: true,
        value: { subscriber: 'deleted', ledgerRows: 0, events: 0, votesKept: 0 },
      });
      if (r.ok) expect(typeof r.value.filesClean).toBe('boolean');
      expect(await store.subscribers.getById(s.id)).toBeUndefined();
      expect(await store.subscribers.getByEmail('forget.me@example.com')).toBeUndefined();
      expect(await store.suppressions.reasonFor('Forget.Me@example.com')).toBe('forgotten');
      expect(await store.mailQueue.countByStatus()).toMatchObject({ queued: 0 });
      const refused = await store.importRows([row(2, 'forget.me@example.com', 'active')], {
        at: at(6),
        source: 'x',
      });
      expect(refused.refused).toHaveLength(1);
    });

    it('leaves a tombstone when the ledger or votes refer to the reader; counts stay', async () => {
      const store = await stores.fresh();
      const [keep, me] = [
        await add(store, 'keep@example.com', { status: 'active' }),
        await add(store, 'Forget.Me@example.com', { status: 'active', name: 'Forgettable' }),
      ];
      await sendWeek(store, W, { id: (_, id) => `msg-${id}` });
      await store.events.record({
        svixId: 'e1',
        type: 'email.delivered',
        email: 'forget.me@example.com',
        messageId: `msg-${me!.id}`,
        createdAt: at(20),
        payload: { data: { to: ['Forget.Me@example.com'] } },
      });
      await store.events.record({
        svixId: 'e2',
        type: 'email.delivered',
        email: 'keep@example.com',
        messageId: `msg-${keep!.id}`,
        createdAt: at(21),
        payload: { data: { to: ['keep@example.com'] } },
      });
      await store.votes.cast({
        subscriberId: me!.id,
        pairId: 'p1',
        toolId: 'alpha',
        week: W,
        now: at(30),
      });
      const summaryBefore = await store.ledger.summary(W);
      const figuresBefore = await store.stats.figures(W);
      expect(figuresBefore.events).toEqual([
        { week: W, type: 'email.delivered', detail: null, total: 2, readers: 2 },
      ]);
      const r = await store.forget('Forget.Me@example.com', at(40));
      expect(r).toMatchObject({
        ok: true,
        value: { subscriber: 'tombstone', ledgerRows: 1, events: 1, votesKept: 1 },
      });
      expect(await store.subscribers.getById(me!.id)).toBeUndefined();
      expect(await store.subscribers.getByEmail('forget.me@example.com')).toBeUndefined();
      expect((await collect(store.subscribers.list())).map((x) => x.email)).toEqual([
        'keep@example.com',
      ]);
      expect(await store.subscribers.countByStatus()).toMatchObject({ active: 1, unsubscribed: 0 });
      expect(await store.ledger.summary(W)).toEqual(summaryBefore);
      expect(await store.votes.countsByPair()).toEqual(new Map([['p1', { alpha: 1 }]]));
      // The per-reader event counts are figures, not personal data: they stay as they were.
      expect(await store.stats.figures(W)).toEqual(figuresBefore);
      expect(await store.suppressions.reasonFor('forget.me@example.com')).toBe('forgotten');
      // The address may be added again by hand (callers ask `has` first), as a new row.
      const back = await add(store, 'forget.me@example.com');
      expect(back.id).not.toBe(me!.id);
    });

    it("a forgotten reader's tombstone is no subscriber: it cannot be changed, re-activated or sent to", async () => {
      const store = await stores.fresh();
      const [keep, me] = await addReaders(store, 2);
      await sendWeek(store, W);
      expect((await store.forget(me!.email, at(10))).ok).toBe(true);
      // An old link still carries the id: nothing may bring the row back.
      expect(await store.subscribers.setStatus(me!.id, 'active', at(11))).toBeUndefined();
      expect(await store.subscribers.setName(me!.id, 'Back', at(11))).toBeUndefined();
      await store.subscribers.markConfirmSent(me!.id, at(11));
      expect(await store.subscribers.claimWelcome(me!.id, at(11))).toBe(false);
      expect(await store.subscribers.getById(me!.id)).toBeUndefined();
      // The next issue goes to the living reader only.
      const next = await store.ledger.freeze('2026-W37', 'h', at(12));
      expect(next).toMatchObject({ ok: true, value: { send: { recipients: 1 } } });
      expect(await store.ledger.queuedRecipients('2026-W37', 0)).toEqual([
        { subscriberId: keep!.id, email: keep!.email, name: keep!.name, variant: null },
      ]);
    });

    it('is refused while a batch holding the address is in flight, and changes nothing', async () => {
      const store = await stores.fresh();
      await addReaders(store, 2);
      await store.ledger.freeze(W, 'h', at(0));
      const started = await store.ledger.startAttempt(W, 0, at(1));
      expect(started.kind).toBe('started');
      const r = await store.forget('reader2@example.com', at(2));
      expect(r).toEqual({ ok: false, error: { kind: 'in_flight', week: W, batchNo: 0 } });
      expect(await store.subscribers.getByEmail('reader2@example.com')).toBeDefined();
      expect(await store.suppressions.has('reader2@example.com')).toBe(false);
      expect(await store.ledger.queuedRecipients(W, 0)).toHaveLength(2);
    });

    it('an unknown address is still recorded as forgotten', async () => {
      const store = await stores.fresh();
      const r = await store.forget('never@example.com', at(1));
      expect(r).toMatchObject({ ok: true, value: { subscriber: 'not_found', ledgerRows: 0 } });
      expect(await store.suppressions.reasonFor('never@example.com')).toBe('forgotten');
    });
  });

  describe('suppressions by mailbox', () => {
    const stores = useStores(open);

    it("a variant of a suppressed or forgotten mailbox is refused: case, +tags, Gmail's dots and googlemail.com", async () => {
      const store = await stores.fresh();
      const s = store.suppressions;
      expect(s.hash('J.Smith+news@googlemail.com')).toBe(s.hash('jsmith@gmail.com'));
      expect(s.hash('j.smith@example.com')).not.toBe(s.hash('jsmith@example.com'));
      expect(await s.suppress('J.Smith+news@googlemail.com', 'cli', at(1))).toBe('added');
      expect(await s.suppress('jsmith@gmail.com', 'cli', at(2))).toBe('kept');
      expect(await s.reasonFor('JSMITH@gmail.com')).toBe('suppressed');
      await s.forget({ email: 'ann+x@example.org' }, 'forget', at(3));
      expect(await s.reasonFor('Ann+other@Example.org')).toBe('forgotten');
      const out = await store.importRows(
        [
          row(2, 'j.s.m.i.t.h@gmail.com', 'active'),
          row(3, 'ann@example.org', 'active'),
          row(4, 'j.smith@example.com', 'active'),
        ],
        { at: at(4), source: 'import:l.csv' },
      );
      expect(out.refused.map((r) => [r.line, r.reason])).toEqual([
        [2, 'on the suppression list'],
        [3, 'erased (forgotten): never re-added'],
      ]);
      expect(out.counts).toEqual({ active: { ...none, added: 1, refused: 2 } });
    });

    it('a hash stored under the old key (the address lower-cased) still refuses that address', async () => {
      const store = await stores.fresh();
      const s = store.suppressions;
      const old = legacyAddressHash(CONTRACT_SECRET, 'Old.Name+tag@gmail.com');
      expect(old).not.toBe(s.hash('old.name+tag@gmail.com'));
      await s.forget({ hash: old }, 'import', at(1));
      expect(await s.reasonFor('old.name+tag@GMAIL.com')).toBe('forgotten');
      // Only the exact address: the old key never folded the mailbox.
      expect(await s.has('oldname@gmail.com')).toBe(false);
      const out = await store.importRows([row(2, 'old.name+tag@gmail.com', 'active')], {
        at: at(2),
        source: 'import:l.csv',
      });
      expect(out.counts).toEqual({ active: { ...none, refused: 1 } });
    });
  });

  describe('importRows over chunks', () => {
    const stores = useStores(open);

    async function* chunksOf(parts: ImportRow[][], fail?: Error) {
      for (const part of parts) {
        yield part;
        await new Promise((r) => setTimeout(r, 5));
      }
      if (fail) throw fail;
    }

    it('applies every chunk as one import: counts summed, refusals in order', async () => {
      const store = await stores.fresh();
      await store.suppressions.suppress('blocked@example.com', 'cli', at(0));
      const out = await store.importRows(
        chunksOf([
          [row(2, 'a@example.com', 'active'), row(3, 'blocked@example.com', 'active')],
          [row(4, 'A@example.com', 'unsubscribed'), row(5, 'b@example.com', 'active')],
          [row(6, 'c@example.com', 'suppressed')],
        ]),
        { at: at(1), source: 'import:chunks.csv' },
      );
      expect(out).toEqual({
        counts: {
          active: { ...none, added: 2, refused: 1 },
          unsubscribed: { ...none, updated: 1 },
          suppressed: { ...none, added: 1 },
        },
        refused: [{ line: 3, email: 'blocked@example.com', reason: 'on the suppression list' }],
      });
      expect(await store.subscribers.countByStatus()).toMatchObject({ active: 1, unsubscribed: 1 });
    });

    it('an error from the chunks after some were applied rolls the whole import back', async () => {
      const store = await stores.fresh();
      await add(store, 'kept@example.com', { status: 'active' });
      const stop = new Error('stopped by a signal');
      await expect(
        store.importRows(
          chunksOf(
            [
              [row(2, 'x@example.com', 'active'), row(3, 'kept@example.com', 'bounced')],
              [row(4, 'gone@example.com', 'suppressed')],
            ],
            stop,
          ),
          { at: at(1), source: 'import:chunks.csv' },
        ),
      ).rejects.toBe(stop);
      expect(await store.subscribers.getByEmail('x@example.com')).toBeUndefined();
      expect(await store.subscribers.getByEmail('kept@example.com')).toMatchObject({
        status: 'active',
      });
      expect(await store.suppressions.counts()).toEqual({ suppressed: 0, forgotten: 0 });
      // The store goes on working after the rollback.
      const again = await store.importRows([row(2, 'x@example.com', 'active')], {
        at: at(2),
        source: 'import:l.csv',
      });
      expect(again.counts).toEqual({ active: { ...none, added: 1 } });
    });
  });
}
