// Erasure reaches the file: a 3,000-reader list imported from CSV (pages split and move while
// it is written), sent a real issue through the Resend SDK to the stand-in, given signed
// webhook events, one-click unsubscribes and votes through `verdicts serve`. For addresses at
// seeded random positions, early and late in the import, the raw bytes of every database file
// (the .db, -wal, -shm) hold the address and the reader's name before `subscribers forget`, and
// not one byte of either after, whatever the pages' history (slack space of a page that was a
// leaf and became interior, freed cells, old WAL frames).
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.ts';
import { forgetAddress } from '../../src/store/forget.ts';
import { importSubscribersCsv } from '../../src/store/import-csv.ts';
import { sqliteStore } from '../../src/store/sqlite-store.ts';
import {
  type EventTarget,
  eventBody,
  postEvent,
  useServe,
  WEBHOOK_SECRET,
} from '../report/serve-fixture.ts';
import { addReaders, sendWorkspace, WEEK } from '../send/send-fixture.ts';
import { runCli } from '../support/cli.ts';
import { tempDir } from '../support/paths.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';

const READERS = 3000;
const PAIR = 'smolvlm2-vs-code-llama-4';
const PUBLIC = 'https://verdicts.example.com';
const startStandIn = useStandIn();
const serve = useServe();
const workspaces: { close: () => void }[] = [];
afterEach(() => {
  for (const ws of workspaces.splice(0)) ws.close();
});

const pad = (i: number) => String(i).padStart(5, '0');
/** Every address and name has the same length, so none is part of another. */
const address = (i: number) => `reader${pad(i)}@example.com`;
const nameOf = (i: number) => `Ada${pad(i)} Lovelace`;

/** mulberry32: the same "random" positions on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FILES = ['', '-wal', '-shm'];

/** Occurrences of `needle` (case-insensitive) in the raw bytes of each database file. */
function hits(db: string, needle: string): Record<string, number> {
  const out: Record<string, number> = {};
  const want = Buffer.from(needle.toLowerCase(), 'latin1');
  for (const suffix of FILES) {
    const file = db + suffix;
    if (!existsSync(file)) continue;
    // ASCII only in these needles: lower-casing byte by byte is exact.
    const bytes = Buffer.from(readFileSync(file).toString('latin1').toLowerCase(), 'latin1');
    let n = 0;
    for (let at = bytes.indexOf(want); at !== -1; at = bytes.indexOf(want, at + 1)) n++;
    out[`db${suffix}`] = n;
  }
  return out;
}
const total = (h: Record<string, number>) => Object.values(h).reduce((a, b) => a + b, 0);

/**
 * `current`: every write by this version (`verdicts subscribers import`). `earlier`: the
 * import written with secure_delete off, as versions before it wrote every file that exists
 * today; a page's slack then holds old copies that only rewriting the file removes.
 */
type History = 'current' | 'earlier';

async function importList(history: History, file: string, csv: string, env: Env): Promise<void> {
  if (history === 'current') {
    const imported = await runCli(['subscribers', 'import', csv, '--db', file], { env });
    expect(imported.code, imported.stderr).toBe(0);
    return;
  }
  const db = openDatabase(file);
  db.pragma('secure_delete = OFF');
  const res = await importSubscribersCsv(sqliteStore(db, env.TOKEN_SECRET!), csv, {
    at: new Date('2026-11-01T00:00:00Z'),
  });
  db.close();
  expect(res.total.added).toBe(READERS);
}
type Env = Record<string, string>;

describe('subscribers forget: no byte of the address or name left in the database files', () => {
  it.each<History>(['current', 'earlier'])(
    'after a real send, webhooks and votes, for readers imported early, late and in between (%s history)',
    async (history) => {
      const ws = await sendWorkspace({ subscribers: 0 });
      workspaces.push(ws);
      const csv = path.join(ws.dir, 'list.csv');
      const lines = ['email,name'];
      for (let i = 1; i <= READERS; i++) lines.push(`${address(i)},${nameOf(i)}`);
      writeFileSync(csv, `${lines.join('\n')}\n`);
      const { standIn } = await startStandIn();
      const env = ws.env({
        RESEND_API_KEY: KEY,
        RESEND_BASE_URL: standIn.url,
        RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET,
        RESEND_RATE_LIMIT: '1000',
      });
      const db = ['--db', ws.dbPath];
      await importList(history, ws.dbPath, csv, env);
      const sent = await runCli(ws.args(), { env });
      expect(sent.code, sent.stderr).toBe(0);
      expect(standIn.deliveries()).toHaveLength(READERS);

      // The first and the last reader imported, one early, one late, and four anywhere.
      const random = seeded(25);
      const chosen = new Set([1, 7, READERS - 3, READERS]);
      while (chosen.size < 8) chosen.add(1 + Math.floor(random() * READERS));
      const forgotten = [...chosen];
      // Readers that stay, with the same history: the grep must still see them.
      const kept = [2, 8, READERS - 1, 1500];

      const byAddress = new Map(standIn.deliveries().map((d) => [d.to[0]!, d]));
      const target = (i: number) => {
        const d = byAddress.get(address(i))!;
        const unsubscribe = /<([^>]+)>/.exec(d.headers?.['List-Unsubscribe'] ?? '')![1]!;
        return { id: d.id, to: d.to[0]!, html: d.html ?? '', unsubscribe } satisfies EventTarget & {
          html: string;
          unsubscribe: string;
        };
      };
      const voteLink = (i: number, tool: string) =>
        new RegExp(`https?://[^/"]+/vote/${WEEK}/${PAIR}/${tool}/[^"]+`).exec(target(i).html)![0];

      const server = await serve(['--db', ws.dbPath, '--issues', ws.issuesDir], env);
      let n = 0;
      const post = (type: string, i: number, extra?: Record<string, unknown>) =>
        postEvent(server.url, eventBody(type, target(i), extra), `msg_${n++}`);
      // Webhooks for a spread of readers (chosen, kept and others), so events pages fill too.
      const withEvents = [
        ...forgotten,
        ...kept,
        ...Array.from({ length: 60 }, (_, k) => 40 * k + 5),
      ];
      for (const i of withEvents) {
        await post('email.sent', i);
        await post('email.delivered', i);
        await post('email.opened', i);
        await post('email.clicked', i, {
          click: {
            ipAddress: '203.0.113.9',
            link: voteLink(i, 'smolvlm2'),
            timestamp: '2026-11-30T10:00:00.000Z',
            userAgent: 'test',
          },
        });
      }
      for (const [k, i] of [...forgotten, ...kept].entries()) {
        const res = await fetch(
          server.url + new URL(voteLink(i, k % 2 ? 'smolvlm2' : 'code-llama-4')).pathname,
          {
            method: 'POST',
            headers: { origin: PUBLIC, 'content-type': 'application/x-www-form-urlencoded' },
            body: '',
          },
        );
        expect(res.status).toBe(200);
      }
      // Two of the chosen leave with a one-click unsubscribe (their rows are updated in place).
      for (const i of forgotten.slice(2, 4)) {
        const oneClick = new URL(target(i).unsubscribe);
        const res = await fetch(server.url + oneClick.pathname + oneClick.search, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        });
        expect(res.status).toBe(200);
      }
      await server.stop();

      for (const i of [...forgotten, ...kept]) {
        expect(total(hits(ws.dbPath, address(i))), address(i)).toBeGreaterThan(0);
        expect(total(hits(ws.dbPath, nameOf(i))), nameOf(i)).toBeGreaterThan(0);
      }

      // An idle connection stays open (as `verdicts serve` would): the CLI's close then leaves
      // the -wal in place, so what is checked is that forget itself truncated it.
      const idle = ws.db();
      for (const i of forgotten) {
        const res = await runCli(['subscribers', 'forget', address(i), ...db], { env });
        expect(res.code, res.stderr).toBe(0);
        expect(res.stderr).toBe(''); // filesClean: no other connection held the WAL
        expect(hits(ws.dbPath, address(i)), address(i)).toEqual(zeroes(ws.dbPath));
        expect(hits(ws.dbPath, nameOf(i)), nameOf(i)).toEqual(zeroes(ws.dbPath));
        expect(statSync(`${ws.dbPath}-wal`).size).toBe(0);
      }
      // Every one stays gone after the later erasures (no page moved an old copy back).
      for (const i of forgotten) {
        expect(total(hits(ws.dbPath, address(i))), address(i)).toBe(0);
        expect(total(hits(ws.dbPath, nameOf(i))), nameOf(i)).toBe(0);
      }
      for (const i of kept) {
        expect(total(hits(ws.dbPath, address(i))), address(i)).toBeGreaterThan(0);
      }
      // The list is whole otherwise: tombstones keep the votes and ledger rows countable.
      expect(
        idle.prepare(`SELECT COUNT(*) AS n FROM subscribers WHERE email LIKE 'reader%'`).get(),
      ).toEqual({ n: READERS - forgotten.length });
      expect(idle.prepare('SELECT COUNT(*) AS n FROM send_recipients').get()).toEqual({
        n: READERS,
      });
    },
    120_000,
  );

  it('says the files are not clean while another connection reads inside the WAL, and a second forget cleans them', () => {
    const file = path.join(tempDir('verdicts-erasure-'), 'v.db');
    const db = openDatabase(file);
    addReaders(db, 500);
    const reader = openDatabase(file);
    // Every connection zeroes what it frees, from open.
    expect(reader.pragma('secure_delete', { simple: true })).toBe(1);
    // A read transaction that started with frames in the WAL: the WAL cannot be reset under it.
    reader.exec('BEGIN');
    reader.prepare('SELECT COUNT(*) FROM subscribers').get();
    db.pragma('busy_timeout = 50');
    const first = forgetAddress(db, 'reader499@example.com', { secret: 's', at: new Date() });
    expect(first).toMatchObject({ ok: true, value: { subscriber: 'deleted', filesClean: false } });
    reader.exec('COMMIT');
    const again = forgetAddress(db, 'reader499@example.com', { secret: 's', at: new Date() });
    expect(again).toMatchObject({
      ok: true,
      value: { subscriber: 'not_found', filesClean: true },
    });
    expect(statSync(`${file}-wal`).size).toBe(0);
    expect(hits(file, 'reader499@example.com')).toEqual(zeroes(file));
    expect(hits(file, 'Reader 499')).toEqual(zeroes(file));
    expect(total(hits(file, 'reader498@example.com'))).toBeGreaterThan(0);
    reader.close();
    db.close();
  });
});

/** Zero hits in every database file that exists. */
function zeroes(db: string): Record<string, number> {
  return Object.fromEntries(
    FILES.filter((s) => existsSync(db + s)).map((s) => [`db${s}`, 0] as const),
  );
}
