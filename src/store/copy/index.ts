// Moving and inspecting a whole store: `verdicts db status | migrate | copy`. The SQL stays
// here; the CLI gets reports. The implementations load the PostgreSQL driver, so they are
// imported only when called: a SQLite command that loads the store's face never loads `pg`.
import type { CopyOptions, CopyReport } from './copy-store.ts';
import type { MigrationReport, StoreInspection } from './inspect.ts';

export type { CopiedTable, CopyOptions, CopyOutcome, CopyReport } from './copy-store.ts';
export type { MigrationReport, StoreInspection, StoreState } from './inspect.ts';

type Target = import('../open-store.ts').StoreTarget;
type Opener = { openDatabase?: import('../open-store.ts').OpenDatabase };

/** Copy every table of `source` into the empty PostgreSQL database at `targetUrl`. */
export async function copyStore(
  source: Target,
  targetUrl: string,
  opts: CopyOptions = {},
): Promise<CopyReport> {
  return (await import('./copy-store.ts')).copyStore(source, targetUrl, opts);
}

/** Which store, how far its schema is, rows per table; creates and migrates nothing. */
export async function inspectStore(target: Target, opts: Opener = {}): Promise<StoreInspection> {
  return (await import('./inspect.ts')).inspectStore(target, opts);
}

/** Create or migrate the store's schema; says what this call applied. */
export async function migrateStore(target: Target, opts: Opener = {}): Promise<MigrationReport> {
  return (await import('./inspect.ts')).migrateStore(target, opts);
}
