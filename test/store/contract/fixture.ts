// What every part of the store contract shares: how a test gets a store (a fresh database per
// call, closed and removed after the test), fixed instants, and a few seeding helpers that go
// through the face only.
import { afterEach, expect } from 'vitest';
import type { Store, Subscriber, SubscriberStatus } from '../../../src/store/index.ts';

export type Opened = {
  store: Store;
  /** Close this store and open its database again (what a restart sees). */
  reopen?: () => Promise<Store>;
  /** Another Store on the same database: a second connection, as a second process has. */
  second?: () => Promise<Store>;
  /**
   * A unit of work (`atomically`) holds the database's write lock across its awaits, and
   * another connection of this same process waits for that lock synchronously (SQLite's
   * busy_timeout blocks the event loop, so the unit holding it can never finish). Two units
   * cannot race on two connections of one process then; the race runs between two units of
   * one store, which the adapter must serialise itself (between processes, each with its own
   * event loop, the database's lock does).
   */
  unitsBlockOtherConnections?: boolean;
  /** Close every store this open made and remove its database. */
  cleanup(): Promise<void>;
};
export type OpenStore = () => Promise<Opened>;

/** The TOKEN_SECRET both contract runs open their stores with (keyed hashes depend on it). */
export const CONTRACT_SECRET = 'contract-test-secret-0123456789';

/** The row shape importRows takes (not exported by the face under its own name). */
export type ImportRow = Extract<Parameters<Store['importRows']>[0], readonly unknown[]>[number];

/** An import row as a file's line gives it (no name unless `extra` has one). */
export const importRow = (
  line: number,
  email: string,
  status: ImportRow['status'],
  extra: Partial<ImportRow> = {},
): ImportRow => ({ line, email, status, name: null, ...extra });

/** An import's counts for one status, all zero. */
export const NO_COUNTS = { added: 0, kept: 0, updated: 0, refused: 0 };

/** Instants for tests: `at(0)` is a fixed moment, `at(90)` ninety seconds later. */
export const at = (seconds: number) => new Date(Date.UTC(2026, 7, 31, 8, 0, 0) + seconds * 1000);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Per test: `fresh()` opens a new, empty store (its own database); `second()` and `reopen()`
 * act on the last one opened. Everything is closed and removed after the test.
 */
export function useStores(open: OpenStore) {
  const opened: Opened[] = [];
  afterEach(async () => {
    const all = opened.splice(0);
    const errors: unknown[] = [];
    for (const o of all.reverse()) await o.cleanup().catch((e) => errors.push(e));
    if (errors.length > 0) throw errors[0];
  });
  const last = () => {
    const o = opened.at(-1);
    if (!o) throw new Error('contract: fresh() first');
    return o;
  };
  return {
    async fresh(): Promise<Store> {
      const o = await open();
      opened.push(o);
      return o.store;
    },
    async second(): Promise<Store> {
      const o = last();
      if (!o.second) throw new Error('contract: this adapter gives no second connection');
      return o.second();
    },
    /** Whether the last store's units must race on it alone (see Opened). */
    unitsOnOneConnection(): boolean {
      return last().unitsBlockOtherConnections === true;
    },
    async reopen(): Promise<Store> {
      const o = last();
      if (!o.reopen) throw new Error('contract: this adapter cannot reopen');
      return o.reopen();
    },
  };
}

export const reader = (i: number) => `reader${i}@example.com`;

/** Add one subscriber; the test fails here if the store refuses it. */
export async function add(
  store: Pick<Store, 'subscribers'>,
  email: string,
  opts: { status?: SubscriberStatus; name?: string | null; source?: string; now?: Date } = {},
): Promise<Subscriber> {
  const r = await store.subscribers.add(email, {
    source: opts.source ?? 'cli',
    status: opts.status,
    name: opts.name,
    now: opts.now ?? at(0),
  });
  if (!r.ok) throw new Error(`contract: add ${email}: ${r.error}`);
  return r.value;
}

/** `n` active readers `reader<from>…`, named `Reader <i>`, added one by one in id order. */
export async function addReaders(store: Store, n: number, from = 1): Promise<Subscriber[]> {
  const out: Subscriber[] = [];
  for (let i = from; i < from + n; i++) {
    out.push(await add(store, reader(i), { status: 'active', name: `Reader ${i}` }));
  }
  return out;
}

/** Many subscribers in one call (importRows): for the tests that need pages of them. */
export async function bulkAdd(
  store: Store,
  n: number,
  status: (i: number) => SubscriberStatus = () => 'active',
): Promise<void> {
  const rows: ImportRow[] = [];
  for (let i = 1; i <= n; i++) {
    rows.push({ line: i + 1, email: reader(i), status: status(i), name: `Reader ${i}` });
  }
  const r = await store.importRows(rows, { at: at(0), source: 'bulk' });
  expect(r.refused).toEqual([]);
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Freeze `week` and submit every batch with message ids `id(week, subscriberId)`. */
export async function sendWeek(
  store: Store,
  week: string,
  opts: { id?: (week: string, subscriberId: number) => string; finish?: boolean } = {},
): Promise<void> {
  const id = opts.id ?? messageId;
  const frozen = await store.ledger.freeze(week, `hash-${week}`, at(0));
  if (!frozen.ok) throw new Error('contract: freeze refused');
  for (
    let b = await store.ledger.nextOpenBatch(week, -1);
    b;
    b = await store.ledger.nextOpenBatch(week, b.batchNo)
  ) {
    await store.ledger.startAttempt(week, b.batchNo, at(1));
    const rs = await store.ledger.queuedRecipients(week, b.batchNo);
    await store.ledger.markSubmitted(
      week,
      b.batchNo,
      rs.map((r) => r.subscriberId),
      rs.map((r) => id(week, r.subscriberId)),
      at(2),
    );
  }
  if (opts.finish !== false) await store.ledger.finishIfComplete(week, at(3));
}

export const messageId = (week: string, subscriberId: number) => `em_${week}_${subscriberId}`;
