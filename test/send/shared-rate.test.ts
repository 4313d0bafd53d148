// The provider's rate limit is per team: a weekly `verdicts send` and the confirmations of two
// public servers, all real processes on one database and one Resend team (the stand-in's
// limit, 5 req/s, counts every request whatever the key or process), together stay under it
// through the database's request budget. At most one 429 in the whole run; every reader one
// copy; every confirmation sent, the first within a few seconds even in the middle of the send.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { childCwd, childEnv } from '../support/isolated-env.ts';
import { binPath } from '../support/paths.ts';
import { type ResendStandIn, startResendStandIn } from '../support/resend-stand-in/server.ts';
import { BASE_URL, reader, sendWorkspace } from './send-fixture.ts';

const KEY = 're_team_key';
const RATE = 5;

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const f of cleanups.splice(0).reverse()) await f();
});

/** Where every process finds the database and the archive. */
type Target = { env: Record<string, string>; serveArgs: string[]; sendArgs: string[] };

/** A `verdicts` child; its output is kept for the failure message. */
function verdicts(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [binPath, ...args], {
    cwd: childCwd(),
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d));
  return { child, output: () => out };
}

/** `verdicts serve` on port 0: resolves with its URL once it listens. */
async function serve(target: Target, env: Record<string, string>) {
  const { child, output } = verdicts(['serve', '--port', '0', ...target.serveArgs], env);
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const entry = JSON.parse(line) as { event?: string; url?: string };
    if (entry.event === 'listening') {
      // Keep draining its log so the pipe never fills.
      child.stdout!.resume();
      return entry.url!;
    }
  }
  throw new Error(`serve exited before listening: ${output()}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * New subscribers through the servers' forms, each from its own client (behind the proxy), in
 * waves of 25 a quarter second apart while the send runs (all 200 in one burst stalled this
 * 2-core machine for over a second, which says nothing of the budget), from a worker thread:
 * see subscribe-waves.mjs.
 */
async function subscribe(posts: { url: string; email: string; ip: string }[]) {
  const worker = new Worker(new URL('./subscribe-waves.mjs', import.meta.url), {
    workerData: { posts, origin: BASE_URL },
  });
  const [statuses] = (await once(worker, 'message')) as [number[]];
  await worker.terminate();
  expect(statuses).toEqual(posts.map(() => 200));
}

async function until(what: string, done: () => boolean, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const confirmations = (s: ResendStandIn) =>
  s.deliveries().filter((d) => d.endpoint === '/emails' && d.subject.startsWith('Confirm'));
const issueCopies = (s: ResendStandIn) =>
  s.deliveries().filter((d) => d.endpoint === '/emails/batch').length;

/**
 * The send of `readers` readers and `signups` confirmations (half through each of two
 * servers) requested once the send is under way. Everything at the team's rate.
 */
async function sendAndConfirm(target: Target, readers: number, signups: number) {
  const standIn = await startResendStandIn({ apiKey: KEY, rateLimit: RATE, recordBodies: false });
  cleanups.push(() => standIn.close());
  const env = {
    ...target.env,
    RESEND_API_KEY: KEY,
    RESEND_BASE_URL: standIn.url,
    RESEND_RATE_LIMIT: String(RATE),
    RESEND_SHARED_RATE: 'true',
    TRUST_PROXY: 'true',
    CONFIRM_PER_HOUR: String(10 * signups),
    LOG_FORMAT: 'json',
  };
  const servers = await Promise.all([serve(target, env), serve(target, env)]);
  const started = Date.now();
  const sender = verdicts(target.sendArgs, env);
  sender.child.stdout!.resume();
  const senderExit = once(sender.child, 'exit');
  // Mid-send: a few batches are out, most are still to go.
  await until('the send to start', () => issueCopies(standIn) >= 300, 30_000);
  const asked = Date.now();
  const emails = Array.from({ length: signups }, (_, i) => `new${i}@example.org`);
  // Half through each server, interleaved, each from its own client address.
  await subscribe(
    emails.map((email, i) => ({
      url: servers[i % 2]!,
      email,
      ip: `10.${1 + (i % 2)}.${Math.floor(i / 500)}.${(Math.floor(i / 2) % 250) + 1}`,
    })),
  );
  await until('the first confirmation', () => confirmations(standIn).length > 0, 10_000);
  const firstAfterMs = Date.now() - asked;
  const [code] = await senderExit;
  expect(code, sender.output()).toBe(0);
  const sendDoneMs = Date.now() - started;
  await until('every confirmation', () => confirmations(standIn).length >= signups, 120_000);

  // What arrived around each 429 (ms from the first request), for the failure message.
  const reqs = [...standIn.requests].sort((x, y) => x.at - y.at);
  const around429 = reqs
    .flatMap((q, i) =>
      q.status === 429
        ? [
            reqs
              .slice(Math.max(0, i - 6), i + 1)
              .map((n) => `${n.at - reqs[0]!.at} ${n.path} ${n.status}`)
              .join('; '),
          ]
        : [],
    )
    .join('\n');
  const stats = standIn.stats();
  const copies = standIn.countByRecipient();
  const issueReaders = Array.from({ length: readers }, (_, i) => reader(i + 1));
  return { stats, copies, issueReaders, emails, firstAfterMs, sendDoneMs, around429 };
}

describe('the team rate, shared through the database', () => {
  it('a 3,000-reader send and 200 confirmations on two servers: at most one 429 (SQLite)', async () => {
    const readers = 3_000;
    const signups = 200;
    const ws = await sendWorkspace({ subscribers: readers });
    cleanups.push(() => ws.close());
    const target: Target = {
      env: ws.env(),
      serveArgs: ['--db', ws.dbPath, '--issues', ws.issuesDir],
      sendArgs: ws.args(),
    };
    const r = await sendAndConfirm(target, readers, signups);
    // At most one, as the issue asks. A write woken well past its slot takes a fresh one
    // (pace.ts), and the sign-ups run on a thread of their own, so the stand-in's arrival
    // stamps on this thread are not held up by them. This file runs after the rest of the
    // suite, alone (vitest.config.ts): beside it, the stand-in's process was starved now and
    // then and stamped a spaced request ~25 ms late, a burst only the test made.
    expect(r.stats.byStatus['429'] ?? 0, r.around429).toBeLessThanOrEqual(1);
    expect(r.stats.duplicates).toBe(0);
    for (const email of r.issueReaders) expect(r.copies.get(email), email).toBe(1);
    for (const email of r.emails) expect(r.copies.get(email), email).toBe(1);
    // Not starved: the first confirmation left within a few seconds of the requests.
    expect(r.firstAfterMs).toBeLessThan(3_000);
    // 230 requests at 5/s is 46 s at best; nothing waited on anything else beyond that.
    const requests = readers / 100 + signups;
    expect(r.sendDoneMs).toBeLessThan((requests / RATE) * 1000 * 1.4 + 10_000);
  }, 150_000);
});
