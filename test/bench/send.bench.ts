// Send throughput and memory, measured on the real `verdicts send` child process against the
// standalone Resend stand-in (its own process, --no-bodies) so neither competes with the other
// in one event loop.
// (Throughput against the rate limit is test/bench/pacing.bench.ts.)
// - Peak RSS (VmHWM, read by a preload in the child at exit) of the compiled sender under
//   Node's defaults (no NODE_OPTIONS, no MALLOC_* variables, the default SEND_MAX_IN_FLIGHT),
//   sending the seed issue and the largest (six-pair) issue to 20,000 and 200,000 subscribers
//   with the rate limit off: memory must stay small and must not grow with the list.
import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sendWorkspace, WEEK, type Workspace } from '../send/send-fixture.ts';
import { binPath, repoRoot, tempDir } from '../support/paths.ts';
import type { Stats } from '../support/resend-stand-in/recorder.ts';
import type { BenchRow } from './types.ts';

const KEY = 're_bench';
const standInMain = path.join(repoRoot, 'test/support/resend-stand-in/main.ts');

// Written to a temp file and preloaded into the sender: its own peak RSS, on exit, to stderr.
export const PEAK_PRELOAD = `import { readFileSync, writeSync } from 'node:fs';
process.on('exit', () => {
  const m = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  writeSync(2, 'PEAK_RSS_KB=' + (m ? m[1] : '') + '\\n');
});
`;

export async function startStandIn(rate: number): Promise<{ url: string; child: ChildProcess }> {
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

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** The stand-in's counts; retried, since a stand-in busy parsing a 10 MB body can drop a keep-alive poll. */
export async function stats(url: string): Promise<Stats> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await (await fetch(`${url}/__stand-in/stats`)).json()) as Stats;
    } catch (e) {
      if (attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

export type SendRun = {
  code: number | null;
  peakKb: number;
  stdout: string;
  stderr: string;
  acceptedAt: number[];
};

/** One `verdicts send` child; while it runs, note when each batch is accepted (10 ms polling). */
export async function runSend(
  subscribers: number,
  url: string,
  rate: number,
  preload: string,
  extraEnv: Record<string, string> = {},
  pairs = 1,
  /** Settings the workspace needs beyond its own (a store elsewhere: DATABASE_URL). */
  prepare?: (ws: Workspace) => Promise<Record<string, string>>,
  /** The week to send (its archive must be in the workspace by then: `prepare` puts it there). */
  week = WEEK,
): Promise<SendRun> {
  const ws = await sendWorkspace({ subscribers, pairs });
  const env = {
    PATH: process.env.PATH ?? '',
    ...ws.env({ RESEND_API_KEY: KEY, RESEND_BASE_URL: url, RESEND_RATE_LIMIT: String(rate) }),
    SEND_REQUEST_TIMEOUT_SECONDS: '30',
    ...extraEnv,
    ...(prepare ? await prepare(ws) : {}),
  };
  const args = ws.args();
  args[args.indexOf('--week') + 1] = week;
  const child = spawn(process.execPath, ['--import', preload, binPath, ...args], {
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
  try {
    let last = (await stats(url)).accepted;
    while (!done) {
      const s = await stats(url);
      for (; last < s.accepted; last += 100) acceptedAt.push(performance.now());
      await new Promise((r) => setTimeout(r, 10));
    }
  } catch (e) {
    // The stand-in stopped answering: the sender is not left running behind the bench.
    child.kill('SIGKILL');
    await exited;
    ws.close();
    throw e;
  }
  const code = await exited;
  ws.close();
  const peakKb = Number(/PEAK_RSS_KB=(\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  return { code, peakKb, stdout, stderr: stderr.replace(/PEAK_RSS_KB=\d+\n/, ''), acceptedAt };
}

export function checkRun(name: string, run: SendRun, subscribers: number): void {
  if (
    run.code !== 0 ||
    !run.stdout.includes(`sent ${subscribers}, skipped 0, failed 0, uncertain 0`)
  ) {
    throw new Error(
      `${name}: send did not finish cleanly (exit ${run.code}): ${run.stderr || run.stdout}`,
    );
  }
}

/** Peak RSS targets per issue (MB), and how much more 200,000 readers may take than 20,000. */
const ISSUES = [
  { name: 'seed issue', pairs: 1, targetMb: 120, growth: 1.1 },
  { name: 'six-pair issue', pairs: 6, targetMb: 150, growth: null },
] as const;

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
  const mb = (kb: number) => kb / 1024;
  for (const issue of ISSUES) {
    const small = await memory(20_000, preload, {}, issue.pairs);
    const large = await memory(200_000, preload, {}, issue.pairs);
    const growth = large.kb / small.kb;
    // Each pair of rows as it is measured: a long run that fails later still shows these.
    process.stderr.write(
      `bench: ${issue.name}: ${mb(small.kb)} MB at 20k, ${mb(large.kb)} MB at 200k\n`,
    );
    const target = `<= ${issue.targetMb} MB`;
    const label = (n: string, run: { rate: number }) =>
      `send peak RSS, ${n} subscribers, ${issue.name}, Node defaults (${Math.round(run.rate)} msgs/s)`;
    rows.push(
      {
        name: label('20,000', small),
        value: mb(small.kb),
        unit: 'MB',
        target,
        pass: mb(small.kb) <= issue.targetMb,
      },
      {
        name: label('200,000', large),
        value: mb(large.kb),
        unit: 'MB',
        baseline: { name: '20k run', value: mb(small.kb) },
        ratio: growth,
        target: issue.growth === null ? target : `${target}, growth <= ${issue.growth}×`,
        pass: mb(large.kb) <= issue.targetMb && (issue.growth === null || growth <= issue.growth),
      },
    );
  }
  return rows;
}
