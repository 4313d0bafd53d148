// The fault suite on both stores. A send workspace is built as always (SQLite file, archive);
// for PostgreSQL its subscribers are loaded into a fresh database on the run's server through
// the store's face, and every child gets DATABASE_URL, so `verdicts send` ignores the file.
// What a test checks afterwards (the ledger, the lease) is read through the face on both.
import { afterEach } from 'vitest';
import { sendLeaseName } from '../../src/pipeline/send-week.ts';
import type { LedgerSummary, StoreKind } from '../../src/store/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { reader, sendWorkspace, WEEK, type Workspace } from '../send/send-fixture.ts';
import { freshPgDatabase } from '../support/postgres.ts';

export const STORES: readonly StoreKind[] = ['sqlite', 'postgres'];

export const SECRET = 'test-secret-0123456789abcdef';

type ImportRow = Extract<Parameters<Store['importRows']>[0], readonly unknown[]>[number];

export type StoreWorkspace = Omit<Workspace, 'db' | 'env'> & {
  kind: StoreKind;
  /** postgres://… of this workspace's own database (postgres only). */
  url: string | undefined;
  env: Workspace['env'];
  /** The store the children use, opened through the face (closed after the test). */
  store: () => Promise<Store>;
  /** The ledger's summary of the week. */
  summary: () => Promise<LedgerSummary>;
  /** Whether anyone still holds the week's send lease. */
  leaseHeld: () => Promise<boolean>;
};

/** Active readers reader1..readerN as import rows, ids in the same order as SQLite's. */
export function readerRows(count: number, from = 1): ImportRow[] {
  const at = '2026-11-01T00:00:00.000Z';
  return Array.from({ length: count }, (_, i) => ({
    line: i + 2,
    email: reader(from + i),
    status: 'active' as const,
    name: `Reader ${from + i}`,
    source: 'test',
    exact: true,
    createdAt: at,
    updatedAt: at,
    confirmedAt: at,
  }));
}

/**
 * Call at the top of a file: `make(kind, opts)` gives a workspace cleaned up after each test.
 * For postgres, `url` names an empty database to use instead of a fresh one on the run's server.
 */
export function useStoreWorkspaces() {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });
  return async (
    kind: StoreKind,
    opts: { subscribers?: number; url?: string } = {},
  ): Promise<StoreWorkspace> => {
    // PostgreSQL's readers are in PostgreSQL only: a child that read the file would find none.
    const ws = await sendWorkspace({ subscribers: kind === 'sqlite' ? opts.subscribers : 0 });
    cleanups.push(async () => ws.close());
    let url: string | undefined;
    if (kind === 'postgres') {
      if (opts.url) {
        url = opts.url;
      } else {
        const db = await freshPgDatabase('fault');
        cleanups.push(() => db.drop());
        url = db.url;
      }
      if (opts.subscribers) {
        const store = await openStore({ url, path: 'unused', secret: SECRET });
        try {
          const rows = readerRows(opts.subscribers);
          const applied = await store.importRows(rows, { at: new Date(), source: 'test' });
          if (applied.counts.active?.added !== opts.subscribers) {
            throw new Error(`loaded ${JSON.stringify(applied.counts)} into PostgreSQL`);
          }
        } finally {
          await store.close();
        }
      }
    }
    let opened: Promise<Store> | undefined;
    const store = () => {
      opened ??= openStore({ url, path: ws.dbPath, secret: SECRET });
      return opened;
    };
    cleanups.push(async () => {
      if (opened) await (await opened).close();
    });
    return {
      kind,
      url,
      dir: ws.dir,
      dbPath: ws.dbPath,
      issuesDir: ws.issuesDir,
      outboxDir: ws.outboxDir,
      args: ws.args,
      env: (extra = {}) => ws.env({ ...(url ? { DATABASE_URL: url } : {}), ...extra }),
      store,
      summary: async () => (await store()).ledger.summary(WEEK),
      leaseHeld: async () =>
        (await (await store()).leases.holder(sendLeaseName(WEEK))) !== undefined,
    };
  };
}
