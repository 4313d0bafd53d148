// Two connections on one database (two Store objects, as two processes or two servers have),
// racing for the same thing many times over: exactly one wins each time.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/index.ts';
import { add, addReaders, at, type OpenStore, useStores } from './fixture.ts';

const ROUNDS = 20;

export function concurrencyContract(_name: string, open: OpenStore): void {
  describe('concurrency: two connections', () => {
    const stores = useStores(open);
    const pair = async (): Promise<[Store, Store]> => {
      const a = await stores.fresh();
      const b = await stores.second();
      return [a, b];
    };

    it('two lease takers at once: exactly one gets it', async () => {
      const [a, b] = await pair();
      for (let round = 0; round < ROUNDS; round++) {
        const name = `race:${round}`;
        const [ra, rb] = await Promise.all([
          a.leases.acquire(name, { owner: `A${round}`, ttlMs: 60_000, now: new Date() }),
          b.leases.acquire(name, { owner: `B${round}`, ttlMs: 60_000, now: new Date() }),
        ]);
        expect([ra.ok, rb.ok].filter(Boolean), `round ${round}`).toHaveLength(1);
        const winner = ra.ok ? `A${round}` : `B${round}`;
        const loser = ra.ok ? rb : ra;
        if (!loser.ok && loser.error.heldBy) expect(loser.error.heldBy.owner).toBe(winner);
        expect((await a.leases.holder(name))?.owner).toBe(winner);
      }
    });

    it('two claimers on one due row: one gets it, the other nothing', async () => {
      const [a, b] = await pair();
      const s = await add(a, 'ann@example.com', { source: 'form' });
      for (let round = 0; round < ROUNDS; round++) {
        const id = await a.mailQueue.enqueue('confirm', s.id, 'ann@example.com', at(round));
        const now = at(round + 1);
        const got = await Promise.all([
          a.mailQueue.claim(now, at(-600)),
          b.mailQueue.claim(now, at(-600)),
        ]);
        const claimed = got.filter((m) => m !== undefined);
        expect(
          claimed.map((m) => m.id),
          `round ${round}`,
        ).toEqual([id]);
        await a.mailQueue.sent(id, `m${round}`, now);
      }
      expect(await b.mailQueue.countByStatus()).toMatchObject({
        sent: ROUNDS,
        queued: 0,
        sending: 0,
      });
    });

    it('two claimers on two due rows: each gets a different one', async () => {
      const [a, b] = await pair();
      const s = await add(a, 'ann@example.com', { source: 'form' });
      for (let round = 0; round < ROUNDS; round++) {
        const ids = [
          await a.mailQueue.enqueue('confirm', s.id, 'ann@example.com', at(round)),
          await b.mailQueue.enqueue('confirm', s.id, 'ann@example.com', at(round)),
        ];
        const now = at(round + 1);
        const got = await Promise.all([
          a.mailQueue.claim(now, at(-600)),
          b.mailQueue.claim(now, at(-600)),
        ]);
        expect(
          got.every((m) => m !== undefined),
          `round ${round}`,
        ).toBe(true);
        expect(
          got.map((m) => m!.id).sort((x, y) => x - y),
          `round ${round}`,
        ).toEqual(ids);
        for (const id of ids) await a.mailQueue.sent(id, `m${id}`, now);
      }
    });

    it("two cap checks inside atomically('confirm-caps') at once: exactly one enqueues", async () => {
      const [a, second] = await pair();
      const b = stores.unitsOnOneConnection() ? a : second;
      const s = await add(a, 'ann@example.com', { source: 'form' });
      const capped = (store: Store, mailbox: string, now: Date) =>
        store.atomically('confirm-caps', async (tx) => {
          const n = await tx.mailQueue.countForMailbox('confirm', mailbox, at(-3600));
          if (n >= 1) return false;
          await tx.mailQueue.enqueue('confirm', s.id, mailbox, now);
          return true;
        });
      for (let round = 0; round < ROUNDS; round++) {
        const mailbox = `box${round}@example.com`;
        const results = await Promise.all([
          capped(a, mailbox, at(round)),
          capped(b, mailbox, at(round)),
        ]);
        expect(results.filter(Boolean), `round ${round}`).toHaveLength(1);
        expect(
          await a.mailQueue.countForMailbox('confirm', mailbox, at(-3600)),
          `round ${round}`,
        ).toBe(1);
      }
      expect(await b.mailQueue.countSince('confirm', at(-3600))).toBe(ROUNDS);
    });

    it('two startAttempt on one pending batch: one started, the other taken', async () => {
      const [a, b] = await pair();
      await addReaders(a, 3);
      for (let round = 0; round < ROUNDS; round++) {
        const week = `2026-W${String(round + 10).padStart(2, '0')}`;
        await a.ledger.freeze(week, 'h', at(0));
        const got = await Promise.all([
          a.ledger.startAttempt(week, 0, at(1)),
          b.ledger.startAttempt(week, 0, at(1)),
        ]);
        const kinds = got.map((g) => g.kind).sort();
        // A retry of a submitting batch is also "started"; the race is for the pending one:
        // exactly one caller may see it pending (first: true).
        const firsts = got.filter((g) => g.kind === 'started' && g.first);
        expect(firsts, `round ${round}: ${JSON.stringify(got)}`).toHaveLength(1);
        // The other is the retry of a batch already submitting (both are the lease holder's
        // calls in real use): recorded as a second attempt, never as a second first one.
        expect(kinds, `round ${round}`).toEqual(['started', 'started']);
        expect(await b.ledger.batch(week, 0)).toMatchObject({ status: 'submitting', attempts: 2 });
      }
    });
  });
}
