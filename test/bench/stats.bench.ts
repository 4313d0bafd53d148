// `verdicts stats` on a big list: one issue of 200,000 recipients with 1,000,000 linked events
// (sent, delivered, delays, bounces, complaints, opens, clicks on six links), through the same
// job the command runs, for the one issue and for the list of every issue. Baseline: reading
// the issue's events into JavaScript and counting unique readers there.
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { issueStats, openPipeline } from '../../src/pipeline/index.ts';
import { openDatabase } from '../../src/store/db.ts';
import { seedArchive, WEEK } from '../send/send-fixture.ts';
import { tempDir } from '../support/paths.ts';
import type { BenchRow } from './types.ts';

const READERS = 200_000;
// type, detail, how many events, over how many distinct readers (cycled)
const MIX: [string, string | null, number, number][] = [
  ['email.sent', null, 200_000, 200_000],
  ['email.delivered', null, 196_000, 196_000],
  ['email.delivery_delayed', null, 4_000, 4_000],
  ['email.bounced', 'hard', 2_000, 2_000],
  ['email.bounced', 'soft', 2_000, 2_000],
  ['email.complained', null, 200, 200],
  ['email.opened', null, 450_000, 150_000],
  ...Array.from({ length: 6 }, (_, i): [string, string | null, number, number] => [
    'email.clicked',
    `https://verdicts.example.com/vote/${WEEK}/pair-${i >> 1}/tool-${i & 1}`,
    24_300,
    10_000 + i * 1_000,
  ]),
];
const EVENTS = MIX.reduce((n, [, , count]) => n + count, 0);

function seed(file: string) {
  const db = openDatabase(file);
  const now = '2026-11-30T09:00:00.000Z';
  db.transaction(() => {
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${READERS})
       INSERT INTO subscribers (email, name, status, source, created_at, updated_at, confirmed_at)
       SELECT 'reader' || i || '@example.com', NULL, 'active', 'bench', @now, @now, @now FROM n`,
    ).run({ now });
    db.prepare(
      `INSERT INTO issue_sends (week, content_hash, status, recipients, batches, started_at, finished_at)
       VALUES (?, 'bench', 'sent', ${READERS}, ${READERS / 100}, @now, @now)`,
    ).run(WEEK, { now });
    db.prepare(
      `INSERT INTO send_recipients (week, subscriber_id, batch_no, email, name, status, message_id)
       SELECT ?, id, (id - 1) / 100, email, NULL, 'sent', 'em-' || id FROM subscribers`,
    ).run(WEEK);
    const insert = db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < @count - 1)
       INSERT INTO events (svix_id, type, email, message_id, created_at, payload, detail, week, subscriber_id)
       SELECT @type || ':' || IFNULL(@detail, '') || ':' || i, @type, NULL, 'em-' || (1 + i % @readers),
         @now, '{}', @detail, @week, 1 + i % @readers FROM n`,
    );
    for (const [type, detail, count, readers] of MIX)
      insert.run({ type, detail, count, readers, now, week: WEEK });
  })();
  return db;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function bench(): Promise<BenchRow[]> {
  const dir = tempDir('verdicts-bench-stats-');
  const issuesDir = (await seedArchive()).issuesDir;
  const t0 = performance.now();
  const file = path.join(dir, 'stats.db');
  const db = seed(file);
  process.stderr.write(
    `bench: seeded ${EVENTS.toLocaleString('en-US')} events in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );

  const time = async (fn: () => Promise<unknown> | unknown) => {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = performance.now();
      await fn();
      runs.push(performance.now() - s);
    }
    return median(runs);
  };
  // What the command runs: the composition root's pipeline over the same database.
  const p = openPipeline({ ...loadConfig({}), DATABASE_PATH: file, ISSUES_DIR: issuesDir });
  const one = await issueStats(p, WEEK);
  if (one.kind !== 'issue' || one.report.opened !== 150_000 || one.report.delivered !== 196_000)
    throw new Error(`stats answered ${JSON.stringify(one).slice(0, 200)}`);
  const oneMs = await time(() => issueStats(p, WEEK));
  const allMs = await time(() => issueStats(p));

  // The naive way: every event of the issue into JavaScript, unique readers counted in Sets.
  const rows = db.prepare<[string], { type: string; detail: string | null; subscriber_id: number }>(
    'SELECT type, detail, subscriber_id FROM events WHERE week = ?',
  );
  const naiveMs = await time(() => {
    const sets = new Map<string, Set<number>>();
    for (const r of rows.iterate(WEEK)) {
      const key = `${r.type}:${r.detail ?? ''}`;
      const set = sets.get(key) ?? new Set<number>();
      set.add(r.subscriber_id);
      sets.set(key, set);
    }
    return sets.size;
  });
  db.close();
  p.close();

  const label = `${READERS.toLocaleString('en-US')} recipients, ${EVENTS.toLocaleString('en-US')} events`;
  const baseline = { name: 'events read into JS, counted in Sets', value: naiveMs };
  return [
    {
      name: `stats --week, ${label}`,
      value: oneMs,
      unit: 'ms',
      baseline,
      ratio: oneMs / naiveMs,
      target: '<= 1000 ms',
      pass: oneMs <= 1000,
    },
    {
      name: `stats (every issue), ${label}`,
      value: allMs,
      unit: 'ms',
      baseline,
      ratio: allMs / naiveMs,
      target: '<= 1000 ms',
      pass: allMs <= 1000,
    },
  ];
}
