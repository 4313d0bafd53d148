// The store on SQLite and on PostgreSQL, measured in one run: freezing 200,000 readers,
// recording one batch's answer (100 message ids), a 20,000-reader `verdicts send` child at the
// stand-in's unlimited rate (msgs/s and peak RSS), and importing 100,000 CSV rows. The
// PostgreSQL server is a durable one (fsync on, PostgreSQL's defaults) that this bench starts
// and stops itself; each row names the figure for SQLite beside it.
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { importSubscribersCsv } from '../../src/store/import-csv.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { addReaders } from '../send/send-fixture.ts';
import { repoRoot, tempDir } from '../support/paths.ts';
import { type PostgresServer, startPostgres } from '../support/start-postgres.ts';
import { checkRun, PEAK_PRELOAD, runSend, startStandIn, stop } from './send.bench.ts';
import type { BenchRow } from './types.ts';

const SECRET = 'bench-token-secret-0123456789';
const WEEK = '2026-W48';
const FREEZE_READERS = 200_000;
const SEND_READERS = 20_000;
const IMPORT_ROWS = 100_000;
const BATCHES_TIMED = 40;

type Kind = 'sqlite' | 'postgres';
type Figures = {
  freezeMs: number;
  batchMs: number;
  send: { rate: number; peakMb: number };
  importRate: number;
};

let made = 0;

/** A fresh, empty store of either kind; for PostgreSQL a new database on the bench's server. */
async function freshStore(kind: Kind, server: PostgresServer) {
  if (kind === 'sqlite') {
    const file = path.join(tempDir('verdicts-bench-store-'), 'verdicts.db');
    const store = await openStore({ path: file, secret: SECRET });
    return { store, env: { DATABASE_PATH: file } as Record<string, string>, sql: null };
  }
  const name = `bench_${process.pid}_${++made}`;
  await admin(server, `CREATE DATABASE ${name}`);
  const url = `${server.baseUrl}/${name}`;
  const store = await openStore({ url, path: 'unused', secret: SECRET });
  const sql = new pg.Client({ connectionString: url });
  await sql.connect();
  return { store, env: { DATABASE_URL: url } as Record<string, string>, sql };
}

async function admin(server: PostgresServer, statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: `${server.baseUrl}/postgres` });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

/** The same readers `addReaders` writes into SQLite (reader<i>@example.com, active). */
async function addPgReaders(sql: pg.Client, count: number): Promise<void> {
  await sql.query(
    `INSERT INTO subscribers (email, name, status, source, created_at, updated_at, confirmed_at)
     SELECT 'reader' || i || '@example.com', 'Reader ' || i, 'active', 'test', $2, $2, $2
     FROM generate_series(1, $1::int) AS i`,
    [count, '2026-11-01T00:00:00.000Z'],
  );
  await sql.query('ANALYZE subscribers');
}

async function seedReaders(
  kind: Kind,
  s: Awaited<ReturnType<typeof freshStore>>,
  count: number,
): Promise<void> {
  if (kind === 'postgres') return addPgReaders(s.sql!, count);
  // The SQLite file is the store's own; a second connection writes the readers.
  const { openDatabase } = await import('../../src/store/db.ts');
  const db = openDatabase(s.env.DATABASE_PATH!);
  addReaders(db, count);
  db.close();
}

async function closeAll(s: Awaited<ReturnType<typeof freshStore>>): Promise<void> {
  await s.store.close();
  await s.sql?.end();
}

async function freeze(
  kind: Kind,
  server: PostgresServer,
): Promise<{ freezeMs: number; batchMs: number }> {
  const s = await freshStore(kind, server);
  try {
    await seedReaders(kind, s, FREEZE_READERS);
    const t0 = performance.now();
    const frozen = await s.store.ledger.freeze(WEEK, 'bench', new Date());
    const freezeMs = performance.now() - t0;
    if (!frozen.ok || frozen.value.send.recipients !== FREEZE_READERS)
      throw new Error(`${kind}: froze ${frozen.ok ? frozen.value.send.recipients : 'nothing'}`);
    const times: number[] = [];
    for (let b = 0; b < BATCHES_TIMED; b++) {
      await s.store.ledger.startAttempt(WEEK, b, new Date());
      const rows = await s.store.ledger.queuedRecipients(WEEK, b);
      const ids = rows.map((r) => r.subscriberId);
      const messageIds = ids.map((id) => `msg-${id}-0123456789abcdef`);
      const t = performance.now();
      await s.store.ledger.markSubmitted(WEEK, b, ids, messageIds, new Date());
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { freezeMs, batchMs: times[Math.floor(times.length / 2)]! };
  } finally {
    await closeAll(s);
  }
}

async function send(kind: Kind, server: PostgresServer, preload: string) {
  const standIn = await startStandIn(0);
  let store: Awaited<ReturnType<typeof freshStore>> | undefined;
  try {
    const run = await runSend(SEND_READERS, standIn.url, 1000, preload, {}, 1, async () => {
      if (kind === 'sqlite') return {};
      store = await freshStore(kind, server);
      await addPgReaders(store.sql!, SEND_READERS);
      return store.env;
    });
    checkRun(`${kind} send`, run, SEND_READERS);
    const rate = Number(/rate ([\d.]+) msgs\/s/.exec(run.stdout)?.[1] ?? Number.NaN);
    return { rate, peakMb: run.peakKb / 1024 };
  } finally {
    if (store) await closeAll(store);
    await stop(standIn.child);
  }
}

async function importRate(kind: Kind, server: PostgresServer, file: string): Promise<number> {
  const s = await freshStore(kind, server);
  try {
    const t0 = performance.now();
    const res = await importSubscribersCsv(s.store as Store, file, { at: new Date(0) });
    const seconds = (performance.now() - t0) / 1000;
    if (res.total.added !== IMPORT_ROWS)
      throw new Error(`${kind}: import added ${res.total.added}`);
    return IMPORT_ROWS / seconds;
  } finally {
    await closeAll(s);
  }
}

export async function bench(): Promise<BenchRow[]> {
  const dir = tempDir('verdicts-bench-stores-');
  const preload = path.join(dir, 'peak.mjs');
  writeFileSync(preload, PEAK_PRELOAD);
  const csv = path.join(dir, 'list.csv');
  const lines = ['email,name'];
  for (let i = 0; i < IMPORT_ROWS; i++) lines.push(`reader${i}@example.com,Reader ${i}`);
  writeFileSync(csv, `${lines.join('\n')}\n`);

  // The compiled bundle is what an installed `verdicts` runs (the tsx loader holds ~30 MB more).
  execSync('npm run --silent build', { cwd: repoRoot, stdio: 'inherit' });
  const server = await startPostgres({ purpose: 'the store bench', durable: true });
  const figures = {} as Record<Kind, Figures>;
  try {
    for (const kind of ['sqlite', 'postgres'] as const) {
      const f = await freeze(kind, server);
      const sent = await send(kind, server, preload);
      const imported = await importRate(kind, server, csv);
      figures[kind] = { ...f, send: sent, importRate: imported };
      process.stderr.write(`bench: ${kind}: ${JSON.stringify(figures[kind])}\n`);
    }
  } finally {
    await server.stop();
  }
  const lite = figures.sqlite;
  const pgf = figures.postgres;
  const row = (
    name: string,
    value: number,
    unit: string,
    base: number,
    target: string,
    pass: boolean,
    lowerIsBetter = false,
  ): BenchRow => ({
    name,
    value,
    unit,
    baseline: { name: 'SQLite, same run', value: base },
    ratio: lowerIsBetter ? base / value : value / base,
    target,
    pass,
  });
  return [
    row(
      `PostgreSQL: freeze of ${FREEZE_READERS.toLocaleString('en-US')} readers`,
      pgf.freezeMs,
      'ms',
      lite.freezeMs,
      '<= 3000 ms',
      pgf.freezeMs <= 3000,
      true,
    ),
    row(
      'PostgreSQL: one batch recorded (100 message ids, median of 40)',
      pgf.batchMs,
      'ms',
      lite.batchMs,
      '<= 10 ms',
      pgf.batchMs <= 10,
      true,
    ),
    row(
      `PostgreSQL: send to ${SEND_READERS.toLocaleString('en-US')} readers, unlimited rate`,
      pgf.send.rate,
      'msgs/s',
      lite.send.rate,
      ">= 0.8× SQLite's",
      pgf.send.rate >= 0.8 * lite.send.rate,
    ),
    {
      name: `PostgreSQL: that send's peak RSS (SQLite: ${lite.send.peakMb.toFixed(1)} MB)`,
      value: pgf.send.peakMb,
      unit: 'MB',
      target: '<= 120 MB',
      pass: pgf.send.peakMb <= 120,
    },
    row(
      `PostgreSQL: import of ${IMPORT_ROWS.toLocaleString('en-US')} CSV rows`,
      pgf.importRate,
      'rows/s',
      lite.importRate,
      '>= 50,000 rows/s',
      pgf.importRate >= 50_000,
    ),
  ];
}
