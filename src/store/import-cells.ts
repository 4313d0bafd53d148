// The cells of a subscriber CSV, as every format reads them: trimmed values, the CSV-injection
// guard our exporter puts on a cell and the import takes off, names from parts, and dates in
// the forms exports use. Pure.
import { tz } from '@date-fns/tz';
import { isValid } from 'date-fns/isValid';
import { parseISO } from 'date-fns/parseISO';

/** One CSV record, by lower-cased column name. */
export type Rec = Record<string, string | undefined>;

export const v = (r: Rec, col: string) => (r[col] ?? '').trim();

/**
 * CSV injection (OWASP): a spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab
 * or a carriage return as a formula, so a subscriber who typed `=HYPERLINK(…)` as a name could
 * attack the operator who opens the export. Such a cell is written with a leading `'` (shown
 * as text, never run). A cell that already starts with `'` gets one too, so the import can
 * undo exactly what the export did: strip one leading `'`, always, from our own export.
 */
const FORMULA_START = /^[=+\-@\t\r']/;
export const neutraliseCell = (value: string): string =>
  FORMULA_START.test(value) ? `'${value}` : value;
export const restoreCell = (value: string): string =>
  value.startsWith("'") ? value.slice(1) : value;

/** Our own export's cells, as the exporter had them before neutraliseCell. */
export const restored = (r: Rec): Rec => {
  const out: Rec = {};
  for (const [k, val] of Object.entries(r)) out[k] = val === undefined ? val : restoreCell(val);
  return out;
};
export const joinName = (...parts: string[]) => parts.filter(Boolean).join(' ') || null;
const utc = tz('UTC');

/** ISO 8601, or the `2018-02-05 19:28:23` / `… UTC` forms exports use, read as UTC. */
export function toIso(raw: string | undefined): string | null {
  const s = (raw ?? '').trim().replace(/ UTC$/, '');
  if (s === '') return null;
  const d = parseISO(s, { in: utc });
  return isValid(d) ? new Date(d.getTime()).toISOString() : null;
}
