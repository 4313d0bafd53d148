// The store's face (face.ts) and its two adapters: SQLite (sqlite-store.ts) and PostgreSQL
// (pg/). Only this folder imports better-sqlite3 or the PostgreSQL driver, and nothing outside
// it sees a connection, SQL or a transaction.
export * from './copy/index.ts';
export * from './email-address.ts';
export type { EventLink, ProviderEvent, Recorded } from './events.ts';
export * from './export-csv.ts';
export * from './face.ts';
export { type ForgetProblem, type ForgetReport, mentions } from './forget.ts';
export { neutraliseCell } from './import-cells.ts';
export * from './import-csv.ts';
export {
  IMPORT_FORMATS,
  IMPORT_STATUSES,
  type ImportFormat,
  type ImportStatus,
} from './import-formats.ts';
export { type AcquireOptions, type Lease, type LeaseHolder, newLeaseOwner } from './leases.ts';
export type { AttemptStart, SendLease } from './ledger.ts';
export * from './ledger-rows.ts';
export type { SubscriberChange } from './list-hygiene.ts';
export { MailKind, MailStatus, type QueuedMail } from './mail-queue.ts';
export * from './mailbox-key.ts';
export * from './open-store.ts';
export type { ProviderBudgetState, ProviderSlot } from './provider-budget.ts';
export * from './subscriber-name.ts';
export {
  type AddOptions,
  MAX_PAUSE_ISSUES,
  type ReaderHistory,
  type RemoveOutcome,
  SUBSCRIBER_STATUSES,
  Subscriber,
  SubscriberStatus,
  type TopicChoices,
} from './subscribers.ts';
export {
  addressHash,
  HASH_PREFIX,
  type SuppressionReason,
  type SuppressionRow,
} from './suppressions.ts';
export { hostLabel } from './this-host.ts';
export type { Vote } from './votes.ts';
