// The provider's shared request budget: every connection on the database takes its request
// slots from one row, so the weekly sender and every server's mail worker together stay under
// the team's rate. Slots are distinct and spaced by the interval however many take at once; a
// 429 pushes the next slot past its retry-after for everyone; the learned interval is what
// every taker follows; and nobody can hold slots ahead of a later taker beyond what it took.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/index.ts';
import { type OpenStore, useStores } from './fixture.ts';

const BUDGET = 'resend';
/** Slots handed out in sequence differ by the interval, up to float rounding. */
const spacing = (xs: number[]) => xs.slice(1).map((x, i) => Math.round((x - xs[i]!) * 1000) / 1000);

export function providerBudgetContract(_name: string, open: OpenStore): void {
  describe('provider budget', () => {
    const stores = useStores(open);

    it('hands out consecutive slots spaced by the interval, the first at once', async () => {
      const store = await stores.fresh();
      expect(await store.providerBudget.state(BUDGET)).toBeUndefined();
      const first = await store.providerBudget.take(BUDGET, { intervalMs: 1_000 });
      expect(first.waitMs).toBeLessThan(50);
      expect(first.intervalMs).toBe(1_000);
      const slots = [first.atMs];
      for (let i = 0; i < 4; i++) {
        slots.push((await store.providerBudget.take(BUDGET, { intervalMs: 999 })).atMs);
      }
      // The row's interval holds once it exists: the 999 only seeds a new budget.
      expect(spacing(slots)).toEqual([1_000, 1_000, 1_000, 1_000]);
      const state = await store.providerBudget.state(BUDGET);
      expect(state?.nextAtMs).toBeCloseTo(slots.at(-1)! + 1_000, 3);
      // Another budget is another row.
      const other = await store.providerBudget.take('other', { intervalMs: 100 });
      expect(other.waitMs).toBeLessThan(50);
    });

    it('a slot is not before the moment asked for, and a row behind now starts from now', async () => {
      const store = await stores.fresh();
      const later = await store.providerBudget.take(BUDGET, { intervalMs: 20, notBeforeMs: 300 });
      expect(later.waitMs).toBeGreaterThan(250);
      expect(later.waitMs).toBeLessThanOrEqual(300);
      await new Promise((r) => setTimeout(r, later.waitMs + 60));
      // The next free slot (later + 20) is in the past now: the taker gets now, not a backlog.
      const now = await store.providerBudget.take(BUDGET, { intervalMs: 20 });
      expect(now.waitMs).toBe(0);
      expect(now.atMs - later.atMs).toBeGreaterThan(20);
    });

    it('two connections taking at once get distinct slots spaced by the interval', async () => {
      const a = await stores.fresh();
      const b = await stores.second();
      const takes = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? b : a).providerBudget.take(BUDGET, { intervalMs: 1_000 }),
        ),
      );
      const at = takes.map((t) => t.atMs).sort((x, y) => x - y);
      expect(new Set(at).size).toBe(40);
      expect(new Set(spacing(at))).toEqual(new Set([1_000]));
      // Each taker waits for its own slot: the last one 39 intervals out.
      expect(Math.max(...takes.map((t) => t.waitMs))).toBeGreaterThan(38_000);
    });

    it('a 429 pushes the next slot past its retry-after for every connection', async () => {
      const a = await stores.fresh();
      const b = await stores.second();
      const before = await a.providerBudget.take(BUDGET, { intervalMs: 100 });
      await b.providerBudget.hold(BUDGET, 2_000, 100);
      const after = await a.providerBudget.take(BUDGET, { intervalMs: 100 });
      expect(after.atMs - before.atMs).toBeGreaterThanOrEqual(1_900);
      expect(after.waitMs).toBeGreaterThan(1_800);
      // A shorter hold never pulls the row back.
      await a.providerBudget.hold(BUDGET, 10, 100);
      const next = await b.providerBudget.take(BUDGET, { intervalMs: 100 });
      expect(next.atMs - after.atMs).toBeCloseTo(100, 3);
      // A hold on a budget nobody used yet starts it held.
      await a.providerBudget.hold('fresh', 1_000, 100);
      expect((await b.providerBudget.take('fresh', { intervalMs: 100 })).waitMs).toBeGreaterThan(
        900,
      );
    });

    it('the interval learned by one process is what every taker follows next', async () => {
      const a = await stores.fresh();
      const b = await stores.second();
      const one = await a.providerBudget.take(BUDGET, { intervalMs: 5_000 });
      await b.providerBudget.setInterval(BUDGET, 101.2);
      const two = await b.providerBudget.take(BUDGET, { intervalMs: 5_000 });
      const three = await a.providerBudget.take(BUDGET, { intervalMs: 5_000 });
      // The slot after `one` was reserved at the old spacing; the ones after follow the new.
      expect(two.atMs - one.atMs).toBeCloseTo(5_000, 3);
      expect(three.atMs - two.atMs).toBeCloseTo(101.2, 3);
      expect(three.intervalMs).toBeCloseTo(101.2, 6);
      expect((await a.providerBudget.state(BUDGET))?.intervalMs).toBeCloseTo(101.2, 6);
    });

    it('a late taker is never queued behind more than the slots already taken (no hoarding)', async () => {
      // The reservation rule that keeps confirmations from starving behind a long send: a
      // slot is reserved only when asked for, one per take, so whoever asks next gets the slot
      // right after the last one handed out, whatever lane it is and however long the send.
      const [sender, server] = await twoStores(stores);
      const bulk: number[] = [];
      for (let i = 0; i < 3; i++) {
        bulk.push((await sender.providerBudget.take(BUDGET, { intervalMs: 1_000 })).atMs);
      }
      const mail = await server.providerBudget.take(BUDGET, { intervalMs: 1_000 });
      expect(mail.atMs - bulk.at(-1)!).toBeCloseTo(1_000, 3);
      expect(mail.waitMs).toBeLessThanOrEqual(3 * 1_000 + 50);
      const bulkNext = await sender.providerBudget.take(BUDGET, { intervalMs: 1_000 });
      expect(bulkNext.atMs - mail.atMs).toBeCloseTo(1_000, 3);
      // A taker whose request may arrive late (a mail worker's, through fetch) says so: the
      // slot after its own is that much later, for whoever takes it.
      const lagging = await server.providerBudget.take(BUDGET, { intervalMs: 1_000, lagMs: 30 });
      expect(lagging.atMs - bulkNext.atMs).toBeCloseTo(1_000, 3);
      const afterLag = await sender.providerBudget.take(BUDGET, { intervalMs: 1_000 });
      expect(afterLag.atMs - lagging.atMs).toBeCloseTo(1_030, 3);
    });
  });
}

async function twoStores(stores: ReturnType<typeof useStores>): Promise<[Store, Store]> {
  const a = await stores.fresh();
  return [a, await stores.second()];
}
