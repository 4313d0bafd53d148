// Send throughput and memory, measured on the real `verdicts send` child process against the
// standalone Resend stand-in (its own process, --no-bodies) so neither competes with the other
// in one event loop.
// (Throughput against the rate limit is test/bench/pacing.bench.ts.)
// - Peak RSS (VmHWM, read by a preload in the child at exit) of the compiled sender, run with
//   a capped heap (TUNED_SENDER_ENV below), sending to 20,000 and 200,000
//   subscribers with the rate limit off: memory must not grow with the list. Two info rows:
//   the same send under Node's defaults, and the largest (six-pair) issue with the heap it needs.
import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sendWorkspace } from '../send/send-fixture.ts';
import { binPath, repoRoot, tempDir } from '../support/paths.ts';
import type { BenchRow } from './types.ts';

const KEY = 're_bench';
const standInMain = path.join(repoRoot, 'test/support/resend-stand-in/main.ts');

// Written to a temp file and preloaded into the sender: its own peak RSS, on exit, to stderr.
const PEAK_PRELOAD = `import { readFileSync, writeSync } from 'node:fs';
process.on('exit', () => {
  const m = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  writeSync(2, 'PEAK_RSS_KB=' + (m ? m[1] : '') + '\\n');
});
`;

type Stats = { accepted: number; requests: number; byStatus: Record<string, number> };

async function startStandIn(rate: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      standInMain,
      '--rate',
      String(rate),
      '--key',
      KEY,
      '--no-bodies',
      '--rate-precision',
      'ms',
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', () => reject(new Error('stand-in exited before listening')));
  });
  return { url: (JSON.parse(line) as { url: string }).url, child };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const stats = async (url: string): Promise<Stats> =>
  (await fetch(`${url}/__stand-in/stats`)).json() as Promise<Stats>;

type SendRun = {
  code: number | null;
  peakKb: number;
  stdout: string;
  stderr: string;
  acceptedAt: number[];
};

/** One `verdicts send` child; while it runs, note when each batch is accepted (10 ms polling). */
async function runSend(
  subscribers: number,
  url: string,
  rate: number,
  preload: string,
  extraEnv: Record<string, string> = {},
  pairs = 1,
): Promise<SendRun> {
  const ws = await sendWorkspace({ subscribers, pairs });
  const env = {
    PATH: process.env.PATH ?? '',
    ...ws.env({ RESEND_API_KEY: KEY, RESEND_BASE_URL: url, RESEND_RATE_LIMIT: String(rate) }),
    SEND_REQUEST_TIMEOUT_SECONDS: '30',
    ...extraEnv,
  };
  const child = spawn(process.execPath, ['--import', preload, binPath, ...ws.args()], {
    cwd: ws.dir, // not the repo: a developer's .env must not change the measured run
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.once('close', r));
  const acceptedAt: number[] = [];
  let done = false;
  void exited.then(() => (done = true));
  const base = (await stats(url)).accepted;
  let last = base;
  while (!done) {
    const s = await stats(url);
    for (; last < s.accepted; last += 100) acceptedAt.push(performance.now());
    await new Promise((r) => setTimeout(r, 10));
  }
  const code = await exited;
  ws.close();
  const peakKb = Number(/PEAK_RSS_KB=(\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  return { code, peakKb, stdout, stderr: stderr.replace(/PEAK_RSS_KB=\d+\n/, ''), acceptedAt };
}

function checkRun(name: string, run: SendRun, subscribers: number): void {
  if (
    run.code !== 0 ||
    !run.stdout.includes(`sent ${subscribers}, skipped 0, failed 0, uncertain 0`)
  ) {
    throw new Error(
      `${name}: send did not finish cleanly (exit ${run.code}): ${run.stderr || run.stdout}`,
    );
  }
}

/**
 * The compiled sender with a capped V8 heap (Node otherwise lets garbage grow to hundreds of MB
 * before collecting), glibc told not to keep freed request buffers, and one request in flight,
 * which is what a real rate limit gives (at 2-10 req/s a request is answered long before the
 * next starts); the rate itself is unlimited so 200,000 recipients take two minutes, not
 * seventeen. The issue is the one-pair seed; the six-pair row shows what the largest issue needs.
 */
export const TUNED_SENDER_ENV: Record<string, string> = {
  NODE_OPTIONS: '--max-old-space-size=64 --max-semi-space-size=1',
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
  SEND_MAX_IN_FLIGHT: '1',
};

/** The largest issue (six pairs, ~80 KB of HTML) needs more heap than the seed: at 64 MB it runs out. */
const SIX_PAIR_ENV = {
  ...TUNED_SENDER_ENV,
  NODE_OPTIONS: '--max-old-space-size=96 --max-semi-space-size=1',
};

async function memory(
  subscribers: number,
  preload: string,
  extraEnv: Record<string, string>,
  pairs = 1,
): Promise<{ kb: number; rate: number }> {
  const standIn = await startStandIn(0);
  try {
    const run = await runSend(subscribers, standIn.url, 1000, preload, extraEnv, pairs);
    checkRun(`${subscribers} subscribers`, run, subscribers);
    const rate = Number(/rate ([\d.]+) msgs\/s/.exec(run.stdout)?.[1] ?? Number.NaN);
    return { kb: run.peakKb, rate };
  } finally {
    await stop(standIn.child);
  }
}

export async function bench(): Promise<BenchRow[]> {
  const preload = path.join(tempDir('verdicts-bench-'), 'peak.mjs');
  writeFileSync(preload, PEAK_PRELOAD);
  const rows: BenchRow[] = [];
  // The compiled bundle is what an installed `verdicts` runs; make sure it is current.
  execSync('npm run --silent build', { cwd: repoRoot, stdio: 'inherit' });
  const untuned = await memory(20_000, preload, {});
  const small = await memory(20_000, preload, TUNED_SENDER_ENV);
  const large = await memory(200_000, preload, TUNED_SENDER_ENV);
  const six = await memory(20_000, preload, SIX_PAIR_ENV, 6);
  const mb = (kb: number) => kb / 1024;
  rows.push(
    {
      name: 'send peak RSS, 20,000 subscribers, Node defaults (info: no heap cap, 4 in flight)',
      value: mb(untuned.kb),
      unit: 'MB',
    },
    {
      name: 'send peak RSS, 20,000 subscribers, six-pair issue (info: 96 MB heap cap, 1 in flight)',
      value: mb(six.kb),
      unit: 'MB',
    },
  );
  const growth = large.kb / small.kb;
  rows.push(
    {
      name: `send peak RSS, 20,000 subscribers, seed issue, 64 MB heap cap, 1 in flight (${Math.round(small.rate)} msgs/s)`,
      value: mb(small.kb),
      unit: 'MB',
      target: '<= 150 MB',
      pass: mb(small.kb) <= 150,
    },
    {
      name: `send peak RSS, 200,000 subscribers, seed issue, 64 MB heap cap, 1 in flight (${Math.round(large.rate)} msgs/s)`,
      value: mb(large.kb),
      unit: 'MB',
      baseline: { name: '20k run', value: mb(small.kb) },
      ratio: growth,
      target: '<= 150 MB',
      pass: mb(large.kb) <= 150,
    },
    {
      name: 'send peak RSS growth, 20,000 -> 200,000 subscribers',
      value: growth,
      unit: '×',
      target: '<= 1.15×',
      pass: growth <= 1.15,
    },
  );
  return rows;
}
