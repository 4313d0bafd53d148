// The store as a whole: its kind, its schema, and units of work (`atomically`) that commit all
// of their writes or none of them.
import { describe, expect, it } from 'vitest';
import { add, at, collect, type OpenStore, useStores } from './fixture.ts';

export function unitsContract(name: string, open: OpenStore): void {
  describe('store', () => {
    const stores = useStores(open);

    it('says its kind, and its schema is the one this program knows', async () => {
      const store = await stores.fresh();
      expect(store.kind).toBe(name);
      const schema = await store.schema();
      expect(typeof schema.applied).toBe('number');
      expect(schema.known).toBeGreaterThan(0);
      expect(schema.applied).toBe(schema.known);
    });

    it('reopened, a database keeps what was written and is not migrated again', async () => {
      const store = await stores.fresh();
      const s = await add(store, 'kept@example.com', { status: 'active' });
      const again = await stores.reopen();
      expect(await again.subscribers.getById(s.id)).toEqual(s);
      const schema = await again.schema();
      expect(schema.applied).toBe(schema.known);
    });
  });

  describe('atomically', () => {
    const stores = useStores(open);

    it('commits every write of the unit, and returns its value', async () => {
      const store = await stores.fresh();
      const out = await store.atomically('test', async (tx) => {
        const s = await tx.subscribers.add('a@example.com', { source: 'form', now: at(0) });
        if (!s.ok) throw new Error(s.error);
        const m = await tx.mailQueue.enqueue('confirm', s.value.id, 'a@example.com', at(0));
        await tx.suppressions.suppress('blocked@example.com', 'cli', at(0));
        // Reads inside the unit see its own writes.
        expect(await tx.subscribers.getByEmail('a@example.com')).toMatchObject({ id: s.value.id });
        return { id: s.value.id, m };
      });
      expect(typeof out.id).toBe('number');
      expect(typeof out.m).toBe('number');
      expect(await store.subscribers.getById(out.id)).toBeDefined();
      expect(await store.mailQueue.countByStatus()).toMatchObject({ queued: 1 });
      expect(await store.suppressions.has('blocked@example.com')).toBe(true);
    });

    it('a throw inside rolls back every write, and the error reaches the caller', async () => {
      const store = await stores.fresh();
      const kept = await add(store, 'kept@example.com', { status: 'active' });
      const boom = new Error('boom');
      await expect(
        store.atomically('test', async (tx) => {
          const s = await tx.subscribers.add('new@example.com', {
            source: 'form',
            status: 'active',
            now: at(1),
          });
          if (!s.ok) throw new Error(s.error);
          await tx.subscribers.setStatus(kept.id, 'unsubscribed', at(1));
          await tx.subscribers.setName(kept.id, 'Changed', at(1));
          await tx.mailQueue.enqueue('confirm', s.value.id, 'new@example.com', at(1));
          await tx.suppressions.suppress('blocked@example.com', 'cli', at(1));
          await tx.votes.cast({
            subscriberId: kept.id,
            pairId: 'p',
            toolId: 't',
            week: '2026-W48',
            now: at(1),
          });
          await tx.leases.acquire('x', { owner: 'A', ttlMs: 60_000, now: new Date() });
          const frozen = await tx.ledger.freeze('2026-W48', 'h', at(1));
          expect(frozen.ok).toBe(true);
          await tx.events.record({
            svixId: 's',
            type: 'email.opened',
            email: null,
            messageId: null,
            createdAt: at(1),
            payload: {},
          });
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await store.subscribers.getByEmail('new@example.com')).toBeUndefined();
      expect(await store.subscribers.getById(kept.id)).toEqual(kept);
      expect(await store.mailQueue.countByStatus()).toMatchObject({ queued: 0 });
      expect(await store.suppressions.has('blocked@example.com')).toBe(false);
      expect(await store.votes.countsByPair()).toEqual(new Map());
      expect(await store.leases.holder('x')).toBeUndefined();
      expect(await store.ledger.isFrozen('2026-W48')).toBe(false);
      // The svix id was not kept: the same event records again.
      expect(
        await store.events.record({
          svixId: 's',
          type: 'email.opened',
          email: null,
          messageId: null,
          createdAt: at(1),
          payload: {},
        }),
      ).toBe('recorded');
      expect((await collect(store.subscribers.list())).map((s) => s.email)).toEqual([
        'kept@example.com',
      ]);
    });

    it('after a rolled-back unit the store works on (the connection is not left in a transaction)', async () => {
      const store = await stores.fresh();
      for (let i = 0; i < 3; i++) {
        await expect(
          store.atomically('test', async (tx) => {
            await tx.subscribers.add(`x${i}@example.com`, { source: 'cli', now: at(0) });
            throw new Error('no');
          }),
        ).rejects.toThrow('no');
      }
      await add(store, 'after@example.com');
      expect(
        await store.atomically(
          'test',
          async (tx) => (await tx.subscribers.countByStatus()).pending,
        ),
      ).toBe(1);
    });

    it('units in a row and in parallel on one store each commit', async () => {
      const store = await stores.fresh();
      await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          store.atomically('test', async (tx) => {
            const s = await tx.subscribers.add(`p${i}@example.com`, { source: 'cli', now: at(0) });
            if (!s.ok) throw new Error(s.error);
          }),
        ),
      );
      expect((await store.subscribers.countByStatus()).pending).toBe(5);
    });
  });
}
