// Named leases: one holder per name; refused while live (and told who holds it), re-acquired
// and renewed by the holder, taken over once expired, released only by the holder. Expiry is
// tested with a real wait: PostgreSQL may judge it by the database clock, not by `now`.

import { describe, expect, it } from 'vitest';
import { newLeaseOwner } from '../../../src/store/index.ts';
import { thisHost } from '../../../src/store/this-host.ts';
import { type OpenStore, sleep, useStores } from './fixture.ts';

const ttlMs = 60_000;
/** An expiry `ttlMs` after some moment in [from, to], give or take a clock's second. */
const expiresWithin = (d: Date, from: number, to: number, ttl = ttlMs) => {
  expect(d).toBeInstanceOf(Date);
  expect(d.getTime()).toBeGreaterThanOrEqual(from + ttl - 1000);
  expect(d.getTime()).toBeLessThanOrEqual(to + ttl + 1000);
};

export function leasesContract(_name: string, open: OpenStore): void {
  describe('leases', () => {
    const stores = useStores(open);

    it('owner strings carry host and pid, and differ per call', () => {
      expect(newLeaseOwner()).toMatch(new RegExp(`:${process.pid}:[0-9a-f]{8}$`));
      expect(newLeaseOwner()).not.toBe(newLeaseOwner());
    });

    it('a second owner is refused while the lease is live, and told who holds it', async () => {
      const store = await stores.fresh();
      const t0 = Date.now();
      const first = await store.leases.acquire('send:2026-W35', {
        owner: 'A',
        ttlMs,
        now: new Date(),
      });
      const t1 = Date.now();
      expect(first).toMatchObject({
        ok: true,
        value: { name: 'send:2026-W35', owner: 'A', host: thisHost(), pid: process.pid },
      });
      if (first.ok) expiresWithin(first.value.expiresAt, t0, t1);
      const second = await store.leases.acquire('send:2026-W35', {
        owner: 'B',
        ttlMs,
        now: new Date(),
      });
      expect(second).toEqual({
        ok: false,
        error: {
          heldBy: { owner: 'A', host: thisHost(), pid: process.pid, expiresAt: expect.any(Date) },
        },
      });
      if (!second.ok && second.error.heldBy && first.ok) {
        expect(second.error.heldBy.expiresAt.getTime()).toBe(first.value.expiresAt.getTime());
      }
      // Other names are independent.
      expect(
        (await store.leases.acquire('scheduler', { owner: 'B', ttlMs, now: new Date() })).ok,
      ).toBe(true);
      const holder = await store.leases.holder('send:2026-W35');
      expect(holder).toMatchObject({ owner: 'A', pid: process.pid });
      expect(typeof holder?.pid).toBe('number');
      expect(await store.leases.holder('nothing')).toBeUndefined();
    });

    it('a holder elsewhere is kept as given (host and pid)', async () => {
      const store = await stores.fresh();
      await store.leases.acquire('x', {
        owner: 'remote',
        host: 'elsewhere',
        pid: 4242,
        ttlMs,
        now: new Date(),
      });
      expect(await store.leases.holder('x')).toMatchObject({
        owner: 'remote',
        host: 'elsewhere',
        pid: 4242,
      });
      expect((await store.leases.acquire('x', { owner: 'B', ttlMs, now: new Date() })).ok).toBe(
        false,
      );
    });

    it('the same owner re-acquires and renews; renewing a lease it does not hold is lost', async () => {
      const store = await stores.fresh();
      expect((await store.leases.acquire('x', { owner: 'A', ttlMs, now: new Date() })).ok).toBe(
        true,
      );
      expect((await store.leases.acquire('x', { owner: 'A', ttlMs, now: new Date() })).ok).toBe(
        true,
      );
      const t0 = Date.now();
      const renewed = await store.leases.renew('x', 'A', { ttlMs: 2 * ttlMs, now: new Date() });
      const t1 = Date.now();
      expect(renewed.ok).toBe(true);
      if (renewed.ok) expiresWithin(renewed.value.expiresAt, t0, t1, 2 * ttlMs);
      expect((await store.leases.holder('x'))?.expiresAt.getTime()).toBe(
        renewed.ok ? renewed.value.expiresAt.getTime() : -1,
      );
      expect(await store.leases.renew('x', 'B', { ttlMs, now: new Date() })).toEqual({
        ok: false,
        error: 'lost',
      });
      expect(await store.leases.renew('none', 'A', { ttlMs, now: new Date() })).toEqual({
        ok: false,
        error: 'lost',
      });
    });

    it('an expired lease is taken over, and the old holder then loses its renewal', async () => {
      const store = await stores.fresh();
      expect((await store.leases.acquire('x', { owner: 'A', ttlMs: 50, now: new Date() })).ok).toBe(
        true,
      );
      expect((await store.leases.acquire('x', { owner: 'B', ttlMs, now: new Date() })).ok).toBe(
        false,
      );
      await sleep(150);
      const taken = await store.leases.acquire('x', { owner: 'B', ttlMs, now: new Date() });
      expect(taken).toMatchObject({ ok: true, value: { owner: 'B' } });
      expect(await store.leases.renew('x', 'A', { ttlMs, now: new Date() })).toEqual({
        ok: false,
        error: 'lost',
      });
      expect((await store.leases.holder('x'))?.owner).toBe('B');
    });

    it('a lapsed lease nobody took is still its holder’s to renew', async () => {
      const store = await stores.fresh();
      await store.leases.acquire('x', { owner: 'A', ttlMs: 50, now: new Date() });
      await sleep(150);
      const renewed = await store.leases.renew('x', 'A', { ttlMs, now: new Date() });
      expect(renewed.ok).toBe(true);
      expect((await store.leases.acquire('x', { owner: 'B', ttlMs, now: new Date() })).ok).toBe(
        false,
      );
    });

    it('release frees the lease, but only for its owner', async () => {
      const store = await stores.fresh();
      await store.leases.acquire('x', { owner: 'A', ttlMs, now: new Date() });
      expect(await store.leases.release('x', 'B')).toBe(false);
      expect((await store.leases.holder('x'))?.owner).toBe('A');
      expect(await store.leases.release('x', 'A')).toBe(true);
      expect(await store.leases.release('x', 'A')).toBe(false);
      expect(await store.leases.holder('x')).toBeUndefined();
      expect((await store.leases.acquire('x', { owner: 'B', ttlMs, now: new Date() })).ok).toBe(
        true,
      );
    });
  });
}
