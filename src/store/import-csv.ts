// Import a subscriber CSV: our own export, another tool's (import-formats.ts), or a plain list
// with an `email` column. All or nothing for the file, in flat memory for any file size: a
// first pass only parses the file (well-formed CSV, the encoding asked for, a header naming a
// format) and keeps nothing; only a well-formed file is read again, each record mapped to a
// row or a refusal naming its line, and handed to the store a chunk at a time, all applied in
// one transaction (Store.importRows over chunks), so no list of every row is ever held.
//
// Only a regular file is read (import-file.ts), only valid UTF-8 unless another encoding is
// asked for, and SIGINT/SIGTERM during either pass stops the import before anything is written.
//
// Status only ever moves toward "do not mail": a new address gets the status the file gives
// it; an existing one is kept, or tightened when the file says it opted out, bounced or
// complained. Nothing an import says re-activates an address that opted out, bounced or
// complained, and a suppressed or forgotten address is refused outright.
import { closeSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { VerdictsError } from '../errors.ts';
import type { Store } from './face.ts';
import type { ApplyCounts, ImportRow } from './import-apply.ts';
import { fileChanged, type OpenFile, openRegularFile, readChunk } from './import-file.ts';
import type { ImportFormat, ImportStatus } from './import-formats.ts';
import { createScanner } from './import-scanner.ts';

export { fileKind } from './import-file.ts';

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
/**
 * The second pass feeds the parser this much at a time, so a chunk goes to the store as soon as
 * it is full (a PostgreSQL store writes it while the next one is parsed) instead of a whole
 * read's rows (~7,500 short ones) waiting behind it.
 */
const FEED = 32 * 1024;

type Refusal = { row: RejectedRow; status?: ImportStatus };

export async function importSubscribersCsv(
  store: Pick<Store, 'importRows'>,
  file: string,
  opts: ImportOptions,
): Promise<ImportResult> {
  const f = openRegularFile(file);
  try {
    const checked = await checkPass(f, opts);
    if (opts.signal?.aborted) throw interrupted(file, opts.signal);
    // The second pass reads the file again and hands the store its rows a chunk at a time,
    // all inside the store's one transaction (importRows over chunks): nothing is written
    // unless every chunk applied, and an error or a signal rolls the whole file back.
    const refusals: Refusal[] = [];
    const applied = await store.importRows(applyPass(f, opts, checked.records, refusals), {
      at: opts.at,
      source: `import:${path.basename(file)}`,
    });
    const counts: ImportResult['counts'] = { ...applied.counts };
    const rejected: RejectedRow[] = [...refusals.map((r) => r.row), ...applied.refused];
    for (const r of refusals) {
      const key = r.status ?? 'unreadable';
      counts[key] = { ...(counts[key] ?? NONE), refused: (counts[key]?.refused ?? 0) + 1 };
    }
    rejected.sort((a, b) => a.line - b.line);
    let total: ApplyCounts = NONE;
    for (const c of Object.values(counts)) total = addCounts(total, c);
    return { format: checked.format, counts, total, rejected };
  } finally {
    closeSync(f.fd);
  }
}

/**
 * Pass one: the whole file parsed (CSV, encoding, header) and its records counted; no record
 * is mapped and nothing is kept, so a malformed line anywhere refuses the import before the
 * store is asked to write.
 */
async function checkPass(f: OpenFile, opts: ImportOptions) {
  const scan = createScanner(f.file, opts, null);
  for await (const buf of reads(f, opts)) scan.feed(buf);
  return scan.end();
}

/**
 * Pass two: the file's rows, APPLY_CHUNK at a time, refusals into `refusals`. Throws, inside
 * the store's transaction so that it rolls back, on a signal or when the file changed since
 * pass one.
 */
async function* applyPass(
  f: OpenFile,
  opts: ImportOptions,
  records: number,
  refusals: Refusal[],
): AsyncGenerator<readonly ImportRow[]> {
  const chunk: ImportRow[] = [];
  const scan = createScanner(f.file, opts, {
    row: (r) => chunk.push(r),
    rejected: (row, status) => refusals.push({ row, status }),
  });
  for await (const buf of reads(f, opts)) {
    for (let at = 0; at < buf.length; at += FEED) {
      scan.feed(buf.subarray(at, at + FEED));
      while (chunk.length >= APPLY_CHUNK) {
        yield chunk.splice(0, APPLY_CHUNK);
        if (opts.signal?.aborted) throw interrupted(f.file, opts.signal);
      }
    }
  }
  // The file must not have changed between the passes: roll back rather than apply rows that
  // were never validated as a whole.
  if (scan.end().records !== records || fileChanged(f)) {
    throw new VerdictsError('store', 'bad_csv', `${f.file}: changed while being read: try again`);
  }
  if (chunk.length > 0) yield chunk;
  if (opts.signal?.aborted) throw interrupted(f.file, opts.signal);
}

/**
 * The file from the start, READ_CHUNK at a time, each read in a buffer of its own (the parser
 * keeps a view of the last bytes it could not finish: a reused buffer overwrote them, and a
 * row on a read boundary took the next read's bytes), yielding to the event loop between reads
 * (V8 collects garbage and a signal is seen) and stopping when the signal is aborted.
 */
async function* reads(f: OpenFile, opts: Pick<ImportOptions, 'signal'>): AsyncGenerator<Buffer> {
  for (let pos = 0; ; ) {
    if (opts.signal?.aborted) throw interrupted(f.file, opts.signal);
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    const n = readChunk(f, buf, pos);
    if (n === 0) return;
    pos += n;
    yield buf.subarray(0, n);
    await turn();
  }
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
