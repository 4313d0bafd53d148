// The store's face: SQLite behind repositories. Only this folder imports better-sqlite3.
export * from './db.ts';
export * from './email-address.ts';
export * from './events.ts';
export * from './forget.ts';
export * from './import-csv.ts';
export {
  IMPORT_FORMATS,
  IMPORT_STATUSES,
  type ImportFormat,
  type ImportStatus,
  neutraliseCell,
} from './import-formats.ts';
export * from './issue-stats.ts';
export * from './leases.ts';
export * from './ledger.ts';
export * from './ledger-rows.ts';
export * from './list-hygiene.ts';
export * from './mail-queue.ts';
export * from './mailbox-key.ts';
export * from './open-store.ts';
export * from './subscriber-name.ts';
export * from './subscribers.ts';
export * from './suppressions.ts';
export * from './votes.ts';
