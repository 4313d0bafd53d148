// Import the operator's own list from a CSV file (header `email`, optional `name`; other
// columns ignored). All or nothing for the file: it is parsed and validated first (streamed,
// never read whole), and only a well-formed file is inserted, in one transaction. Idempotent:
// an address already present, whatever its status, is left exactly as it is, so a re-import
// can never re-activate someone who unsubscribed, bounced or complained.
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { CsvError as CsvErrorType } from 'csv-parse';
import { VerdictsError } from '../errors.ts';
import type { Db } from './db.ts';
import { normaliseEmail } from './email-address.ts';

export type RejectedRow = { line: number; email: string; reason: string };
export type ImportResult = { added: number; unchanged: number; rejected: RejectedRow[] };

type Row = { email: string; name: string | null };

class MissingEmailColumn extends Error {}

export async function importSubscribersCsv(
  db: Db,
  file: string,
  opts: { now: Date },
): Promise<ImportResult> {
  const { rows, rejected } = await readRows(file);
  const now = opts.now.toISOString();
  const source = `import:${path.basename(file)}`;
  const insert = db.prepare(
    `INSERT INTO subscribers (email, name, status, source, created_at, updated_at, confirmed_at)
     VALUES (?, ?, 'active', ?, ?, ?, ?) ON CONFLICT(email) DO NOTHING`,
  );
  const added = db
    .transaction(() => {
      let n = 0;
      for (const r of rows) n += insert.run(r.email, r.name, source, now, now, now).changes;
      return n;
    })
    .immediate();
  return { added, unchanged: rows.length - added, rejected };
}

// Required by an import, not by every importer of the store's face (a send).
const require = createRequire(import.meta.url);
const loadCsv = () => require('csv-parse') as typeof import('csv-parse');

/** Parse and validate every record; throws VerdictsError('store', 'bad_csv') for a malformed file. */
async function readRows(file: string): Promise<{ rows: Row[]; rejected: RejectedRow[] }> {
  const { parse } = loadCsv();
  let sawHeader = false;
  const parser = parse({
    bom: true,
    columns: (header: string[]) => {
      sawHeader = true;
      const names = header.map((h) => h.trim().toLowerCase());
      if (!names.includes('email')) throw new MissingEmailColumn(names.join(','));
      return names;
    },
    skip_empty_lines: true,
    info: true,
  });
  const input = createReadStream(file);
  input.on('error', (e) => parser.destroy(e));
  input.pipe(parser);

  const rows: Row[] = [];
  const rejected: RejectedRow[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string | undefined>;
      info: { lines: number };
    }>) {
      const raw = record.email ?? '';
      const email = normaliseEmail(raw);
      if (!email.ok) {
        rejected.push({ line: info.lines, email: raw, reason: email.error });
        continue;
      }
      rows.push({ email: email.value, name: cleanName(record.name) });
    }
  } catch (e) {
    throw toBadCsv(file, e);
  }
  if (!sawHeader) {
    throw new VerdictsError('store', 'bad_csv', `${file}: line 1: empty file, expected a header`);
  }
  return { rows, rejected };
}

/** One line, no control characters: the name ends up in a To: header. */
function cleanName(name: string | undefined): string | null {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const clean = (name ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ');
  return clean.trim() || null;
}

function toBadCsv(file: string, e: unknown): VerdictsError {
  if (e instanceof VerdictsError) return e;
  if (e instanceof MissingEmailColumn) {
    return new VerdictsError(
      'store',
      'bad_csv',
      `${file}: line 1: the header must have an "email" column (found: ${e.message || 'nothing'})`,
    );
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
