// Readers choose (issue #26): freeze and send of 200,000 readers spread evenly over topic
// choices that give 8 distinct variants of the sample week (2026-W49: four pairs, four
// categories), against the same readers all getting the full issue, in one run. Each send is the
// real `verdicts send` child (compiled bundle, Node's defaults) on the embedded SQLite store
// against the standalone stand-in at no rate limit, as send.bench.ts runs it: msgs/s as the
// sender reports it, and its peak RSS. The week's archive (the full issue and every variant) is
// built once beforehand, so no child compiles MJML. The freeze is timed in-process on a copy of
// the workspace's database just before the child does the same freeze first thing.
// After each send, a miss fails its row: the stand-in took exactly one email per reader, and the
// ledger routed every reader's topics to their own variant, 8 in all (1 for the full issue).
// Ratios are value / single-variant's. VARIANTS_BENCH_READERS sets a smaller list (development).
import { execSync } from 'node:child_process';
import { copyFileSync, cpSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type ArchivedEmail, readArchivedEmail } from '../../src/archive/index.ts';
import { loadConfig } from '../../src/config.ts';
import { issueVariants, variantChoice } from '../../src/content/index.ts';
import { variantRoute } from '../../src/pipeline/send-week.ts';
import { openDatabase } from '../../src/store/db.ts';
import { openStore } from '../../src/store/index.ts';
import { parseTopics, topicsColumn } from '../../src/store/subscribers.ts';
import { BASE_URL, seedArchive, type Workspace } from '../send/send-fixture.ts';
import { buildFor } from '../support/build-week.ts';
import { repoRoot, tempDir } from '../support/paths.ts';
import { checkRun, PEAK_PRELOAD, runSend, startStandIn, stats, stop } from './send.bench.ts';
import type { BenchRow } from './types.ts';

const WEEK = '2026-W49';
/** After the week's last sample pair (2026-12-04), before the week ends. */
const BUILD_AT = new Date('2026-12-06T12:00:00Z');
const READERS = Number(process.env.VARIANTS_BENCH_READERS ?? 200_000);
const VARIANTS = 8;
/** The ceiling send.bench.ts holds a multi-pair issue to, and how much more 8 variants may take. */
const PEAK_MB = 150;
const PEAK_GROWTH = 1.2;
const MIN_RATE_RATIO = 0.8;
const FREEZE_MS = 3000;
const readers = READERS.toLocaleString('en-US');

type Figures = Record<'freezeMs' | 'rate' | 'peakMb' | 'once' | 'variants' | 'emailKb', number>;
type Measured = Figures & { problems: string[] };

/** The seed week and the sample week archived, as an operator's issues/ holds them. */
async function sampleWeekArchive(): Promise<{ issuesDir: string; archived: ArchivedEmail }> {
  const seed = await seedArchive();
  const issuesDir = path.join(tempDir('verdicts-bench-issues-'), 'issues');
  cpSync(seed.issuesDir, issuesDir, { recursive: true });
  const config = { ...loadConfig({ PUBLIC_BASE_URL: BASE_URL }), DATA_DIR: seed.dataDir };
  const res = await buildFor({ ...config, ISSUES_DIR: issuesDir }, WEEK, { at: BUILD_AT });
  if (res.status !== 'built') throw new Error(`${WEEK} did not build: ${res.status}`);
  return { issuesDir, archived: await readArchivedEmail(issuesDir, WEEK) };
}

/** Topic choices giving 8 distinct variants, the most pairs first (mails near the full size). */
function topicChoices(archived: ArchivedEmail): string[][] {
  const byPairs = issueVariants(archived.issue).sort(
    (a, b) => b.pairIds.length - a.pairIds.length || a.id.localeCompare(b.id, 'en'),
  );
  if (byPairs.length < VARIANTS) throw new Error(`${WEEK} has ${byPairs.length} variants`);
  return byPairs.slice(0, VARIANTS).map((v) => v.categories);
}

/** The mean size of the emails these choices give (HTML as it travels, and text), in KB. */
function meanEmailKb(archived: ArchivedEmail, choices: string[][] | null): number {
  const metas = (choices ?? [null]).map((c) => {
    const v = variantChoice(archived.issue, c);
    return v.kind === 'variant' ? archived.variants.get(v.id)!.meta : archived.meta;
  });
  const bytes = metas.reduce((n, m) => n + (m.htmlWireBytes ?? m.htmlBytes) + m.textBytes, 0);
  return bytes / metas.length / 1024;
}

/** Reader i gets choice i mod n: an even spread. */
function chooseTopics(dbPath: string, choices: string[][]): void {
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

/** The freeze the child is about to do, timed on a copy of the same database. */
async function timeFreeze(ws: Workspace, archived: ArchivedEmail): Promise<number> {
  const copy = path.join(ws.dir, 'freeze-timed.db');
  copyFileSync(ws.dbPath, copy);
  const store = await openStore({ path: copy, secret: ws.env().TOKEN_SECRET! });
  try {
    const t0 = performance.now();
    const route = variantRoute(archived);
    const frozen = await store.ledger.freeze(WEEK, archived.digest, new Date(), undefined, route);
    const ms = performance.now() - t0;
    if (!frozen.ok || frozen.value.send.recipients !== READERS) {
      throw new Error(`froze ${frozen.ok ? frozen.value.send.recipients : 'nothing'}`);
    }
    return ms;
  } finally {
    await store.close();
    rmSync(copy, { force: true });
  }
}

/** What the ledger says each reader got: their own topics' variant, each with its own id. */
function checkRouting(ws: Workspace, archived: ArchivedEmail, problems: string[]): number {
  const db = openDatabase(ws.dbPath);
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
    if (sent !== READERS) problems.push(`the ledger has ${sent} sent`);
    return new Set(groups.map((g) => g.variant)).size;
  } finally {
    db.close();
  }
}

async function measure(
  template: string,
  archived: ArchivedEmail,
  preload: string,
  choices: string[][] | null,
): Promise<Measured> {
  const standIn = await startStandIn(0);
  let ws: Workspace | undefined;
  let freezeMs = Number.NaN;
  try {
    const prepare = async (w: Workspace) => {
      ws = w;
      rmSync(w.issuesDir, { recursive: true, force: true });
      cpSync(template, w.issuesDir, { recursive: true });
      if (choices) chooseTopics(w.dbPath, choices);
      freezeMs = await timeFreeze(w, archived);
      return {};
    };
    const run = await runSend(READERS, standIn.url, 1000, preload, {}, 1, prepare, WEEK);
    checkRun(`${choices ? VARIANTS : 1}-variant send`, run, READERS);
    const rate = Number(/rate ([\d.]+) msgs\/s/.exec(run.stdout)?.[1] ?? Number.NaN);
    const { accepted, recipients, duplicates } = await stats(standIn.url);
    const problems: string[] = [];
    if (accepted !== READERS || recipients !== READERS || duplicates > 0) {
      problems.push(`stand-in: ${accepted} emails to ${recipients}, ${duplicates} twice`);
    }
    const variants = checkRouting(ws!, archived, problems);
    if (variants !== (choices?.length ?? 1)) problems.push(`${variants} variants sent`);
    const [once, emailKb] = [recipients - duplicates, meanEmailKb(archived, choices)];
    return { freezeMs, rate, peakMb: run.peakKb / 1024, once, variants, emailKb, problems };
  } finally {
    await stop(standIn.child);
  }
}

function rows(label: string, f: Measured, base?: Figures): BenchRow[] {
  const vs = (value: number, baseline: number) =>
    base ? { baseline: { name: 'single variant', value: baseline }, ratio: value / baseline } : {};
  const peakOk = f.peakMb <= PEAK_MB && (!base || f.peakMb <= PEAK_GROWTH * base.peakMb);
  const want = base ? VARIANTS : 1;
  const checked = f.problems.length === 0 && f.once === READERS && f.variants === want;
  return [
    {
      name: `${label}: freeze of ${readers} readers`,
      value: f.freezeMs,
      unit: 'ms',
      ...vs(f.freezeMs, base?.freezeMs ?? 0),
      target: `<= ${FREEZE_MS} ms`,
      pass: f.freezeMs <= FREEZE_MS,
    },
    {
      name: `${label}: send to ${readers} readers (emails ${Math.round(f.emailKb)} KB on average), unlimited rate`,
      value: f.rate,
      unit: 'msgs/s',
      ...vs(f.rate, base?.rate ?? 0),
      ...(base
        ? { target: `>= ${MIN_RATE_RATIO}× single`, pass: f.rate >= MIN_RATE_RATIO * base.rate }
        : {}),
    },
    {
      name: `${label}: that send's peak RSS`,
      value: f.peakMb,
      unit: 'MB',
      ...vs(f.peakMb, base?.peakMb ?? 0),
      target: base ? `<= ${PEAK_MB} MB, <= ${PEAK_GROWTH}× single` : `<= ${PEAK_MB} MB`,
      pass: peakOk,
    },
    {
      name: `${label}: readers with exactly one email, ${f.variants} variant(s) sent${f.problems.length ? ` (${f.problems.slice(0, 3).join('; ')})` : ''}`,
      value: f.once,
      unit: 'readers',
      target: `= ${readers}, each their topics' variant, ${want} in all`,
      pass: checked,
    },
  ];
}

const failed = (label: string, e: unknown): BenchRow[] => [
  { name: `${label}: failed: ${(e as Error).message}`, value: Number.NaN, unit: '', pass: false },
];

export async function bench(): Promise<BenchRow[]> {
  // The compiled bundle is what an installed `verdicts` runs; make sure it is current.
  execSync('npm run --silent build', { cwd: repoRoot, stdio: 'inherit' });
  // Every temp folder below (workspaces, archives, databases) lands in one, removed at the end.
  const root = tempDir('verdicts-bench-variants-');
  const tmp = process.env.TMPDIR;
  process.env.TMPDIR = root;
  try {
    const preload = path.join(root, 'peak.mjs');
    writeFileSync(preload, PEAK_PRELOAD);
    const { issuesDir, archived } = await sampleWeekArchive();
    const single = 'single variant (full issue)';
    const eight = `${VARIANTS} topic variants`;
    let base: Measured;
    try {
      base = await measure(issuesDir, archived, preload, null);
      process.stderr.write(`bench: ${single}: ${JSON.stringify(base)}\n`);
    } catch (e) {
      return failed(single, e);
    }
    try {
      const f = await measure(issuesDir, archived, preload, topicChoices(archived));
      process.stderr.write(`bench: ${eight}: ${JSON.stringify(f)}\n`);
      return [...rows(single, base), ...rows(eight, f, base)];
    } catch (e) {
      return [...rows(single, base), ...failed(eight, e)];
    }
  } finally {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
    rmSync(root, { recursive: true, force: true });
  }
}
