// Who waits for an import on PostgreSQL. Into an empty table the import holds the table
// against other writers until it commits, as every writer waits behind an import on SQLite,
// so its INSERTs need no ON CONFLICT (src/store/pg/pg-import.ts); readers go on. Into a table
// with subscribers, other writers go on while it runs.
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.ts';
import { freshPgDatabase } from '../support/postgres.ts';

type ImportRow = Extract<Parameters<Store['importRows']>[0], readonly unknown[]>[number];

const SECRET = 'import-lock-secret-0123456789';
const row = (i: number): ImportRow => ({
  line: i + 2,
  email: `r${i}@example.com`,
  status: 'active',
  name: null,
});
const at = new Date(Date.UTC(2026, 7, 31));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function twoStores(): Promise<[Store, Store]> {
  const db = await freshPgDatabase('import_lock');
  const a = await openStore({ url: db.url, path: 'unused', secret: SECRET });
  const b = await openStore({ url: db.url, path: 'unused', secret: SECRET });
  cleanups.push(
    db.drop,
    () => a.close(),
    () => b.close(),
  );
  return [a, b];
}

/** An import of 3,000 rows that stops after its first chunk until `go()`. */
function pausedImport(store: Store) {
  let go!: () => void;
  const gate = new Promise<void>((r) => {
    go = r;
  });
  let paused!: () => void;
  const reached = new Promise<void>((r) => {
    paused = r;
  });
  const done = store.importRows(
    (async function* () {
      yield Array.from({ length: 2000 }, (_, i) => row(i));
      paused();
      await gate;
      yield Array.from({ length: 1000 }, (_, i) => row(2000 + i));
    })(),
    { at, source: 'import:lock.csv' },
  );
  return { done, reached, go };
}

const settledWithin = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.then(() => true), new Promise((r) => setTimeout(() => r(false), ms))]);

describe('an import on PostgreSQL and other writers', () => {
  it('into an empty table: another writer waits for the commit, a reader does not', async () => {
    const [a, b] = await twoStores();
    const imp = pausedImport(a);
    await imp.reached;
    // The first chunk's INSERT is on the server or done: the table is held from the start.
    const add = b.subscribers.add('late@example.com', {
      status: 'active',
      source: 'form',
      now: at,
    });
    expect(await settledWithin(add, 500)).toBe(false);
    expect(await b.subscribers.countByStatus()).toMatchObject({ active: 0 });
    imp.go();
    expect((await imp.done).counts).toEqual({
      active: { added: 3000, kept: 0, updated: 0, refused: 0 },
    });
    expect((await add).ok).toBe(true);
    expect((await b.subscribers.countByStatus()).active).toBe(3001);
  });

  it('into a table with subscribers: another writer goes on while it runs', async () => {
    const [a, b] = await twoStores();
    await a.subscribers.add('first@example.com', { status: 'active', source: 'cli', now: at });
    const imp = pausedImport(a);
    await imp.reached;
    const add = b.subscribers.add('r2500@example.com', {
      status: 'active',
      source: 'form',
      now: at,
    });
    expect(await settledWithin(add, 5000)).toBe(true);
    imp.go();
    // The address the other writer added first is kept, not added twice.
    expect((await imp.done).counts).toEqual({
      active: { added: 2999, kept: 1, updated: 0, refused: 0 },
    });
    expect((await b.subscribers.countByStatus()).active).toBe(3001);
  });
});
