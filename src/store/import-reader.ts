// Which format a CSV is, from its header alone: the first format whose identifying columns
// are all present, most specific first, or the one the operator forced with --format.
import { err, ok, type Result } from '../result.ts';
import { type Rec, v } from './import-cells.ts';
import { FORMATS, type ImportFormat, type MappedRow, type Unreadable } from './import-formats.ts';

/** Most specific first: `plain` (just an email column) matches nearly anything. */
const DETECT_ORDER: readonly ImportFormat[] = [
  'ghost',
  'substack',
  'buttondown',
  'kit',
  'beehiiv',
  'verdicts',
  'mailchimp',
  'plain',
];

export type ImportReader = {
  format: ImportFormat;
  emailOf: (r: Rec) => string;
  map: (r: Rec) => Result<MappedRow, Unreadable>;
};

/** Pick the format from a header (names trimmed and lower-cased), or say what was expected. */
export function readerFor(
  columns: readonly string[],
  forced?: ImportFormat,
): Result<ImportReader, string> {
  const have = new Set(columns);
  const fits = (f: ImportFormat) => FORMATS[f].marks.every((c) => have.has(c));
  const format = forced ?? DETECT_ORDER.find(fits);
  if (!format || !fits(format)) {
    const wanted = forced
      ? `the ${forced} format needs the columns ${FORMATS[forced].marks.map((c) => `"${c}"`).join(', ')}`
      : 'the header must have an "email" column (or "Email Address" for Mailchimp, "email_address" for Kit)';
    return err(`${wanted} (found: ${columns.join(',') || 'nothing'})`);
  }
  const f = FORMATS[format];
  const { prepare } = f;
  if (!prepare) return ok({ format, emailOf: (r) => v(r, f.emailColumn), map: f.map });
  return ok({
    format,
    emailOf: (r) => v(prepare(r), f.emailColumn),
    map: (r) => f.map(prepare(r)),
  });
}
