// The subscriber export as CSV lines: every column a move needs (status, source and every
// date), so importing the file into a new database loses nothing; suppressed addresses and the
// keyed hashes of forgotten ones come after the subscribers, so the never-mail list moves too.
// CSV by csv-stringify (RFC 4180 quoting, CRLF), one row at a time; a cell a spreadsheet would
// run as a formula is written with a leading `'` (neutraliseCell), which import undoes.
import { stringify } from 'csv-stringify/sync';
import type { Store } from './face.ts';
import { neutraliseCell } from './import-cells.ts';
import type { ImportStatus } from './import-formats.ts';
import type { SubscriberStatus } from './subscriber-model.ts';
import { HASH_PREFIX } from './suppressions.ts';

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

/** The header, then one line per row of `status` (every row when undefined). */
export async function* exportCsvLines(
  store: Pick<Store, 'subscribers' | 'suppressions'>,
  status?: ImportStatus,
): AsyncGenerator<string> {
  const line = (l: Line) => csvLine(EXPORT_COLUMNS.map((c) => l[c]));
  yield csvLine(EXPORT_COLUMNS);
  const wanted = (s: ImportStatus) => status === undefined || status === s;
  const subscriberStatus =
    status === 'suppressed' || status === 'forgotten'
      ? null
      : (status as SubscriberStatus | undefined);
  if (subscriberStatus !== null) {
    for await (const s of store.subscribers.list({ status: subscriberStatus })) {
      yield line({
        ...s,
        // Empty: everything (categories added later too); otherwise a JSON array.
        topics: s.topics === null ? null : JSON.stringify(s.topics),
        pausedIssues: String(s.pausedIssues),
      });
    }
  }
  for (const reason of ['suppressed', 'forgotten'] as const) {
    if (!wanted(reason)) continue;
    for await (const r of store.suppressions.list(reason)) {
      yield line({
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
}
