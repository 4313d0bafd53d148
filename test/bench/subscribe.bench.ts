// Subscribe answer time for new addresses (a confirmation is queued) against known ones (no
// email): the answer must not wait for the send, so the two should take about the same time
// even when the provider is slow. The transport here is the real outbox behind a 50 ms delay,
// standing in for Resend's latency; medians of alternating requests over real HTTP.
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { createTransport } from '../../src/send/create-transport.ts';
import type { Transport } from '../../src/send/transport.ts';
import { openDatabase } from '../../src/store/db.ts';
import { sqliteStore } from '../../src/store/sqlite-store.ts';
import { createSubscribers } from '../../src/store/subscribers.ts';
import { createPublicApp } from '../../src/web/public/app.ts';
import { publicDeps } from '../../src/web/public/deps.ts';
import { startPublicServer } from '../../src/web/public/server.ts';
import { tempDir } from '../support/paths.ts';
import type { BenchRow } from './types.ts';

const ROUNDS = 150;
const PROVIDER_MS = 50;

const slow = (inner: Transport): Transport => ({
  name: inner.name,
  sendBatch: (e, o) => inner.sendBatch(e, o),
  sendOne: async (e, o) => {
    await new Promise((r) => setTimeout(r, PROVIDER_MS));
    return inner.sendOne(e, o);
  },
});

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

export async function bench(): Promise<BenchRow[]> {
  const dir = tempDir('verdicts-bench-subscribe-');
  const base = loadConfig({
    TOKEN_SECRET: 'bench-secret-0123456789abcdef',
    DATABASE_PATH: path.join(dir, 'v.db'),
    OUTBOX_DIR: path.join(dir, 'outbox'),
    ISSUES_DIR: path.join(dir, 'issues'),
  });
  const db = openDatabase(base.DATABASE_PATH);
  const subs = createSubscribers(db);
  for (let i = 0; i < ROUNDS; i++)
    subs.add(`known${i}@example.com`, { source: 'cli', status: 'active', now: new Date() });
  const logger = createLogger({ format: 'json', out: () => {} });
  let deps: ReturnType<typeof publicDeps> | undefined;
  const server = await startPublicServer({
    port: 0,
    host: '127.0.0.1',
    app: (url) => {
      const config = { ...base, PUBLIC_BASE_URL: url };
      deps = publicDeps(
        config,
        sqliteStore(db, config.TOKEN_SECRET),
        slow(createTransport(config)),
        logger,
        {
          limits: { subscribePerWindow: 10 * ROUNDS, confirmPerHour: 10 * ROUNDS },
        },
      );
      deps.mail.start();
      return createPublicApp(deps);
    },
  });
  const post = async (email: string) => {
    const t0 = performance.now();
    const res = await fetch(`${server.url}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
      body: new URLSearchParams({ email, name: 'Bench', website: '' }).toString(),
    });
    await res.text();
    if (res.status !== 200) throw new Error(`subscribe answered ${res.status}`);
    return performance.now() - t0;
  };
  const fresh: number[] = [];
  const known: number[] = [];
  try {
    for (let i = 0; i < 20; i++) await post(`warm${i}@example.com`);
    for (let i = 0; i < ROUNDS; i++) {
      fresh.push(await post(`new${i}@example.com`));
      known.push(await post(`known${i}@example.com`));
    }
    await deps!.mail.idle();
  } finally {
    await server.close();
    await deps?.mail.stop();
    db.close();
  }
  const n = median(fresh);
  const k = median(known);
  return [
    {
      name: `subscribe answer, new address (confirmation queued; provider takes ${PROVIDER_MS} ms)`,
      value: n,
      unit: 'ms (median)',
      baseline: { name: 'known address, no email', value: k },
      ratio: n / k,
      target: `new <= 1.5x known and < ${PROVIDER_MS} ms`,
      pass: n <= 1.5 * k && n < PROVIDER_MS,
    },
  ];
}
