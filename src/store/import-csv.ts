// Import a subscriber CSV: our own export, another tool's (import-formats.ts), or a plain list
// with an `email` column. All or nothing for the file, in flat memory for any file size: a
// first pass streams the file and validates every row, keeping only the refused ones; only a
// well-formed file is read again and handed to the store a chunk at a time, all applied in one
// transaction (Store.importRows over chunks), so no list of every row is ever held.
//
// Only a regular file is read (a FIFO or /dev/zero would wait or run forever), only valid
// UTF-8 unless another encoding is asked for, and SIGINT/SIGTERM during either pass stops
// the import before anything is written.
//
// Status only ever moves toward "do not mail": a new address gets the status the file gives
// it; an existing one is kept, or tightened when the file says it opted out, bounced or
// complained. Nothing an import says re-activates an address that opted out, bounced or
// complained, and a suppressed or forgotten address is refused outright.
import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import type { CsvError as CsvErrorType } from 'csv-parse';
import { VerdictsError } from '../errors.ts';
import { normaliseEmail } from './email-address.ts';
import type { Store } from './face.ts';
import type { ApplyCounts, ImportRow } from './import-apply.ts';
import type { ImportFormat, ImportStatus, MappedRow } from './import-formats.ts';
import { type ImportReader, readerFor } from './import-reader.ts';
import { cleanName } from './subscriber-name.ts';

export type RejectedRow = { line: number; email: string; reason: string };
export type ImportResult = {
  format: ImportFormat;
  /** Rows per status the file asked for; `unreadable` holds rows with no status we know. */
  counts: Partial<Record<ImportStatus | 'unreadable', ApplyCounts>>;
  /** Totals over every status. */
  total: ApplyCounts;
  rejected: RejectedRow[];
};

const NONE: ApplyCounts = { added: 0, kept: 0, updated: 0, refused: 0 };

class BadHeader extends Error {}

/** Text encodings an import reads; anything but UTF-8 only when asked for (`--encoding`). */
export const IMPORT_ENCODINGS = ['utf8', 'latin1'] as const;
export type ImportEncoding = (typeof IMPORT_ENCODINGS)[number];

export type ImportOptions = {
  at: Date;
  format?: ImportFormat;
  asSuppressionList?: boolean;
  encoding?: ImportEncoding;
  /** Aborted (SIGINT/SIGTERM): the import stops before anything is written. */
  signal?: AbortSignal;
  /** The data's category slugs: another tool's tags become topics only where they name one. */
  categories?: readonly string[];
};

/** Rows handed to the store at a time, all in its one transaction: what the second pass holds. */
const APPLY_CHUNK = 2000;
const READ_CHUNK = 256 * 1024;

export async function importSubscribersCsv(
  store: Pick<Store, 'importRows'>,
  file: string,
  opts: ImportOptions,
): Promise<ImportResult> {
  const fd = openRegularFile(file);
  try {
    const first = await validatePass(fd, file, opts);
    if (opts.signal?.aborted) throw interrupted(file, opts.signal);
    // The second pass reads the file again and hands the store its rows a chunk at a time,
    // all inside the store's one transaction (importRows over chunks): nothing is written
    // unless every chunk applied, and an error or a signal rolls the whole file back.
    const applied = await store.importRows(applyPass(fd, file, opts, first), {
      at: opts.at,
      source: `import:${path.basename(file)}`,
    });
    const counts: ImportResult['counts'] = { ...applied.counts };
    const rejected: RejectedRow[] = [...first.rejected.map((r) => r.row), ...applied.refused];
    for (const r of first.rejected) {
      const key = r.status ?? 'unreadable';
      counts[key] = { ...(counts[key] ?? NONE), refused: (counts[key]?.refused ?? 0) + 1 };
    }
    rejected.sort((a, b) => a.line - b.line);
    let total: ApplyCounts = NONE;
    for (const c of Object.values(counts)) total = addCounts(total, c);
    return { format: first.format, counts, total, rejected };
  } finally {
    closeSync(fd);
  }
}

/**
 * Pass two: the file's good rows, at most about APPLY_CHUNK (plus one read's worth) at a time,
 * yielding to the event loop between reads (V8 collects garbage and a signal is seen; a
 * synchronous pass of a million rows grew the heap by ~70 MB). Throws, inside the store's
 * transaction so that it rolls back, on a signal or when the file changed since pass one.
 */
async function* applyPass(
  fd: number,
  file: string,
  opts: ImportOptions,
  first: First,
): AsyncGenerator<readonly ImportRow[]> {
  const chunk: ImportRow[] = [];
  // Our own export's topics are ours; another tool's tags count only where they name a category.
  const known = first.format === 'verdicts' ? null : new Set(opts.categories ?? []);
  const scan = createScanner(
    file,
    opts,
    (r) => {
      if (r.kind !== 'row') return;
      if (known) {
        const topics = r.row.topics?.filter((t) => known.has(t));
        r.row.topics = topics && topics.length > 0 ? topics : undefined;
      }
      chunk.push(r.row);
    },
    true,
  );
  const buf = Buffer.alloc(READ_CHUNK);
  for (let pos = 0; ; ) {
    if (opts.signal?.aborted) throw interrupted(file, opts.signal);
    const n = readChunk(fd, file, buf, pos);
    if (n === 0) break;
    pos += n;
    scan.feed(buf.subarray(0, n));
    while (chunk.length >= APPLY_CHUNK) {
      yield chunk.splice(0, APPLY_CHUNK);
      if (opts.signal?.aborted) throw interrupted(file, opts.signal);
    }
    await turn();
  }
  const seen = scan.end();
  // The file must not have changed between the passes: roll back rather than apply rows that
  // were never validated as a whole.
  if (seen.rows !== first.rows || seen.rejected !== first.rejected.length) {
    throw new VerdictsError('store', 'bad_csv', `${file}: changed while being read: try again`);
  }
  if (chunk.length > 0) yield chunk;
  if (opts.signal?.aborted) throw interrupted(file, opts.signal);
}

const addCounts = (a: ApplyCounts, b: ApplyCounts): ApplyCounts => ({
  added: a.added + b.added,
  kept: a.kept + b.kept,
  updated: a.updated + b.updated,
  refused: a.refused + b.refused,
});

const interrupted = (file: string, signal: AbortSignal) =>
  new VerdictsError(
    'store',
    'interrupted',
    `${file}: import stopped (${(signal.reason as Error | undefined)?.message ?? 'aborted'}); nothing was written: run it again`,
  );

/** What a file is when it is not a regular file, for a one-line refusal. */
export function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

/**
 * Open without waiting (O_NONBLOCK: a FIFO with no writer would block the open forever) and
 * refuse anything but a regular file, checked on the open descriptor (what is read is what
 * was checked).
 */
function openRegularFile(file: string): number {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw toBadCsv(file, e);
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    throw new VerdictsError('store', 'not_a_file', `${file}: ${fileKind(st)}: not a regular file`);
  }
  return fd;
}

type Scanned =
  | { kind: 'row'; row: ImportRow }
  | { kind: 'valid' }
  | { kind: 'rejected'; row: RejectedRow; status?: ImportStatus };
const VALID: Scanned = { kind: 'valid' };

type First = {
  format: ImportFormat;
  rows: number;
  rejected: { row: RejectedRow; status?: ImportStatus }[];
};

/** Pass one: every record validated, only refusals kept. */
async function validatePass(fd: number, file: string, opts: ImportOptions): Promise<First> {
  const rejected: First['rejected'] = [];
  const seen = await scanPass(fd, file, opts, (r) => {
    if (r.kind === 'rejected') rejected.push({ row: r.row, status: r.status });
  });
  return { format: seen.format, rows: seen.rows, rejected };
}

/**
 * The whole file, every record to `onRecord` (no row objects built), yielding to the event
 * loop between chunks and stopping when the signal is aborted.
 */
async function scanPass(
  fd: number,
  file: string,
  opts: ImportOptions,
  onRecord: (r: Scanned) => void,
): Promise<{ format: ImportFormat; rows: number; rejected: number }> {
  const scan = createScanner(file, opts, onRecord, false);
  const buf = Buffer.alloc(READ_CHUNK);
  for (let pos = 0; ; ) {
    if (opts.signal?.aborted) throw interrupted(file, opts.signal);
    const n = readChunk(fd, file, buf, pos);
    if (n === 0) break;
    pos += n;
    scan.feed(buf.subarray(0, n));
    await turn();
  }
  return scan.end();
}

function readChunk(fd: number, file: string, buf: Buffer, pos: number): number {
  try {
    return readSync(fd, buf, 0, buf.length, pos);
  } catch (e) {
    throw toBadCsv(file, e);
  }
}

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

/**
 * A CSV reader fed chunks synchronously. Checks UTF-8 (unless another encoding was asked
 * for) before the parser sees the bytes, so a Latin-1 file is refused naming its line
 * instead of storing U+FFFD in place of a letter.
 */
function createScanner(
  file: string,
  opts: ImportOptions,
  onRecord: (r: Scanned) => void,
  build: boolean,
) {
  const { parse, CsvError } = loadCsv();
  const encoding = opts.encoding ?? 'utf8';
  let reader: ImportReader | undefined;
  const parser = parse({
    bom: true,
    encoding,
    columns: (header: string[]) => {
      const names = header.map((h) => h.trim().toLowerCase());
      const picked = readerFor(names, opts.format);
      if (!picked.ok) throw new BadHeader(picked.error);
      reader = picked.value;
      return names;
    },
    skip_empty_lines: true,
    // One record this long is no subscriber row; it also bounds memory.
    max_record_size: 64 * 1024,
  }) as unknown as { api: CsvCore };
  const core = parser.api;
  // The parser's running counters: at each record, `lines` is the line it ended on. Read from
  // there rather than with `info: true`, which builds two objects of a dozen fields per row.
  let rows = 0;
  let rejected = 0;
  const utf8 = encoding === 'utf8' ? utf8Checker(file) : undefined;
  const push = (rec: unknown) => {
    const record = rec as Record<string, string | undefined>;
    const r = scanRecord(reader!, record, core.info.lines, opts.asSuppressionList === true, build);
    if (r.kind !== 'rejected') rows++;
    else rejected++;
    onRecord(r);
  };
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
    feed(buf: Buffer) {
      utf8?.check(buf);
      run(buf, false);
    },
    end(): { format: ImportFormat; rows: number; rejected: number } {
      utf8?.end();
      run(undefined, true);
      if (!reader) {
        throw new VerdictsError(
          'store',
          'bad_csv',
          `${file}: line 1: empty file, expected a header`,
        );
      }
      return { format: reader.format, rows, rejected };
    },
  };
}

function scanRecord(
  reader: ImportReader,
  record: Record<string, string | undefined>,
  line: number,
  asSuppressionList: boolean,
  build: boolean,
): Scanned {
  const raw = reader.emailOf(record);
  const mapped = reader.map(record);
  // A suppression list is a list of addresses never to mail, whatever status its tool gave
  // them (an erased row stays erased); a row refused unread counts as a refused suppression.
  const asked = (s: ImportStatus | undefined) =>
    asSuppressionList && s !== 'forgotten' ? 'suppressed' : s;
  if (!mapped.ok) {
    return {
      kind: 'rejected',
      row: { line, email: raw, reason: mapped.error.reason },
      status: asked(mapped.error.status),
    };
  }
  const status = asked(mapped.value.status)!;
  const email = checkEmail(raw, mapped.value);
  if (!email.ok)
    return { kind: 'rejected', row: { line, email: raw, reason: email.error }, status };
  // The first pass only counts good rows: no row object for it to throw away.
  if (!build) return VALID;
  return {
    kind: 'row',
    row: buildRow(mapped.value, line, email.value, status),
  };
}

/**
 * One object literal with every field, in one order: every row shares one hidden class. A
 * spread of the mapped row (`{ ...mapped, line, email }`) gave each row a hidden class of its
 * own, allocated in V8's old space, so a million-row import filled the old generation with
 * dead maps between major GCs (peak RSS 167-171 MB on the 1,000,000-row bench).
 */
function buildRow(m: MappedRow, line: number, email: string, status: ImportStatus): ImportRow {
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
    topics: m.topics,
    pausedIssues: m.pausedIssues,
  };
}

/**
 * Streaming UTF-8 validation: a chunk may end inside a character, so up to three trailing
 * bytes wait for the next chunk. The line of the first bad byte is counted from the start.
 */
function utf8Checker(file: string) {
  let carry = Buffer.alloc(0);
  let lines = 1;
  const fail = (bytes: Buffer, at: number): never => {
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) lines++;
    const byte = (bytes[at] ?? 0).toString(16).padStart(2, '0');
    throw new VerdictsError(
      'store',
      'bad_csv',
      `${file}: line ${lines}: not valid UTF-8 (byte 0x${byte}); if the file is Latin-1, import it with --encoding latin1`,
    );
  };
  return {
    check(chunk: Buffer) {
      const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      const cut = bytes.length - incompleteTail(bytes);
      const whole = bytes.subarray(0, cut);
      if (!isUtf8(whole)) fail(whole, firstBadByte(whole));
      for (let i = whole.indexOf(0x0a); i !== -1; i = whole.indexOf(0x0a, i + 1)) lines++;
      carry = Buffer.from(bytes.subarray(cut));
    },
    end() {
      if (carry.length > 0) fail(carry, 0);
    },
  };
}

/** Bytes at the end that start a character not yet complete (0 to 3). */
function incompleteTail(b: Buffer): number {
  for (let back = 1; back <= Math.min(3, b.length); back++) {
    const byte = b[b.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Offset of the first byte that starts no valid UTF-8 sequence (only run on a bad chunk). */
function firstBadByte(b: Buffer): number {
  for (let i = 0; i < b.length; ) {
    const len = validSequenceAt(b, i);
    if (len === 0) return i;
    i += len;
  }
  return 0;
}

function validSequenceAt(b: Buffer, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const need =
    c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (need === 0 || i + need > b.length) return 0;
  return isUtf8(b.subarray(i, i + need)) ? need : 0;
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

function toBadCsv(
  file: string,
  e: unknown,
  CsvError: typeof CsvErrorType = loadCsv().CsvError,
): VerdictsError {
  if (e instanceof VerdictsError) return e;
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
  const code = (e as NodeJS.ErrnoException).code;
  return new VerdictsError(
    'store',
    code === 'ENOENT' ? 'csv_not_found' : 'bad_csv',
    `${file}: cannot read: ${(e as Error).message}`,
  );
}
