// CSV import of 100,000 subscribers: the real command path (stream, validate, one transaction)
// against a baseline that inserts row by row, each in its own transaction, for a sample.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../src/store/db.ts';
import { importSubscribersCsv } from '../../src/store/import-csv.ts';
import { sqliteStore } from '../../src/store/sqlite-store.ts';
import { tempDir } from '../support/paths.ts';
import type { BenchRow } from './types.ts';

const ROWS = 100_000;
const BASELINE_ROWS = 10_000;

export async function bench(): Promise<BenchRow[]> {
  const dir = tempDir('verdicts-bench-import-');
  const file = path.join(dir, 'list.csv');
  const lines = ['email,name'];
  for (let i = 0; i < ROWS; i++) lines.push(`reader${i}@example.com,Reader ${i}`);
  writeFileSync(file, `${lines.join('\n')}\n`);

  const db = openDatabase(path.join(dir, 'import.db'));
  const t0 = performance.now();
  const res = await importSubscribersCsv(sqliteStore(db, 'bench-token-secret-0123456789'), file, {
    at: new Date(0),
  });
  const seconds = (performance.now() - t0) / 1000;
  if (res.total.added !== ROWS) throw new Error(`import added ${res.total.added} of ${ROWS}`);
  db.close();

  const naive = openDatabase(path.join(dir, 'naive.db'));
  const insert = naive.prepare(
    `INSERT INTO subscribers (email, name, status, source, created_at, updated_at)
     VALUES (?, ?, 'active', 'bench', ?, ?)`,
  );
  const b0 = performance.now();
  for (let i = 0; i < BASELINE_ROWS; i++) insert.run(`r${i}@example.com`, `R ${i}`, 'x', 'x');
  const baselineRate = BASELINE_ROWS / ((performance.now() - b0) / 1000);
  naive.close();

  const rate = ROWS / seconds;
  return [
    {
      name: `subscribers import of ${ROWS.toLocaleString('en-US')} CSV rows (${seconds.toFixed(2)} s)`,
      value: rate,
      unit: 'rows/s',
      baseline: { name: 'one INSERT per row, autocommit', value: baselineRate },
      ratio: rate / baselineRate,
      target: '100,000 rows in <= 5 s',
      pass: seconds <= 5,
    },
  ];
}
