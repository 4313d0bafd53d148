// The site's mail queue: due rows claimed once each, oldest first; stale `sending` rows taken
// again; retries wait until due; the windows the caps count; status counts.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/index.ts';
import { add, at, type OpenStore, useStores } from './fixture.ts';

async function setup(store: Store) {
  const s = await add(store, 'ann+1@example.com', { source: 'form' });
  return s.id;
}

export function mailQueueContract(_name: string, open: OpenStore): void {
  describe('mail queue', () => {
    const stores = useStores(open);

    it('enqueue gives numeric ids; claims each due row once, oldest first', async () => {
      const store = await stores.fresh();
      const id = await setup(store);
      const q = store.mailQueue;
      const first = await q.enqueue('confirm', id, 'ann@example.com', at(1));
      const second = await q.enqueue('welcome', id, 'ann@example.com', at(2));
      expect(typeof first).toBe('number');
      expect(second).toBeGreaterThan(first);
      expect(await q.countByStatus()).toEqual({
        queued: 2,
        sending: 0,
        sent: 0,
        skipped: 0,
        failed: 0,
      });
      const claimed = await q.claim(at(1), at(-600));
      expect(claimed).toEqual({
        id: first,
        kind: 'confirm',
        subscriberId: id,
        status: 'sending',
        attempts: 1,
        createdAt: at(1).toISOString(),
      });
      expect(await q.claim(at(1), at(-600))).toBeUndefined(); // the second is not due yet
      expect(await q.claim(at(2), at(-600))).toMatchObject({
        id: second,
        kind: 'welcome',
        attempts: 1,
      });
      expect(await q.claim(at(3), at(-600))).toBeUndefined();
      const counts = await q.countByStatus();
      expect(counts).toMatchObject({ queued: 0, sending: 2 });
      expect(typeof counts.sending).toBe('number');
    });

    it('takes a stale `sending` row again, counting the attempt; a retry waits until due', async () => {
      const store = await stores.fresh();
      const id = await setup(store);
      const q = store.mailQueue;
      const m = await q.enqueue('confirm', id, 'ann@example.com', at(0));
      await q.claim(at(0), at(-600));
      expect(await q.claim(at(10), at(-1))).toBeUndefined(); // claimed at 0, stale only before -1
      expect(await q.claim(at(400), at(100))).toMatchObject({ id: m, attempts: 2 });
      await q.retryAt(m, at(500), 'retryable: 503');
      expect(await q.countByStatus()).toMatchObject({ queued: 1, sending: 0 });
      expect(await q.claim(at(499), at(0))).toBeUndefined();
      expect(await q.claim(at(500), at(0))).toMatchObject({ id: m, attempts: 3 });
      await q.sent(m, 'msg-1', at(501));
      expect(await q.claim(at(9999), at(9000))).toBeUndefined();
      expect(await q.countByStatus()).toEqual({
        queued: 0,
        sending: 0,
        sent: 1,
        skipped: 0,
        failed: 0,
      });
    });

    it('skipped and failed rows are finished: never claimed again', async () => {
      const store = await stores.fresh();
      const id = await setup(store);
      const q = store.mailQueue;
      const a = await q.enqueue('confirm', id, 'ann@example.com', at(0));
      const b = await q.enqueue('confirm', id, 'ann@example.com', at(0));
      expect((await q.claim(at(1), at(-600)))?.id).toBe(a);
      expect((await q.claim(at(1), at(-600)))?.id).toBe(b);
      await q.skipped(a, 'confirmed meanwhile', at(2));
      await q.failed(b, 'rejected', at(2));
      expect(await q.claim(at(9999), at(9000))).toBeUndefined();
      expect(await q.countByStatus()).toEqual({
        queued: 0,
        sending: 0,
        sent: 0,
        skipped: 1,
        failed: 1,
      });
    });

    it('counts by mailbox and kind inside a window, whatever became of the rows', async () => {
      const store = await stores.fresh();
      const id = await setup(store);
      const q = store.mailQueue;
      const a = await q.enqueue('confirm', id, 'ann@example.com', at(0));
      await q.enqueue('confirm', id, 'bob@example.com', at(10));
      await q.enqueue('welcome', id, 'ann@example.com', at(10));
      await q.failed(a, 'rejected', at(1));
      const n = await q.countForMailbox('confirm', 'ann@example.com', at(-1));
      expect(n).toBe(1);
      expect(typeof n).toBe('number');
      expect(await q.countForMailbox('confirm', 'ann@example.com', at(0))).toBe(0); // after, not at
      expect(await q.countForMailbox('welcome', 'ann@example.com', at(-1))).toBe(1);
      expect(await q.countSince('confirm', at(-1))).toBe(2);
      expect(await q.countSince('confirm', at(5))).toBe(1);
      expect(await q.countSince('welcome', at(5))).toBe(1);
      expect(await q.countSince('welcome', at(10))).toBe(0);
    });

    it('a removed subscriber takes its queued mail with it', async () => {
      const store = await stores.fresh();
      const id = await setup(store);
      await store.mailQueue.enqueue('confirm', id, 'ann@example.com', at(0));
      expect(await store.subscribers.remove('ann+1@example.com', at(1))).toBe('deleted');
      expect(await store.mailQueue.claim(at(2), at(-600))).toBeUndefined();
      expect(await store.mailQueue.countByStatus()).toMatchObject({ queued: 0 });
    });

    it('expired sign-ups: never confirmed form rows made and mailed before the cutoff go, with their mail', async () => {
      const store = await stores.fresh();
      const old = await add(store, 'old@example.com', { source: 'form', now: at(0) });
      await store.mailQueue.enqueue('confirm', old.id, 'old@example.com', at(0));
      await store.subscribers.markConfirmSent(old.id, at(0));
      const remailed = await add(store, 'remailed@example.com', { source: 'form', now: at(0) });
      await store.subscribers.markConfirmSent(remailed.id, at(200));
      const recent = await add(store, 'recent@example.com', { source: 'form', now: at(150) });
      const imported = await add(store, 'imported@example.com', { source: 'import', now: at(0) });
      const active = await add(store, 'active@example.com', { source: 'form', now: at(0) });
      await store.subscribers.setStatus(active.id, 'active', at(1));
      const left = await add(store, 'left@example.com', { source: 'form', now: at(0) });
      await store.subscribers.setStatus(left.id, 'unsubscribed', at(1));

      expect(await store.hygiene.expirePending(at(100))).toBe(1);
      expect(await store.subscribers.getById(old.id)).toBeUndefined();
      expect(await store.mailQueue.countByStatus()).toMatchObject({ queued: 0 });
      for (const kept of [remailed, recent, imported, active, left])
        expect(await store.subscribers.getById(kept.id), kept.email).toBeDefined();
      expect(await store.hygiene.expirePending(at(100))).toBe(0);
      // The address may sign up again, as a new row.
      expect(
        (await store.subscribers.add('old@example.com', { source: 'form', now: at(300) })).ok,
      ).toBe(true);
    });
  });
}
