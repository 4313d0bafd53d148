// Import a subscriber CSV: our own export, another tool's (import-formats.ts), or a plain list
// with an `email` column. All or nothing for the file: it is parsed and validated first
// (streamed, never read whole), and only a well-formed file is applied, in one transaction.
//
// Status only ever moves toward "do not mail": a new address gets the status the file gives
// it; an existing one is kept, or tightened when the file says it opted out, bounced or
// complained. Nothing an import says re-activates an address that opted out, bounced or
// complained, and a suppressed or forgotten address is refused outright.
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { CsvError as CsvErrorType } from 'csv-parse';
import { VerdictsError } from '../errors.ts';
import { normaliseEmail } from './email-address.ts';
import type { Store } from './face.ts';
import type { ApplyCounts, ImportRow } from './import-apply.ts';
import type { ImportFormat, ImportStatus, MappedRow } from './import-formats.ts';
import { type ImportReader, readerFor } from './import-reader.ts';

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

export async function importSubscribersCsv(
  store: Pick<Store, 'importRows'>,
  file: string,
  opts: {
    at: Date;
    format?: ImportFormat;
    asSuppressionList?: boolean;
    /** The data's category slugs: another tool's tags become topics only where they name one. */
    categories?: readonly string[];
  },
): Promise<ImportResult> {
  const read = await readRows(file, opts.format);
  if (read.format !== 'verdicts') {
    const known = new Set(opts.categories ?? []);
    for (const r of read.rows) {
      const topics = r.topics?.filter((t) => known.has(t));
      r.topics = topics && topics.length > 0 ? topics : undefined;
    }
  }
  // A suppression list is a list of addresses never to mail, whatever status its tool gave
  // them (an erased row stays erased).
  if (opts.asSuppressionList) {
    for (const r of [...read.rows, ...read.rejected]) {
      if (r.status !== 'forgotten') r.status = 'suppressed';
    }
  }
  const applied = await store.importRows(read.rows, {
    at: opts.at,
    source: `import:${path.basename(file)}`,
  });
  const counts: ImportResult['counts'] = applied.counts;
  const rejected: RejectedRow[] = [...read.rejected.map((r) => r.row), ...applied.refused];
  for (const r of read.rejected) {
    const key = r.status ?? 'unreadable';
    counts[key] = { ...(counts[key] ?? NONE), refused: (counts[key]?.refused ?? 0) + 1 };
  }
  rejected.sort((a, b) => a.line - b.line);
  const total: ApplyCounts = { added: 0, kept: 0, updated: 0, refused: 0 };
  for (const c of Object.values(counts)) {
    for (const k of Object.keys(total) as (keyof ApplyCounts)[]) total[k] += c[k];
  }
  return { format: read.format, counts, total, rejected };
}

type Read = {
  format: ImportFormat;
  rows: ImportRow[];
  rejected: { row: RejectedRow; status?: ImportStatus }[];
};

// Required by an import, not by every importer of the store's face (a send).
const require = createRequire(import.meta.url);
const loadCsv = () => require('csv-parse') as typeof import('csv-parse');

/** Parse and validate every record; throws VerdictsError('store', 'bad_csv') for a malformed file. */
async function readRows(file: string, forced?: ImportFormat): Promise<Read> {
  const { parse } = loadCsv();
  let reader: ImportReader | undefined;
  const parser = parse({
    bom: true,
    columns: (header: string[]) => {
      const names = header.map((h) => h.trim().toLowerCase());
      const picked = readerFor(names, forced);
      if (!picked.ok) throw new BadHeader(picked.error);
      reader = picked.value;
      return names;
    },
    skip_empty_lines: true,
    info: true,
  });
  const input = createReadStream(file);
  input.on('error', (e) => parser.destroy(e));
  input.pipe(parser);

  const rows: ImportRow[] = [];
  const rejected: Read['rejected'] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string | undefined>;
      info: { lines: number };
    }>) {
      const raw = reader!.emailOf(record);
      const mapped = reader!.map(record);
      if (!mapped.ok) {
        rejected.push({
          row: { line: info.lines, email: raw, reason: mapped.error.reason },
          status: mapped.error.status,
        });
        continue;
      }
      const email = checkEmail(raw, mapped.value);
      if (!email.ok) {
        rejected.push({
          row: { line: info.lines, email: raw, reason: email.error },
          status: mapped.value.status,
        });
        continue;
      }
      rows.push({
        line: info.lines,
        email: email.value,
        ...mapped.value,
        name: cleanName(mapped.value.name),
      });
    }
  } catch (e) {
    throw toBadCsv(file, e);
  }
  if (!reader) {
    throw new VerdictsError('store', 'bad_csv', `${file}: line 1: empty file, expected a header`);
  }
  return { format: reader.format, rows, rejected };
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

/** One line, no control characters: the name ends up in a To: header. */
function cleanName(name: string | null): string | null {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const clean = (name ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ');
  return clean.trim() || null;
}

function toBadCsv(file: string, e: unknown): VerdictsError {
  if (e instanceof VerdictsError) return e;
  if (e instanceof BadHeader) {
    return new VerdictsError('store', 'bad_csv', `${file}: line 1: ${e.message}`);
  }
  if (e instanceof loadCsv().CsvError) {
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
