// One checksum per table, computed the same way on both sides of a copy: sha256 over the rows in
// primary-key order, each row a JSON array of its columns in the table's declared order
// (integers as numbers, text as strings, bytes as "\\x" and hex, NULL as null) and a newline.
// Both engines hand rows over as exactly those JS values (the copy's pools parse bigint as
// numbers), so equal tables give equal sums whichever engine holds them. The same line is what
// the copy sends to the target (copy-store.ts), so each row is serialised once.
import { createHash, type Hash } from 'node:crypto';
import type { Row } from './table-rows.ts';
import type { TableSpec } from './tables.ts';

/** Both drivers hand bytes over as a Buffer; written as PostgreSQL writes bytea. */
const bytesAsHex = (v: unknown) => (Buffer.isBuffer(v) ? `\\x${v.toString('hex')}` : v);

/** A row as one line of JSON. */
export function rowSerialiser(t: TableSpec): (row: Row) => string {
  return t.columns.some(([, type]) => type === 'bytes')
    ? (row) => JSON.stringify(row.map(bytesAsHex))
    : (row) => JSON.stringify(row);
}

export class TableChecksum {
  private readonly hash: Hash = createHash('sha256');
  rows = 0;

  /** A page of rows, each already serialised (rowSerialiser), in key order. */
  addLines(lines: readonly string[]): void {
    if (lines.length === 0) return;
    this.hash.update(`${lines.join('\n')}\n`);
    this.rows += lines.length;
  }

  /** The hex digest; call once, at the end. */
  digest(): string {
    return this.hash.digest('hex');
  }
}
