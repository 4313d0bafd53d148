// The sample week with topics (2026-W49: four pairs, four categories) for the variants bench:
// archived with every variant after the seed week, topic choices that give n distinct variants,
// readers spread evenly over them, and what the ledger says each reader was sent afterwards.
import { cpSync } from 'node:fs';
import path from 'node:path';
import { type ArchivedEmail, readArchivedEmail } from '../../src/archive/index.ts';
import { loadConfig } from '../../src/config.ts';
import { issueVariants, variantChoice } from '../../src/content/index.ts';
import { openDatabase } from '../../src/store/db.ts';
import { parseTopics, topicsColumn } from '../../src/store/subscribers.ts';
import { BASE_URL, seedArchive } from '../send/send-fixture.ts';
import { buildFor } from '../support/build-week.ts';
import { tempDir } from '../support/paths.ts';

export const WEEK = '2026-W49';
/** After the week's last sample pair (2026-12-04), before the week ends. */
const BUILD_AT = new Date('2026-12-06T12:00:00Z');

/** The seed week and the sample week archived, as an operator's issues/ holds them. */
export async function sampleWeekArchive(): Promise<{ issuesDir: string; archived: ArchivedEmail }> {
  const seed = await seedArchive();
  const issuesDir = path.join(tempDir('verdicts-bench-issues-'), 'issues');
  cpSync(seed.issuesDir, issuesDir, { recursive: true });
  const config = { ...loadConfig({ PUBLIC_BASE_URL: BASE_URL }), DATA_DIR: seed.dataDir };
  const res = await buildFor({ ...config, ISSUES_DIR: issuesDir }, WEEK, { at: BUILD_AT });
  if (res.status !== 'built') throw new Error(`${WEEK} did not build: ${res.status}`);
  return { issuesDir, archived: await readArchivedEmail(issuesDir, WEEK) };
}

/** Topic choices giving n distinct variants, the most pairs first (mails near the full size). */
export function topicChoices(archived: ArchivedEmail, n: number): string[][] {
  const byPairs = issueVariants(archived.issue).sort(
    (a, b) => b.pairIds.length - a.pairIds.length || a.id.localeCompare(b.id, 'en'),
  );
  if (byPairs.length < n) throw new Error(`${WEEK} has ${byPairs.length} variants`);
  return byPairs.slice(0, n).map((v) => v.categories);
}

/** The mean size of the emails these choices give (HTML as it travels, and text), in KB. */
export function meanEmailKb(archived: ArchivedEmail, choices: string[][] | null): number {
  const metas = (choices ?? [null]).map((c) => {
    const v = variantChoice(archived.issue, c);
    return v.kind === 'variant' ? archived.variants.get(v.id)!.meta : archived.meta;
  });
  const bytes = metas.reduce((n, m) => n + (m.htmlWireBytes ?? m.htmlBytes) + m.textBytes, 0);
  return bytes / metas.length / 1024;
}

/** Reader i gets choice i mod n: an even spread. */
export function chooseTopics(dbPath: string, choices: string[][]): void {
  const db = openDatabase(dbPath);
  try {
    const set = db.prepare(
      `UPDATE subscribers SET topics = ? WHERE (id - 1) % ${choices.length} = ?`,
    );
    db.transaction(() => {
      for (const [i, c] of choices.entries()) set.run(topicsColumn(c), i);
    })();
  } finally {
    db.close();
  }
}

/**
 * What the ledger says each reader got: their own topics' variant, each with its own message
 * id, all `readers` of them. Misses go into `problems`; returns how many variants were sent.
 */
export function checkRouting(
  dbPath: string,
  archived: ArchivedEmail,
  readers: number,
  problems: string[],
): number {
  const db = openDatabase(dbPath);
  try {
    const groups = db
      .prepare<[string], { topics: string | null; variant: string | null; n: number; ids: number }>(
        `SELECT s.topics, r.variant, COUNT(*) AS n, COUNT(DISTINCT r.message_id) AS ids
         FROM send_recipients r JOIN subscribers s ON s.id = r.subscriber_id
         WHERE r.week = ? AND r.status = 'sent' GROUP BY s.topics, r.variant`,
      )
      .all(WEEK);
    for (const g of groups) {
      const c = variantChoice(archived.issue, parseTopics(g.topics));
      const got = g.variant ?? 'the full issue';
      if (g.variant !== (c.kind === 'variant' ? c.id : null)) {
        problems.push(`${g.n} readers of ${g.topics ?? 'everything'} got ${got}`);
      }
      if (g.ids !== g.n) problems.push(`${g.n - g.ids} repeated message ids`);
    }
    const sent = groups.reduce((n, g) => n + g.n, 0);
    if (sent !== readers) problems.push(`the ledger has ${sent} sent`);
    return new Set(groups.map((g) => g.variant)).size;
  } finally {
    db.close();
  }
}
