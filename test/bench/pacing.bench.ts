// Pacing against the provider's limit: the real `verdicts send` child against the standalone
// stand-in (its own process, counting requests by arrival in a sliding one-second window, with
// ms-precision rate-limit headers), at 2, 5 and 10 requests/s, each over ≥ 30 batches of 100,
// once on an otherwise idle machine and once with a CPU-hog child spinning beside the sender.
// Throughput is measured from the stand-in's own arrival times of accepted batches (first to
// last), against the ceiling (rate × 100 msgs/s). Target: ≥ 0.97× and at most one 429 a row.
// An info row first: the same send with no rate limit at all, i.e. what this machine can push
// through sender and stand-in right now; a row whose ceiling is near it cannot reach 0.97×.
import { type ChildProcess, execSync, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sendWorkspace } from '../send/send-fixture.ts';
import { binPath, repoRoot } from '../support/paths.ts';
import type { BenchRow } from './types.ts';

const KEY = 're_bench';
const standInMain = path.join(repoRoot, 'test/support/resend-stand-in/main.ts');
const ROWS: { rate: number; batches: number }[] = [
  { rate: 2, batches: 30 },
  { rate: 5, batches: 40 },
  { rate: 10, batches: 60 },
];
const TARGET = 0.97;

type Arrival = { at: number; status: number | null };

async function startStandIn(rate: number, jitterMs: number) {
  const args = ['--import', 'tsx', standInMain, '--rate', String(rate), '--key', KEY];
  args.push('--no-bodies', '--rate-precision', 'ms', '--arrival-jitter-ms', String(jitterMs));
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', () => reject(new Error('stand-in exited before listening')));
  });
  return { url: (JSON.parse(line) as { url: string }).url, child };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** A busy loop in its own process: the sender and the stand-in share the machine with it. */
function startHog(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

async function sendOnce(rate: number, batches: number, url: string): Promise<string> {
  const ws = await sendWorkspace({ subscribers: batches * 100 });
  try {
    const env = {
      PATH: process.env.PATH ?? '',
      ...ws.env({ RESEND_API_KEY: KEY, RESEND_BASE_URL: url, RESEND_RATE_LIMIT: String(rate) }),
      SEND_REQUEST_TIMEOUT_SECONDS: '30',
    };
    const child = spawn(process.execPath, [binPath, ...ws.args()], {
      cwd: ws.dir, // not the repo: a developer's .env must not change the measured run
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d));
    child.stderr!.on('data', (d: Buffer) => (out += d));
    const code = await new Promise<number | null>((r) => child.once('close', r));
    const sent = `sent ${batches * 100}, skipped 0, failed 0, uncertain 0`;
    if (code !== 0 || !out.includes(sent)) {
      throw new Error(`rate ${rate}: send did not finish cleanly (exit ${code}): ${out}`);
    }
    return out;
  } finally {
    ws.close();
  }
}

/** One send against a fresh stand-in: accepted msgs/s by arrival, and the 429s. */
async function measure(rate: number, batches: number, loaded: boolean) {
  const standIn = await startStandIn(rate, 0);
  const hog = loaded ? startHog() : null;
  try {
    await sendOnce(rate || 1000, batches, standIn.url);
    const arrivals = (await (
      await fetch(`${standIn.url}/__stand-in/arrivals`)
    ).json()) as Arrival[];
    const accepted = arrivals.filter((a) => a.status === 200).map((a) => a.at);
    const limited = arrivals.filter((a) => a.status === 429).length;
    const value = ((accepted.length - 1) * 100) / ((accepted.at(-1)! - accepted[0]!) / 1000);
    return { value, limited };
  } finally {
    if (hog) await stop(hog);
    await stop(standIn.child);
  }
}

async function capacity(loaded: boolean): Promise<BenchRow> {
  const { value } = await measure(0, 60, loaded);
  return {
    name: `capacity: no rate limit, 60 batches, ${loaded ? 'CPU hog beside it' : 'idle'} (info)`,
    value,
    unit: 'msgs/s',
  };
}

async function row(rate: number, batches: number, loaded: boolean): Promise<BenchRow> {
  const { value, limited } = await measure(rate, batches, loaded);
  const ceiling = rate * 100;
  const ratio = value / ceiling;
  return {
    name: `pacing at ${rate} req/s, ${batches} batches, ${loaded ? 'CPU hog beside it' : 'idle'} (${limited} × 429)`,
    value,
    unit: 'msgs/s',
    baseline: { name: 'ceiling', value: ceiling },
    ratio,
    target: `>= ${TARGET}× ceiling, <= one 429`,
    pass: ratio >= TARGET && limited <= 1,
  };
}

export async function bench(): Promise<BenchRow[]> {
  // The compiled bundle is what an installed `verdicts` runs; make sure it is current.
  execSync('npm run --silent build', { cwd: repoRoot, stdio: 'inherit' });
  const rows: BenchRow[] = [];
  for (const loaded of [false, true]) {
    rows.push(await capacity(loaded));
    for (const { rate, batches } of ROWS) rows.push(await row(rate, batches, loaded));
  }
  return rows;
}
