// Issue #24: several public servers on one PostgreSQL. Webhook events ingested per second and
// subscribe requests answered per second by one `verdicts serve` and by two (separate
// processes, the compiled bundle, a durable PostgreSQL this bench starts), against a baseline
// process that runs the same routes without a store (storeless-server.ts). The load comes from
// this process: a fixed number of requests (a warm-up first), 32 in flight, round-robin over
// the servers. Afterwards the store must hold every event exactly once (its figures for the
// week, as `verdicts stats` reads them) and one pending reader per subscribe, with the site's
// confirmation queued for each; a row whose check fails fails. Where the CPU
// went (servers, PostgreSQL, this load generator) is printed per run on stderr.
//
// Subscribes come as from distinct clients behind a proxy (TRUST_PROXY, one X-Forwarded-For
// address each): the per-client limit stays at its default and is counted in the database for
// each request, but never reached. The hourly confirmation cap is raised past the load, so
// every subscribe takes the whole path (store the reader, queue its confirmation; the outbox
// transport sends them meanwhile): past the cap the form would only answer a proof-of-work
// page (sign-up-proof.ts), which is not what this row measures.
import { execSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import pgLib from 'pg';
import { openStore, type Store } from '../../src/store/index.ts';
import { repoRoot, tempDir } from '../support/paths.ts';
import { markSentThroughFace } from '../support/sent-week.ts';
import { type PostgresServer, startPostgres } from '../support/start-postgres.ts';
import { type LoadRequest, runLoad } from './http-load.ts';
import {
  inboxPage,
  messageIdOf,
  PUBLIC_URL,
  READERS,
  reader,
  recorded,
  subscribeRequests,
  WEBHOOK_SECRET,
  webhookRequests,
} from './ingest-requests.ts';
import { cpuOf, postmasterOn, serverCpu } from './proc-cpu.ts';
import type { BenchRow } from './types.ts';
import { startWebChild, type WebChild } from './web-children.ts';

const EVENTS = 5_000;
const SUBSCRIBES = 2_000;
const WARMUP = 500;
const CONCURRENCY = 32;
const WEEK = '2026-W48';
const TOKEN_SECRET = 'bench-token-secret-0123456789';
const BASE_ENV = {
  PUBLIC_BASE_URL: PUBLIC_URL,
  TOKEN_SECRET,
  RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET,
  CONFIRM_PER_HOUR: '1000000',
};

type What = 'webhooks' | 'subscribes';
/** Requests per second, and what went wrong, of each load. */
type Figures = Record<What, { rate: number; problems: string[] }>;
type Check = (what: What, count: number) => Promise<string[]>;
type Bench = { dir: string; postmaster: number | undefined };

/** Warm-up, then the timed run: requests per second; refused answers go to `problems`. */
async function measure(
  b: Bench,
  children: WebChild[],
  requests: LoadRequest[],
  ok: (status: number, body: string) => boolean,
  problems: string[],
): Promise<number> {
  const targets = children.map((c) => c.url);
  const run = (part: LoadRequest[]) =>
    runLoad({ targets, requests: part, concurrency: CONCURRENCY, ok });
  const cpu = () => [
    children.reduce((t, c) => t + cpuOf(c.pid), 0),
    b.postmaster ? serverCpu(b.postmaster) : 0,
    (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  ];
  const warm = await run(requests.slice(0, WARMUP));
  const before = cpu();
  const timed = await run(requests.slice(WARMUP));
  const used = cpu().map((t, i) =>
    (((t - before[i]!) / (requests.length - WARMUP)) * 1000).toFixed(2),
  );
  process.stderr.write(
    `bench:   ${timed.perSecond.toFixed(0)}/s; CPU ms a request: servers ${used[0]}, PostgreSQL ${used[1]}, load generator ${used[2]}; sent again after a keep-alive reset: ${warm.resent + timed.resent}\n`,
  );
  for (const r of [warm, timed])
    if (r.failures > 0) problems.push(`${r.failures} answers refused, first: ${r.firstFailure}`);
  return timed.perSecond;
}

/** Start `n` children of a kind, measure both loads on them, stop them (always). */
async function withChildren(
  b: Bench,
  kind: 'serve' | 'storeless',
  n: number,
  env: Record<string, string>,
  check: Check,
): Promise<Figures> {
  process.stderr.write(`bench: ${n} ${kind}: webhooks, then subscribes\n`);
  const children: WebChild[] = [];
  const f: Figures = {
    webhooks: { rate: 0, problems: [] },
    subscribes: { rate: 0, problems: [] },
  };
  const loads = [
    ['webhooks', webhookRequests(`${kind}${n}`, WARMUP + EVENTS), recorded],
    ['subscribes', subscribeRequests(`${kind}${n}`, WARMUP + SUBSCRIBES), inboxPage],
  ] as const;
  try {
    for (let i = 0; i < n; i++)
      children.push(await startWebChild(kind, env, path.join(b.dir, `${kind}-${n}-${i}`)));
    for (const [what, requests, ok] of loads) {
      f[what].rate = await measure(b, children, requests, ok, f[what].problems);
      f[what].problems.push(...(await check(what, requests.length)));
    }
  } finally {
    // What a process did wrong counts against both loads.
    const wrong: string[] = [];
    for (const c of children) {
      const code = await c.stop();
      if (code !== 0) wrong.push(`a ${kind} process exited ${code}`);
      wrong.push(...c.errors.map((e) => `logged: ${e.slice(0, 200)}`));
    }
    for (const [what] of loads) f[what].problems.push(...wrong);
  }
  for (const [what] of loads)
    if (f[what].problems.length > 0)
      process.stderr.write(`bench:   ${what}: ${f[what].problems.join('; ')}\n`);
  return f;
}

/** What the store holds after each load, as `verdicts stats` and the subscriber counts read it. */
async function storeCheck(store: Store, what: What, count: number) {
  if (what === 'webhooks') {
    const figures = await store.stats.figures(WEEK);
    const events = figures.events.reduce((n, e) => n + Number(e.total), 0);
    return events === count ? [] : [`${events} events recorded for ${count} sent`];
  }
  const pending = (await store.subscribers.countByStatus()).pending;
  const mail = Object.values(await store.mailQueue.countByStatus()).reduce((a, b) => a + b, 0);
  const problems: string[] = [];
  if (pending !== count) problems.push(`${pending} pending readers for ${count} subscribes`);
  if (mail !== count) problems.push(`${mail} confirmations queued for ${count} subscribes`);
  return problems;
}

/** `n` serve processes on a fresh database holding a sent week of READERS readers. */
async function servers(b: Bench, pg: PostgresServer, n: number): Promise<Figures> {
  const name = `ingest_${process.pid}_${n}`;
  const admin = new pgLib.Client({ connectionString: `${pg.baseUrl}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = `${pg.baseUrl}/${name}`;
  const store = await openStore({ url, path: 'unused', secret: TOKEN_SECRET });
  try {
    const emails = Array.from({ length: READERS }, (_, i) => reader(i));
    await markSentThroughFace(store, WEEK, new Date('2026-11-30T08:00:00Z'), emails, messageIdOf);
    const env = { ...BASE_ENV, DATABASE_URL: url, TRUST_PROXY: 'true' };
    return await withChildren(b, 'serve', n, env, (what, count) => storeCheck(store, what, count));
  } finally {
    await store.close();
  }
}

function rows(what: What, f: Record<'base1' | 'base2' | 'one' | 'two', Figures>): BenchRow[] {
  const [base1, base2, one, two] = [f.base1[what], f.base2[what], f.one[what], f.two[what]];
  const unit = what === 'webhooks' ? 'events/s' : 'subscribes/s';
  const label =
    what === 'webhooks'
      ? `webhook events (${EVENTS.toLocaleString('en-US')} signed)`
      : `subscribes (${SUBSCRIBES.toLocaleString('en-US')}; TRUST_PROXY, an X-Forwarded-For each)`;
  // A baseline that went wrong makes its ratio worthless too.
  const problems = (...xs: Figures[What][]) => xs.flatMap((x) => x.problems);
  const failed = (p: string[]) => (p.length === 0 ? '' : ` - CHECK FAILED: ${p.join('; ')}`);
  const vsBaseline = one.rate / base1.rate;
  const scaling = two.rate / one.rate;
  return [
    {
      name: `${label}, 1 serve on PostgreSQL${failed(problems(one, base1))}`,
      value: one.rate,
      unit,
      baseline: { name: 'store-less, 1 process', value: base1.rate },
      ratio: vsBaseline,
      target: '>= 0.3x baseline, each stored once',
      pass: vsBaseline >= 0.3 && problems(one, base1).length === 0,
    },
    {
      name: `${label}, 2 serve round-robin (store-less x2: ${Math.round(base2.rate)}/s)${failed(problems(two, base2))}`,
      value: two.rate,
      unit,
      baseline: { name: '1 serve, same run', value: one.rate },
      ratio: scaling,
      target: '>= 1.2x one serve, each stored once',
      pass: scaling >= 1.2 && problems(two, base2, one).length === 0,
    },
  ];
}

export async function bench(): Promise<BenchRow[]> {
  // The compiled bundle is what an installed `verdicts` runs; make sure it is current.
  execSync('npm run --silent build', { cwd: repoRoot, stdio: 'inherit' });
  const dir = tempDir('verdicts-bench-ingest-');
  let pg: PostgresServer | undefined;
  try {
    pg = await startPostgres({ purpose: 'the web ingest bench', durable: true });
    const b: Bench = { dir, postmaster: postmasterOn(pg.port) };
    // Each baseline just before the servers it is compared with: the machine's other load
    // changes from minute to minute.
    const none = async () => [];
    const base1 = await withChildren(b, 'storeless', 1, BASE_ENV, none);
    const one = await servers(b, pg, 1);
    const base2 = await withChildren(b, 'storeless', 2, BASE_ENV, none);
    const two = await servers(b, pg, 2);
    const figures = { base1, base2, one, two };
    return (['webhooks', 'subscribes'] as const).flatMap((w) => rows(w, figures));
  } finally {
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
