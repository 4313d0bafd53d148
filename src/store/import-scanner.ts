// A subscriber CSV read a buffer at a time, synchronously: csv-parse's core checks the CSV,
// the header picks the format (import-reader.ts), and, when a sink is given, each record
// becomes an import row or a refusal naming its line. Without a sink the records are only
// counted: the cheap first pass that proves the whole file well-formed before anything is
// written. UTF-8 is checked (unless another encoding was asked for) before the parser sees
// the bytes.
import { createRequire } from 'node:module';
import type { CsvError as CsvErrorType } from 'csv-parse';
import { VerdictsError } from '../errors.ts';
import { normaliseEmail } from './email-address.ts';
import type { ImportRow } from './import-apply.ts';
import type { Rec } from './import-cells.ts';
import type { ImportOptions, RejectedRow } from './import-csv.ts';
import { readError } from './import-file.ts';
import type { ImportFormat, ImportStatus, MappedRow } from './import-formats.ts';
import { type ImportReader, readerFor } from './import-reader.ts';
import { utf8Checker } from './import-utf8.ts';
import { cleanName } from './subscriber-name.ts';

/** Where a building scanner puts each record: a row to apply, or a refusal. */
export type ScanSink = {
  row(r: ImportRow): void;
  rejected(r: RejectedRow, status: ImportStatus | undefined): void;
};

export type Scanner = {
  /** The next bytes of the file. The parser may keep a view of the last few: never reuse `buf`. */
  feed(buf: Buffer): void;
  /** The file is over: its format and how many records it held (refused ones too). */
  end(): { format: ImportFormat; records: number };
};

type ScanOptions = Pick<ImportOptions, 'format' | 'encoding' | 'asSuppressionList' | 'categories'>;

class BadHeader extends Error {}

// Required by an import, not by every importer of the store's face (a send).
const require = createRequire(import.meta.url);
const loadCsv = () => require('csv-parse') as typeof import('csv-parse');

/** The parser's synchronous core (csv-parse's stream runs the same one in `_transform`). */
type CsvCore = {
  parse(
    buf: Buffer | undefined,
    end: boolean,
    push: (rec: unknown) => void,
    close: () => void,
  ): Error | undefined;
  info: { lines: number };
};

export function createScanner(file: string, opts: ScanOptions, sink: ScanSink | null): Scanner {
  const { parse, CsvError } = loadCsv();
  const encoding = opts.encoding ?? 'utf8';
  let reader: ImportReader | undefined;
  let toRow: ((record: Rec, line: number) => void) | undefined;
  const parser = parse({
    bom: true,
    encoding,
    columns: (header: string[]) => {
      const names = header.map((h) => h.trim().toLowerCase());
      const picked = readerFor(names, opts.format);
      if (!picked.ok) throw new BadHeader(picked.error);
      reader = picked.value;
      if (sink) toRow = rowMaker(reader, opts, sink);
      return names;
    },
    skip_empty_lines: true,
    // One record this long is no subscriber row; it also bounds memory.
    max_record_size: 64 * 1024,
  }) as unknown as { api: CsvCore };
  const core = parser.api;
  // The parser's running counters: at each record, `lines` is the line it ended on. Read from
  // there rather than with `info: true`, which builds two objects of a dozen fields per row.
  let records = 0;
  const push = sink
    ? (rec: unknown) => {
        records++;
        toRow!(rec as Rec, core.info.lines);
      }
    : () => {
        records++;
      };
  const utf8 = encoding === 'utf8' ? utf8Checker(file) : undefined;
  const run = (buf: Buffer | undefined, end: boolean) => {
    let failure: unknown;
    try {
      failure = core.parse(buf, end, push, () => {});
    } catch (e) {
      failure = e;
    }
    if (failure !== undefined) throw toBadCsv(file, failure, CsvError);
  };
  return {
    feed(buf) {
      utf8?.check(buf);
      run(buf, false);
    },
    end() {
      utf8?.end();
      run(undefined, true);
      if (!reader) {
        throw new VerdictsError(
          'store',
          'bad_csv',
          `${file}: line 1: empty file, expected a header`,
        );
      }
      return { format: reader.format, records };
    },
  };
}

/** Each record to the sink: a row, or a refusal with the status it asked for. */
function rowMaker(reader: ImportReader, opts: ScanOptions, sink: ScanSink) {
  // A suppression list is a list of addresses never to mail, whatever status its tool gave
  // them (an erased row stays erased); a row refused unread counts as a refused suppression.
  const asked = (s: ImportStatus | undefined) =>
    opts.asSuppressionList === true && s !== 'forgotten' ? 'suppressed' : s;
  // Our own export's topics are ours; another tool's tags count only where they name a category.
  const known = reader.format === 'verdicts' ? null : new Set(opts.categories ?? []);
  return (record: Rec, line: number) => {
    const raw = reader.emailOf(record);
    const mapped = reader.map(record);
    if (!mapped.ok) {
      sink.rejected({ line, email: raw, reason: mapped.error.reason }, asked(mapped.error.status));
      return;
    }
    const status = asked(mapped.value.status)!;
    const email = checkEmail(raw, mapped.value);
    if (!email.ok) {
      sink.rejected({ line, email: raw, reason: email.error }, status);
      return;
    }
    sink.row(buildRow(mapped.value, line, email.value, status, known));
  };
}

/**
 * One object literal with every field, in one order: every row shares one hidden class. A
 * spread of the mapped row (`{ ...mapped, line, email }`) gave each row a hidden class of its
 * own, allocated in V8's old space, so a million-row import filled the old generation with
 * dead maps between major GCs (peak RSS 167-171 MB on the 1,000,000-row bench).
 */
function buildRow(
  m: MappedRow,
  line: number,
  email: string,
  status: ImportStatus,
  known: ReadonlySet<string> | null,
): ImportRow {
  return {
    line,
    email,
    status,
    name: cleanName(m.name),
    source: m.source,
    exact: m.exact,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    confirmedAt: m.confirmedAt,
    unsubscribedAt: m.unsubscribedAt,
    welcomedAt: m.welcomedAt,
    topics: known ? knownTopics(m.topics, known) : m.topics,
    pausedIssues: m.pausedIssues,
  };
}

function knownTopics(topics: string[] | null | undefined, known: ReadonlySet<string>) {
  const kept = topics?.filter((t) => known.has(t));
  return kept && kept.length > 0 ? kept : undefined;
}

const HASH = /^hmac-sha256:[0-9a-f]{64}$/;

/** A forgotten row carries the keyed hash our export wrote in place of the address. */
function checkEmail(raw: string, row: MappedRow) {
  if (row.status === 'forgotten') {
    return HASH.test(raw.trim())
      ? { ok: true as const, value: raw.trim() }
      : { ok: false as const, error: 'a forgotten row must hold an hmac-sha256: hash' };
  }
  return normaliseEmail(raw);
}

function toBadCsv(file: string, e: unknown, CsvError: typeof CsvErrorType): VerdictsError {
  if (e instanceof BadHeader) {
    return new VerdictsError('store', 'bad_csv', `${file}: line 1: ${e.message}`);
  }
  if (e instanceof CsvError) {
    const line = (e as CsvErrorType & { lines?: number }).lines;
    return new VerdictsError(
      'store',
      'bad_csv',
      `${file}: line ${line ?? '?'}: malformed CSV (${e.code}): ${e.message}`,
    );
  }
  return readError(file, e);
}
