// CSV import of 100,000 subscribers: the real command path (stream, validate, one transaction)
// against a baseline that inserts row by row, each in its own transaction, for a sample. And
// 1,000,000 rows through the real CLI in a child process, for its rate and peak RSS (VmHWM,
// polled from /proc while it runs): an import streams, so its memory must not grow with the file.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../src/store/db.ts';
import { importSubscribersCsv } from '../../src/store/import-csv.ts';
import { sqliteStore } from '../../src/store/sqlite-store.ts';
import { childCwd, childEnv } from '../support/isolated-env.ts';
import { binPath, tempDir } from '../support/paths.ts';

const BIG_ROWS = 1_000_000;
const PEAK_RSS_TARGET_MB = 150;

/** The child's peak RSS in MB (VmHWM), read until it exits. */
function peakRssOf(pid: number): () => number {
  let peak = 0;
  const read = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {
      // exited between two polls: the last reading stands
    }
  };
  const timer = setInterval(read, 20);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

async function bigImport(dir: string): Promise<BenchRow> {
  const file = path.join(dir, 'big.csv');
  const fd = openSync(file, 'w');
  writeSync(fd, 'email,name\n');
  for (let i = 0; i < BIG_ROWS; i += 10_000) {
    const lines: string[] = [];
    for (let j = i; j < i + 10_000; j++) lines.push(`reader${j}@example.com,Reader ${j}\n`);
    writeSync(fd, lines.join(''));
  }
  closeSync(fd);
  const t0 = performance.now();
  const child = spawn(process.execPath, [binPath, 'subscribers', 'import', file], {
    cwd: childCwd(),
    env: childEnv({ DATABASE_PATH: path.join(dir, 'big.db') }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const peak = peakRssOf(child.pid!);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  const code = await new Promise<number | null>((r) => child.once('close', r));
  const seconds = (performance.now() - t0) / 1000;
  const peakMb = peak();
  if (code !== 0 || !out.includes(`${BIG_ROWS} added`))
    throw new Error(`big import: ${code} ${out}`);
  return {
    name: `verdicts subscribers import, ${BIG_ROWS.toLocaleString('en-US')} rows, child process (${seconds.toFixed(1)} s, peak RSS ${peakMb.toFixed(0)} MB)`,
    value: BIG_ROWS / seconds,
    unit: 'rows/s',
    target: `peak RSS <= ${PEAK_RSS_TARGET_MB} MB`,
    pass: peakMb <= PEAK_RSS_TARGET_MB,
  };
}

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
  const big = await bigImport(dir);
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
    big,
  ];
}
