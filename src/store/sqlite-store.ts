// The SQLite adapter: today's synchronous repositories (same statements, IMMEDIATE
// transactions, INDEXED BY, secure_delete) behind the store's async face. better-sqlite3 runs
// each operation to the end before it returns, so an operation is atomic on its own; what
// must be kept apart is a unit of work that awaits between its steps. While one is open, every
// other operation of this process waits behind it (one connection cannot hold two
// transactions), and each unit runs inside BEGIN IMMEDIATE, which excludes other processes.
import { createArchiveFiles } from './archive-files.ts';
import { type Db, openDatabase } from './db.ts';
import { createEvents } from './events.ts';
import type { ImportApplied, Store, StoreRepos } from './face.ts';
import { forgetAddress } from './forget.ts';
import { addApplied, applyImport, importChunks } from './import-apply.ts';
import { createIssueStats } from './issue-stats.ts';
import { createLeases } from './leases.ts';
import { createLedger } from './ledger.ts';
import { createListHygiene } from './list-hygiene.ts';
import { createMailQueue } from './mail-queue.ts';
import { MIGRATIONS } from './migrations.ts';
import { createProviderBudget } from './provider-budget.ts';
import { createRateWindows } from './rate-windows.ts';
import { createSubscribers } from './subscribers.ts';
import { createSuppressions } from './suppressions.ts';
import { createVotes } from './votes.ts';

type Run = <R>(op: () => R) => Promise<R>;

// biome-ignore lint/suspicious/noExplicitAny: a method of any shape is lifted the same way
type AnyFn = (...args: any[]) => any;
type Lifted<T> = {
  [K in keyof T]: T[K] extends (...a: infer A) => Generator<infer Y, void, undefined>
    ? (...a: A) => AsyncIterable<Y>
    : T[K] extends (...a: infer A) => infer R
      ? (...a: A) => Promise<R>
      : T[K];
};

const settle: Run = (op) => {
  try {
    return Promise.resolve(op());
  } catch (e) {
    return Promise.reject(e);
  }
};

/** Each method of a synchronous repository, run through `run`; generators a step at a time. */
function lift<T extends object>(repo: T, run: Run, generators: readonly (keyof T)[] = []) {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(repo)) {
    if (typeof value !== 'function') {
      out[key] = value;
    } else if (generators.includes(key as keyof T)) {
      out[key] = (...args: unknown[]) => ({
        async *[Symbol.asyncIterator]() {
          const it = (value as AnyFn)(...args) as Iterator<unknown>;
          for (;;) {
            const step = await run(() => it.next());
            if (step.done) return;
            yield step.value;
          }
        },
      });
    } else {
      out[key] = (...args: unknown[]) => run(() => (value as AnyFn)(...args));
    }
  }
  return out as Lifted<T>;
}

function reposOver(db: Db, secret: string, run: Run): StoreRepos {
  const subscribers = createSubscribers(db);
  const suppressions = createSuppressions(db, secret);
  return {
    subscribers: lift(subscribers, run, ['list']),
    // The hash is arithmetic on the address, no query: it stays synchronous.
    suppressions: { ...lift(suppressions, run, ['list']), hash: suppressions.hash },
    ledger: lift(createLedger(db), run),
    leases: lift(createLeases(db), run),
    events: lift(createEvents(db), run),
    votes: lift(createVotes(db), run),
    mailQueue: lift(createMailQueue(db), run),
    hygiene: lift(createListHygiene(db, subscribers), run),
    stats: lift(createIssueStats(db), run),
    archive: lift(createArchiveFiles(db), run),
    limits: lift(createRateWindows(db), run),
    providerBudget: lift(createProviderBudget(db), run),
  };
}

export function sqliteStore(db: Db, secret: string): Store {
  // Units of work queued or running; while there are any, other operations queue behind them.
  let units = 0;
  let tail: Promise<unknown> = Promise.resolve();
  const queued = <R>(op: () => R | Promise<R>): Promise<R> => {
    const p = tail.then(op);
    tail = p.catch(() => undefined);
    return p;
  };
  const run: Run = (op) => (units === 0 ? settle(op) : queued(op));
  /** `fn` in one IMMEDIATE transaction, queued as a unit of work; any error rolls it back. */
  const immediate = <T>(fn: () => Promise<T>): Promise<T> => {
    units++;
    return queued(async () => {
      db.exec('BEGIN IMMEDIATE');
      try {
        const out = await fn();
        db.exec('COMMIT');
        return out;
      } catch (e) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw e;
      }
    }).finally(() => {
      units--;
    });
  };
  const repos = reposOver(db, secret, run);
  const inside = reposOver(db, secret, settle);
  const schemaVersion = () => db.pragma('user_version', { simple: true }) as number;
  return {
    kind: 'sqlite',
    ...repos,
    atomically<T>(_lock: string, fn: (tx: StoreRepos) => Promise<T>): Promise<T> {
      return immediate(() => fn(inside));
    },
    // One IMMEDIATE transaction over every chunk, held while the chunks' source reads on (it
    // may await between them), so it queues like a unit of work; each chunk's applyImport
    // runs as a savepoint inside it. Any error, the source's included, rolls it all back.
    importRows(rows, opts) {
      return immediate(async () => {
        const out: ImportApplied = { counts: {}, refused: [] };
        for await (const chunk of importChunks(rows)) {
          addApplied(out, applyImport(db, chunk, { ...opts, secret }));
        }
        return out;
      });
    },
    forget: (email, at) => run(() => forgetAddress(db, email, { secret, at })),
    schema: () => run(() => ({ applied: schemaVersion(), known: MIGRATIONS.length })),
    close: () =>
      run(() => {
        db.close();
      }),
  };
}

/** Open (and migrate) the SQLite file at `file`. */
export const openSqliteStore = (
  file: string,
  secret: string,
  open: (file: string) => Db = openDatabase,
): Store => sqliteStore(open(file), secret);
