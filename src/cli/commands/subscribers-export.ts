// `verdicts subscribers export [--status S]`: every column a move needs (status, source and
// every date), so importing the file into a new database loses nothing. Suppressed addresses
// and the keyed hashes of forgotten ones come after the subscribers, so the never-mail list
// moves too. CSV by csv-stringify (RFC 4180 quoting), one row at a time; a cell a spreadsheet
// would run as a formula is written with a leading `'` (neutraliseCell), which import undoes.

import { type Command, Option } from 'commander';
import { stringify } from 'csv-stringify/sync';
import {
  HASH_PREFIX,
  IMPORT_STATUSES,
  type ImportStatus,
  neutraliseCell,
  type SubscriberStatus,
} from '../../store/index.ts';
import { type CliIo, type PathFlags, withDb } from '../context.ts';
import { withStore } from './with-store.ts';

export const EXPORT_COLUMNS = [
  'email',
  'name',
  'status',
  'source',
  'createdAt',
  'updatedAt',
  'confirmedAt',
  'unsubscribedAt',
  'welcomedAt',
  'topics',
  'pausedIssues',
] as const;

type Line = Record<(typeof EXPORT_COLUMNS)[number], string | null>;

const csvLine = (values: readonly (string | null)[]) =>
  stringify([values.map((v) => neutraliseCell(v ?? ''))], { record_delimiter: 'windows' });

export function registerExport(group: Command, io: CliIo): void {
  withDb(group.command('export'))
    .description(
      'write subscribers, suppressed addresses and erased-address hashes as CSV to stdout (all unless --status); `import` reads it back unchanged',
    )
    .addOption(
      new Option('--status <status>', 'only rows with this status').choices(IMPORT_STATUSES),
    )
    .action((flags: PathFlags & { status?: ImportStatus }) =>
      withStore(
        io,
        flags,
        async (store) => {
          const write = (l: Line) => io.stdout(csvLine(EXPORT_COLUMNS.map((c) => l[c])));
          io.stdout(csvLine(EXPORT_COLUMNS));
          const wanted = (s: ImportStatus) => flags.status === undefined || flags.status === s;
          const subscriberStatus =
            flags.status === 'suppressed' || flags.status === 'forgotten'
              ? null
              : (flags.status as SubscriberStatus | undefined);
          if (subscriberStatus !== null) {
            for await (const s of store.subscribers.list({ status: subscriberStatus })) {
              write({
                ...s,
                name: s.name,
                // Empty: everything (categories added later too); otherwise a JSON array.
                topics: s.topics === null ? null : JSON.stringify(s.topics),
                pausedIssues: String(s.pausedIssues),
              });
            }
          }
          for (const reason of ['suppressed', 'forgotten'] as const) {
            if (!wanted(reason)) continue;
            for await (const r of store.suppressions.list(reason)) {
              write({
                email: r.email ?? `${HASH_PREFIX}${r.emailHash}`,
                name: null,
                status: reason,
                source: r.source,
                createdAt: r.createdAt,
                updatedAt: null,
                confirmedAt: null,
                unsubscribedAt: null,
                welcomedAt: null,
                topics: null,
                pausedIssues: null,
              });
            }
          }
        },
        { readOnly: true },
      ),
    );
}
