// Readers choose (issue #26): freeze and send of 200,000 readers spread evenly over topic
// choices that give 8 distinct variants of the sample week (2026-W49, variants-week.ts),
// against the same readers all getting the full issue, in one run. Each send is the real
// `verdicts send` child (compiled bundle, Node's defaults) on the embedded SQLite store against
// the standalone stand-in at no rate limit, as send.bench.ts runs it: msgs/s as the sender
// reports it, its peak RSS, and its CPU time per email. At no rate limit the stand-in, parsing
// each 2-6 MB batch, is most of the work, so msgs/s follows the emails' size (a variant carries
// fewer pairs); the sender's own CPU per email is what the variant path costs it. The week's
// archive (full issue and every variant) is built beforehand, so no child compiles MJML. The
// freeze is timed in-process on a copy of the workspace's database just before the child does
// the same freeze first thing. After each send, a miss fails its row: the stand-in took exactly
// one email per reader, and the ledger routed every reader's topics to their own variant, 8 in
// all (1 for the full issue). Ratios are value / single-variant's. VARIANTS_BENCH_READERS sets a
// smaller list (development).
import { execSync } from 'node:child_process';
import { copyFileSync, cpSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ArchivedEmail } from '../../src/archive/index.ts';
import { variantRoute } from '../../src/pipeline/week-mail.ts';
import { openStore } from '../../src/store/index.ts';
import type { Workspace } from '../send/send-fixture.ts';
import { repoRoot, tempDir } from '../support/paths.ts';
import { checkRun, PEAK_PRELOAD, runSend, startStandIn, stats, stop } from './send.bench.ts';
import type { BenchRow } from './types.ts';
import {
  checkRouting,
  chooseTopics,
  meanEmailKb,
  sampleWeekArchive,
  topicChoices,
  WEEK,
} from './variants-week.ts';

const READERS = Number(process.env.VARIANTS_BENCH_READERS ?? 200_000);
const VARIANTS = 8;
/** The ceiling send.bench.ts holds a multi-pair issue to, and how much more 8 variants may take. */
const PEAK_MB = 150;
const PEAK_GROWTH = 1.2;
const MIN_RATE_RATIO = 0.8;
const CPU_GROWTH = 1.2;
const FREEZE_MS = 3000;
const readers = READERS.toLocaleString('en-US');
/**
 * send.bench's peak-RSS preload; the sender's CPU time (user + system, all threads); and what
 * its memory was made of at the highest RSS sampled every 50 ms (V8's heap, of it the young
 * generation; memory outside it; the kernel's split of RSS into anonymous and file pages), so a
 * high peak says where it came from.
 */
const PRELOAD = `${PEAK_PRELOAD}import { getHeapSpaceStatistics } from 'node:v8';
let top = null;
setInterval(() => {
  const m = process.memoryUsage();
  if (top && m.rss <= top.rss) return;
  const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (k) => Number(new RegExp(k + ':\\\\s+(\\\\d+) kB').exec(status)?.[1] ?? 0) * 1024;
  top = { rss: m.rss, heap: m.heapTotal, young: young ? young.space_size : 0, external: m.external,
    anon: kb('RssAnon'), file: kb('RssFile') };
}, 50).unref();
process.on('exit', () => {
  const c = process.cpuUsage();
  writeSync(2, 'CPU_US=' + (c.user + c.system) + '\\n');
  if (top) writeSync(2, 'AT_PEAK=' + JSON.stringify(top) + '\\n');
});
`;
type AtPeak = Record<'rss' | 'heap' | 'young' | 'external' | 'anon' | 'file', number>;
const MiB = 1024 * 1024;
const atPeak = (stderr: string) => {
  const m = /AT_PEAK=(\{.*\})/.exec(stderr);
  if (!m) return 'its makeup not sampled';
  const p = JSON.parse(m[1]!) as AtPeak;
  const mb = (n: number) => Math.round(n / MiB);
  return `at ${mb(p.rss)} MB sampled: V8 heap ${mb(p.heap)} MB, of it young ${mb(p.young)} MB; external ${mb(p.external)} MB; anonymous ${mb(p.anon)} MB, file ${mb(p.file)} MB`;
};

type Figures = Record<
  'freezeMs' | 'rate' | 'peakMb' | 'cpuUs' | 'once' | 'variants' | 'emailKb',
  number
>;
type Measured = Figures & { problems: string[]; atPeak: string };

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
    const variants = checkRouting(ws!.dbPath, archived, READERS, problems);
    if (variants !== (choices?.length ?? 1)) problems.push(`${variants} variants sent`);
    const [once, emailKb] = [recipients - duplicates, meanEmailKb(archived, choices)];
    const cpuUs = Number(/CPU_US=(\d+)/.exec(run.stderr)?.[1] ?? Number.NaN) / READERS;
    const peakMb = run.peakKb / 1024;
    return {
      freezeMs,
      rate,
      peakMb,
      cpuUs,
      once,
      variants,
      emailKb,
      problems,
      atPeak: atPeak(run.stderr),
    };
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
      name: `${label}: that send's peak RSS (${f.atPeak})`,
      value: f.peakMb,
      unit: 'MB',
      ...vs(f.peakMb, base?.peakMb ?? 0),
      target: base ? `<= ${PEAK_MB} MB, <= ${PEAK_GROWTH}× single` : `<= ${PEAK_MB} MB`,
      pass: peakOk,
    },
    {
      name: `${label}: that sender's CPU time per email (whole run, user + system)`,
      value: f.cpuUs,
      unit: 'µs',
      ...vs(f.cpuUs, base?.cpuUs ?? 0),
      ...(base
        ? { target: `<= ${CPU_GROWTH}× single`, pass: f.cpuUs <= CPU_GROWTH * base.cpuUs }
        : {}),
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
    writeFileSync(preload, PRELOAD);
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
      const f = await measure(issuesDir, archived, preload, topicChoices(archived, VARIANTS));
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
