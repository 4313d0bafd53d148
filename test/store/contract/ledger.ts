// The send ledger's state machine: freeze (resume, a different hash refused), batches of 100,
// pending → submitting (skipping readers no longer active) → submitted / failed / uncertain,
// attempts under the lease, and the summary and sent weeks built from it.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/index.ts';
import { add, addReaders, at, type OpenStore, reader, sleep, useStores } from './fixture.ts';

const W = '2026-W48';

async function idOf(store: Store, i: number): Promise<number> {
  const s = await store.subscribers.getByEmail(reader(i));
  if (!s) throw new Error(`no ${reader(i)}`);
  return s.id;
}

export function ledgerContract(_name: string, open: OpenStore): void {
  describe('ledger: freeze', () => {
    const stores = useStores(open);

    it('routes each topic choice to its variant, skips the paused and the no-pair readers with the reason, and counts pauses down once', async () => {
      const store = await stores.fresh();
      const rs = await addReaders(store, 6);
      const [all, coding, vision, other, paused, both] = rs;
      await store.subscribers.setTopics(coding!.id, ['coding'], at(1));
      await store.subscribers.setTopics(vision!.id, ['vision'], at(1));
      await store.subscribers.setTopics(other!.id, ['audio'], at(1));
      await store.subscribers.setTopics(paused!.id, ['coding'], at(1));
      await store.subscribers.pause(paused!.id, 2, at(1));
      await store.subscribers.setTopics(both!.id, ['coding', 'vision'], at(1));
      const asked: (readonly string[] | null)[] = [];
      const route = (topics: readonly string[] | null) => {
        asked.push(topics);
        if (topics === null) return { variant: null };
        const v = ['coding', 'vision'].filter((t) => topics.includes(t));
        if (v.length === 0) return { skip: 'no_topics' as const };
        return { variant: v.length === 2 ? null : `only-${v[0]}` };
      };
      const res = await store.ledger.freeze(W, 'h', at(10), undefined, route);
      expect(res).toMatchObject({ ok: true, value: { send: { recipients: 6, batches: 1 } } });
      // Once per distinct choice of the readers it would go to (not the paused one's alone).
      expect(asked).toHaveLength(5);
      const queued = await store.ledger.queuedRecipients(W, 0);
      expect(queued.map((r) => [r.subscriberId, r.variant])).toEqual([
        [all!.id, null],
        [coding!.id, 'only-coding'],
        [vision!.id, 'only-vision'],
        [both!.id, null],
      ]);
      expect(await store.ledger.variants(W)).toEqual([
        { variant: null, skipReason: null, recipients: 2 },
        { variant: 'only-coding', skipReason: null, recipients: 1 },
        { variant: 'only-vision', skipReason: null, recipients: 1 },
        { variant: null, skipReason: 'no_topics', recipients: 1 },
        { variant: null, skipReason: 'paused', recipients: 1 },
      ]);
      expect(await store.ledger.summary(W)).toMatchObject({
        recipients: 6,
        skipped: 2,
        pending: 4,
      });
      expect((await store.subscribers.getById(paused!.id))?.pausedIssues).toBe(1);
      // The same freeze again is a resume: nothing counted down twice.
      await store.ledger.freeze(W, 'h', at(11), undefined, route);
      expect((await store.subscribers.getById(paused!.id))?.pausedIssues).toBe(1);
      // The next issue counts it down to 0, the one after reaches the reader again.
      await store.ledger.freeze('2026-W49', 'h', at(12), undefined, route);
      expect((await store.subscribers.getById(paused!.id))?.pausedIssues).toBe(0);
      await store.ledger.freeze('2026-W50', 'h', at(13), undefined, route);
      const w50 = await store.ledger.queuedRecipients('2026-W50', 0);
      expect(w50.find((r) => r.subscriberId === paused!.id)).toMatchObject({
        variant: 'only-coding',
      });
      // Every batch of a week is numbered from 0 whatever was skipped.
      expect(await store.ledger.batch(W, 0)).toMatchObject({ status: 'pending' });
      expect(await store.ledger.batch(W, -1)).toBeUndefined();
    });

    it('a week whose every reader is skipped has no batch, and finishes at once', async () => {
      const store = await stores.fresh();
      const [a] = await addReaders(store, 1);
      await store.subscribers.pause(a!.id, 2, at(1));
      const res = await store.ledger.freeze(W, 'h', at(10));
      expect(res).toMatchObject({ ok: true, value: { send: { recipients: 1, batches: 0 } } });
      expect(await store.ledger.nextOpenBatch(W, -1)).toBeUndefined();
      expect(await store.ledger.finishIfComplete(W, at(11))).toBe(true);
      expect(await store.ledger.summary(W)).toMatchObject({ recipients: 1, skipped: 1, sent: 0 });
    });

    it('freezes active readers in id order into batches of 100 with their address and name', async () => {
      const store = await stores.fresh();
      const readers = await addReaders(store, 250);
      await add(store, 'pending@example.com');
      await store.subscribers.setStatus(readers[6]!.id, 'unsubscribed', at(0));
      expect(await store.ledger.isFrozen(W)).toBe(false);
      expect(await store.ledger.get(W)).toBeUndefined();
      const res = await store.ledger.freeze(W, 'hash-a', at(10));
      expect(res).toMatchObject({
        ok: true,
        value: {
          resumed: false,
          send: {
            week: W,
            contentHash: 'hash-a',
            status: 'sending',
            recipients: 249,
            batches: 3,
            startedAt: at(10).toISOString(),
            finishedAt: null,
          },
        },
      });
      if (!res.ok) return;
      expect(typeof res.value.send.recipients).toBe('number');
      expect(typeof res.value.send.batches).toBe('number');
      expect(res.value.send.sendId).toMatch(/^2026-W48\.[0-9a-f]{24}$/);
      expect(await store.ledger.isFrozen(W)).toBe(true);
      const sizes = [];
      for (const b of [0, 1, 2]) sizes.push((await store.ledger.queuedRecipients(W, b)).length);
      expect(sizes).toEqual([100, 100, 49]);
      const first = await store.ledger.queuedRecipients(W, 0);
      expect(first[0]).toEqual({
        subscriberId: readers[0]!.id,
        email: reader(1),
        name: 'Reader 1',
        variant: null,
      });
      expect(typeof first[0]!.subscriberId).toBe('number');
      const ids = first.map((r) => r.subscriberId);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(ids).not.toContain(readers[6]!.id);
      expect((await store.ledger.queuedRecipients(W, 1))[0]?.subscriberId).toBe(readers[101]!.id);
      expect(await store.ledger.queuedRecipients(W, 3)).toEqual([]);
      expect(await store.ledger.batch(W, 0)).toEqual({
        week: W,
        batchNo: 0,
        status: 'pending',
        attempts: 0,
        firstAttemptAt: null,
        lastAttemptAt: null,
        submittedAt: null,
        error: null,
      });
      expect(await store.ledger.batch(W, 3)).toBeUndefined();
    });

    it('a second freeze resumes the first; a different content hash is refused; a given send id is kept', async () => {
      const store = await stores.fresh();
      await addReaders(store, 5);
      const first = await store.ledger.freeze(W, 'hash-a', at(0), `${W}.given`);
      expect(first).toMatchObject({
        ok: true,
        value: { resumed: false, send: { sendId: `${W}.given` } },
      });
      expect(await store.ledger.freeze(W, 'hash-a', at(60))).toMatchObject({
        ok: true,
        value: {
          resumed: true,
          send: { recipients: 5, sendId: `${W}.given`, startedAt: at(0).toISOString() },
        },
      });
      expect(await store.ledger.freeze(W, 'hash-b', at(60))).toEqual({
        ok: false,
        error: { frozenHash: 'hash-a' },
      });
      expect((await store.ledger.get(W))?.contentHash).toBe('hash-a');
    });

    it('readers added after the freeze are not in this issue', async () => {
      const store = await stores.fresh();
      await addReaders(store, 3);
      await store.ledger.freeze(W, 'h', at(0));
      await addReaders(store, 2, 4);
      expect(await store.ledger.freeze(W, 'h', at(1))).toMatchObject({
        value: { send: { recipients: 3 } },
      });
      expect((await store.ledger.summary(W)).recipients).toBe(3);
    });

    it('an issue with no active reader freezes empty and finishes at once', async () => {
      const store = await stores.fresh();
      expect(await store.ledger.freeze(W, 'h', at(0))).toMatchObject({
        ok: true,
        value: { send: { recipients: 0, batches: 0 } },
      });
      expect(await store.ledger.nextOpenBatch(W, -1)).toBeUndefined();
      expect(await store.ledger.finishIfComplete(W, at(1))).toBe(true);
      expect(await store.ledger.sentWeeks()).toEqual([W]);
    });
  });

  describe('ledger: batch states', () => {
    const stores = useStores(open);

    it('the first attempt skips readers no longer active; a retry skips nobody new', async () => {
      const store = await stores.fresh();
      await addReaders(store, 150);
      await store.ledger.freeze(W, 'h', at(0));
      await store.subscribers.setStatus(await idOf(store, 3), 'unsubscribed', at(1));
      await store.subscribers.setStatus(await idOf(store, 120), 'bounced', at(1));
      const first = await store.ledger.startAttempt(W, 0, at(2));
      expect(first).toEqual({
        kind: 'started',
        first: true,
        skipped: 1,
        batch: {
          week: W,
          batchNo: 0,
          status: 'submitting',
          attempts: 1,
          firstAttemptAt: at(2).toISOString(),
          lastAttemptAt: at(2).toISOString(),
          submittedAt: null,
          error: null,
        },
      });
      expect(await store.ledger.queuedRecipients(W, 0)).toHaveLength(99);
      // Attempted: a later unsubscribe cannot change this batch's payload.
      await store.subscribers.setStatus(await idOf(store, 4), 'complained', at(3));
      const retry = await store.ledger.startAttempt(W, 0, at(4));
      expect(retry).toMatchObject({
        kind: 'started',
        first: false,
        skipped: 0,
        batch: {
          attempts: 2,
          firstAttemptAt: at(2).toISOString(),
          lastAttemptAt: at(4).toISOString(),
        },
      });
      expect(await store.ledger.queuedRecipients(W, 0)).toHaveLength(99);
      // Batch 1 was not attempted: reader 120 is skipped there.
      expect(await store.ledger.startAttempt(W, 1, at(5))).toMatchObject({
        kind: 'started',
        skipped: 1,
      });
      expect(await store.ledger.summary(W)).toEqual({
        recipients: 150,
        sent: 0,
        skipped: 2,
        refused: 0,
        pending: 148,
        failed: 0,
        uncertain: 0,
        batches: { pending: 0, submitting: 2, submitted: 0, failed: 0, uncertain: 0 },
      });
    });

    it('submitted stores message ids in payload order, finishes the issue, and lists it sent', async () => {
      const store = await stores.fresh();
      await addReaders(store, 120);
      await store.ledger.freeze(W, 'h', at(0));
      expect((await store.ledger.nextOpenBatch(W, -1))?.batchNo).toBe(0);
      for (const b of [0, 1]) {
        await store.ledger.startAttempt(W, b, at(1));
        const rs = await store.ledger.queuedRecipients(W, b);
        expect(await store.ledger.finishIfComplete(W, at(2))).toBe(false);
        await store.ledger.markSubmitted(
          W,
          b,
          rs.map((r) => r.subscriberId),
          rs.map((r) => `id-${r.subscriberId}`),
          at(2),
        );
        expect(await store.ledger.batch(W, b)).toMatchObject({
          status: 'submitted',
          submittedAt: at(2).toISOString(),
        });
        expect(await store.ledger.queuedRecipients(W, b)).toEqual([]);
      }
      expect(await store.ledger.nextOpenBatch(W, -1)).toBeUndefined();
      expect(await store.ledger.sentWeeks()).toEqual([]);
      expect(await store.ledger.finishIfComplete(W, at(3))).toBe(true);
      expect(await store.ledger.get(W)).toMatchObject({
        status: 'sent',
        finishedAt: at(3).toISOString(),
      });
      // finishing again changes nothing
      expect(await store.ledger.finishIfComplete(W, at(4))).toBe(true);
      expect(await store.ledger.summary(W)).toEqual({
        recipients: 120,
        sent: 120,
        skipped: 0,
        refused: 0,
        pending: 0,
        failed: 0,
        uncertain: 0,
        batches: { pending: 0, submitting: 0, submitted: 2, failed: 0, uncertain: 0 },
      });
      // The message id of reader 117 is its own: an event carrying it links to that reader.
      const linked = await store.events.recordLinked({
        svixId: 'x',
        type: 'email.opened',
        email: null,
        messageId: `id-${await idOf(store, 117)}`,
        createdAt: at(5),
        payload: {},
      });
      expect(linked).toEqual({
        outcome: 'recorded',
        link: { week: W, subscriberId: await idOf(store, 117) },
      });
      expect(await store.ledger.startAttempt(W, 0, at(8))).toEqual({
        kind: 'taken',
        status: 'submitted',
      });
    });

    it('a recipient the provider refused is refused with its message, the rest sent, in one step', async () => {
      const store = await stores.fresh();
      await addReaders(store, 100);
      await store.ledger.freeze(W, 'h', at(0));
      await store.ledger.startAttempt(W, 0, at(1));
      const rs = await store.ledger.queuedRecipients(W, 0);
      const refusedId = await idOf(store, 42);
      const why =
        'Invalid `to` field. The email address needs to follow the `email@example.com` format.';
      const outcomes = rs.map((r) =>
        r.subscriberId === refusedId ? { refused: why } : `id-${r.subscriberId}`,
      );
      const ids = rs.map((r) => r.subscriberId);
      await store.ledger.markSubmitted(W, 0, ids, outcomes, at(2));
      expect(await store.ledger.batch(W, 0)).toMatchObject({ status: 'submitted' });
      expect(await store.ledger.queuedRecipients(W, 0)).toEqual([]);
      const summary = {
        recipients: 100,
        sent: 99,
        skipped: 0,
        refused: 1,
        pending: 0,
        failed: 0,
        uncertain: 0,
        batches: { pending: 0, submitting: 0, submitted: 1, failed: 0, uncertain: 0 },
      };
      expect(await store.ledger.summary(W)).toEqual(summary);
      expect(await store.ledger.refusals(W, 5)).toEqual([
        { subscriberId: refusedId, email: reader(42), message: why },
      ]);
      // A refused reader does not hold the issue open.
      expect(await store.ledger.nextOpenBatch(W, -1)).toBeUndefined();
      expect(await store.ledger.finishIfComplete(W, at(3))).toBe(true);
      // A retry of the batch (a replayed answer, a late one) changes nothing: it is submitted.
      expect(await store.ledger.startAttempt(W, 0, at(4))).toEqual({
        kind: 'taken',
        status: 'submitted',
      });
      await store.ledger.markSubmitted(
        W,
        0,
        ids,
        ids.map((id) => `other-${id}`),
        at(5),
      );
      expect(await store.ledger.summary(W)).toEqual(summary);
      expect(await store.ledger.refusals(W, 5)).toHaveLength(1);
      expect(await store.ledger.batch(W, 0)).toMatchObject({ submittedAt: at(2).toISOString() });
      // No message id for the refused reader; the others keep theirs (events link to them).
      const linked = await store.events.recordLinked({
        svixId: 'refused-x',
        type: 'email.delivered',
        email: null,
        messageId: `id-${await idOf(store, 43)}`,
        createdAt: at(6),
        payload: {},
      });
      expect(linked).toMatchObject({ link: { week: W, subscriberId: await idOf(store, 43) } });
      // Stats count it per issue, with the reason.
      const figures = await store.stats.figures(W);
      expect(figures.sends).toMatchObject([
        { week: W, recipients: 100, submitted: 99, refused: 1 },
      ]);
      expect(figures.refusals).toEqual([{ week: W, message: why, readers: 1 }]);
    });

    it('refusals lists the first few in subscriber order', async () => {
      const store = await stores.fresh();
      await addReaders(store, 10);
      await store.ledger.freeze(W, 'h', at(0));
      await store.ledger.startAttempt(W, 0, at(1));
      const rs = await store.ledger.queuedRecipients(W, 0);
      await store.ledger.markSubmitted(
        W,
        0,
        rs.map((r) => r.subscriberId),
        rs.map((r, i) => (i % 2 === 0 ? { refused: `no ${i}` } : `id-${r.subscriberId}`)),
        at(2),
      );
      expect((await store.ledger.summary(W)).refused).toBe(5);
      expect((await store.ledger.refusals(W, 3)).map((x) => x.message)).toEqual([
        'no 0',
        'no 2',
        'no 4',
      ]);
    });

    it('sentWeeks lists finished weeks newest first', async () => {
      const store = await stores.fresh();
      await addReaders(store, 1);
      for (const w of ['2026-W46', '2026-W48', '2026-W47']) {
        await store.ledger.freeze(w, 'h', at(0));
        const rs = await store.ledger.queuedRecipients(w, 0);
        await store.ledger.startAttempt(w, 0, at(1));
        await store.ledger.markSubmitted(
          w,
          0,
          rs.map((r) => r.subscriberId),
          ['m'].map((m) => `${m}-${w}`),
          at(2),
        );
        if (w !== '2026-W47') await store.ledger.finishIfComplete(w, at(3));
      }
      expect(await store.ledger.sentWeeks()).toEqual(['2026-W48', '2026-W46']);
    });

    it('failed keeps the error and stays open; uncertain is held until reopened', async () => {
      const store = await stores.fresh();
      await addReaders(store, 300);
      await store.ledger.freeze(W, 'h', at(0));
      await store.ledger.startAttempt(W, 0, at(1));
      await store.ledger.markFailed(W, 0, 'validation_error (422): bad');
      await store.ledger.startAttempt(W, 1, at(1));
      await store.ledger.markUncertain(W, 1, 'window passed');
      expect(await store.ledger.batch(W, 0)).toMatchObject({
        status: 'failed',
        error: 'validation_error (422): bad',
      });
      expect(await store.ledger.batch(W, 1)).toMatchObject({
        status: 'uncertain',
        error: 'window passed',
      });
      expect((await store.ledger.nextOpenBatch(W, -1))?.batchNo).toBe(0);
      expect((await store.ledger.nextOpenBatch(W, 0))?.batchNo).toBe(1);
      expect((await store.ledger.nextOpenBatch(W, 1))?.batchNo).toBe(2);
      expect(await store.ledger.nextOpenBatch(W, 2)).toBeUndefined();
      expect(await store.ledger.summary(W)).toMatchObject({
        failed: 100,
        uncertain: 100,
        pending: 100,
      });
      expect(await store.ledger.finishIfComplete(W, at(2))).toBe(false);
      // A failed batch's retry keeps its first attempt time (its key's window).
      expect(await store.ledger.startAttempt(W, 0, at(9))).toMatchObject({
        kind: 'started',
        first: false,
        batch: { status: 'submitting', attempts: 2, firstAttemptAt: at(1).toISOString() },
      });
      expect(await store.ledger.startAttempt(W, 1, at(9))).toEqual({
        kind: 'taken',
        status: 'uncertain',
      });
      expect(await store.ledger.reopenUncertain(W, 0, at(10))).toBe(false); // not uncertain
      expect(await store.ledger.reopenUncertain(W, 1, at(10))).toBe(true);
      expect(await store.ledger.reopenUncertain(W, 1, at(11))).toBe(false);
      expect(await store.ledger.batch(W, 1)).toMatchObject({
        status: 'submitting',
        firstAttemptAt: at(10).toISOString(),
        error: null,
      });
    });

    it('a batch whose readers all left is started with nobody to send to', async () => {
      const store = await stores.fresh();
      await addReaders(store, 2);
      await store.ledger.freeze(W, 'h', at(0));
      for (const i of [1, 2])
        await store.subscribers.setStatus(await idOf(store, i), 'unsubscribed', at(1));
      expect(await store.ledger.startAttempt(W, 0, at(2))).toMatchObject({
        kind: 'started',
        skipped: 2,
      });
      expect(await store.ledger.queuedRecipients(W, 0)).toEqual([]);
      expect(await store.ledger.summary(W)).toMatchObject({
        recipients: 2,
        skipped: 2,
        pending: 0,
      });
    });

    it('a batch that does not exist is an error', async () => {
      const store = await stores.fresh();
      await addReaders(store, 1);
      await store.ledger.freeze(W, 'h', at(0));
      await expect(store.ledger.startAttempt(W, 5, at(1))).rejects.toThrow();
    });
  });

  describe('ledger: attempts only under the lease', () => {
    const stores = useStores(open);

    it('another holder: lost, nothing written; a batch taken meanwhile: taken', async () => {
      const store = await stores.fresh();
      await addReaders(store, 200);
      await store.ledger.freeze(W, 'h', at(0));
      const mine = { name: `send:${W}`, owner: 'host:1:aaaa' };
      const got = await store.leases.acquire(mine.name, {
        owner: mine.owner,
        ttlMs: 50,
        now: new Date(),
      });
      expect(got.ok).toBe(true);
      expect(await store.ledger.startAttempt(W, 0, at(0), mine)).toMatchObject({ kind: 'started' });
      expect(await store.ledger.leaseLostTo(mine)).toBeNull();

      // Paused past the lease: another sender takes it over.
      await sleep(150);
      const theirs = await store.leases.acquire(mine.name, {
        owner: 'host:2:bbbb',
        ttlMs: 60_000,
        now: new Date(),
      });
      expect(theirs.ok).toBe(true);
      expect(await store.ledger.leaseLostTo(mine)).toBe('host:2:bbbb');
      expect(await store.ledger.startAttempt(W, 1, at(6), mine)).toEqual({
        kind: 'lost',
        to: 'host:2:bbbb',
      });
      expect(await store.ledger.batch(W, 1)).toMatchObject({ status: 'pending', attempts: 0 });

      // The new holder submitted batch 0 meanwhile: without a lease check it is "taken".
      const rs = await store.ledger.queuedRecipients(W, 0);
      await store.ledger.markSubmitted(
        W,
        0,
        rs.map((r) => r.subscriberId),
        rs.map((r) => `m${r.subscriberId}`),
        at(7),
      );
      expect(await store.ledger.startAttempt(W, 0, at(8))).toEqual({
        kind: 'taken',
        status: 'submitted',
      });

      expect(await store.leases.release(mine.name, 'host:2:bbbb')).toBe(true);
      expect(await store.ledger.leaseLostTo(mine)).toBe('nobody (released)');
      expect(await store.ledger.startAttempt(W, 1, at(9), mine)).toEqual({
        kind: 'lost',
        to: 'nobody (released)',
      });
    });
  });
}
