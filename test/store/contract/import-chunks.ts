// importRows over more rows than one statement takes (PostgreSQL writes 2,000 rows at a
// statement, and sends one while it prepares the next): an address seen again in a later
// chunk or later in the same chunk is looked up, not inserted twice; ids follow the file; an
// import into a table that already had rows, and one under a suppression list, count alike.
import { describe, expect, it } from 'vitest';
import {
  add,
  at,
  NO_COUNTS as none,
  type OpenStore,
  importRow as row,
  useStores,
} from './fixture.ts';

const N = 4_100;
const addresses = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) =>
    row(from + k + 2, `r${from + k}@example.com`, 'active'),
  );

export function importChunksContract(_name: string, open: OpenStore): void {
  describe('importRows over several chunks', () => {
    const stores = useStores(open);

    it('an address again in a later chunk, or later in its own, tightens or is kept', async () => {
      const store = await stores.fresh();
      const rows = [
        ...addresses(0, N),
        row(N + 2, 'R5@example.com', 'unsubscribed'),
        row(N + 3, 'r4050@example.com', 'bounced'),
        row(N + 4, 'r7@example.com', 'active'),
        row(N + 5, 'r4050@EXAMPLE.com', 'unsubscribed'),
      ];
      const out = await store.importRows(rows, { at: at(1), source: 'import:big.csv' });
      expect(out).toEqual({
        counts: {
          active: { ...none, added: N, kept: 1 },
          unsubscribed: { ...none, updated: 1, kept: 1 },
          bounced: { ...none, updated: 1 },
        },
        refused: [],
      });
      expect(await store.subscribers.getByEmail('r5@example.com')).toMatchObject({
        status: 'unsubscribed',
        unsubscribedAt: at(1).toISOString(),
      });
      expect((await store.subscribers.getByEmail('r4050@example.com'))?.status).toBe('bounced');
      const ids = await Promise.all(
        [0, 1999, 2000, 4099].map(
          async (i) => (await store.subscribers.getByEmail(`r${i}@example.com`))?.id,
        ),
      );
      expect(ids).toEqual([...ids].sort((a, b) => a! - b!));
      expect(new Set(ids).size).toBe(4);
    });

    it('into a table that had rows, and again: the rows it had are kept, then all of them', async () => {
      const store = await stores.fresh();
      await add(store, 'r3000@example.com', { status: 'active' });
      await add(store, 'r10@example.com', { status: 'bounced' });
      const rows = addresses(0, N);
      const first = await store.importRows(rows, { at: at(1), source: 'import:big.csv' });
      expect(first.counts).toEqual({ active: { ...none, added: N - 2, kept: 2 } });
      const again = await store.importRows(rows, { at: at(2), source: 'import:big.csv' });
      expect(again.counts).toEqual({ active: { ...none, kept: N } });
      expect((await store.subscribers.countByStatus()).active).toBe(N - 1);
    });

    it('under a suppression list: refusals named in file order across chunks', async () => {
      const store = await stores.fresh();
      await store.suppressions.suppress('r150@example.com', 'cli', at(0));
      await store.suppressions.suppress('r3500@example.com', 'cli', at(0));
      const out = await store.importRows(addresses(0, N), { at: at(1), source: 'import:big.csv' });
      expect(out).toEqual({
        counts: { active: { ...none, added: N - 2, refused: 2 } },
        refused: [
          { line: 152, email: 'r150@example.com', reason: 'on the suppression list' },
          { line: 3502, email: 'r3500@example.com', reason: 'on the suppression list' },
        ],
      });
    });
  });
}
