// /healthz and /readyz of `serve`'s app over a PostgreSQL store on a server of this file's own
// (not the run's shared one): the server is stopped under the running app (/readyz 503, fast;
// /healthz still 200), then started again on the same data (/readyz 200 once the pool
// reconnects). A database that never answers is 503 within the readiness timeout.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { createTransport } from '../../src/send/create-transport.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { createPublicApp } from '../../src/web/public/app.ts';
import { type DepsOverrides, publicDeps } from '../../src/web/public/deps.ts';
import { type PublicServer, startPublicServer } from '../../src/web/public/server.ts';
import { tempDir } from '../support/paths.ts';
import { type PostgresServer, startPostgres } from '../support/start-postgres.ts';

const SECRET = 'test-secret-0123456789abcdef';

let pg: PostgresServer;
let store: Store;
let config: Config;
const open: { server: PublicServer; stop: () => Promise<void> }[] = [];
const logs: string[] = [];

beforeAll(async () => {
  pg = await startPostgres({ purpose: 'the readiness test', durable: false });
  const url = `${pg.baseUrl}/postgres`;
  store = await openStore({ url, path: 'unused', secret: SECRET });
  const dir = tempDir('verdicts-readyz-');
  config = loadConfig({
    TOKEN_SECRET: SECRET,
    DATABASE_URL: url,
    ISSUES_DIR: path.join(dir, 'issues'),
    OUTBOX_DIR: path.join(dir, 'outbox'),
  });
});

afterAll(async () => {
  for (const s of open.splice(0)) await s.stop();
  await store?.close();
  await pg?.stop();
});

async function serve(overrides: DepsOverrides = {}): Promise<string> {
  const logger = createLogger({ format: 'json', out: (l) => logs.push(l) });
  const deps = publicDeps(config, store, createTransport(config), logger, overrides);
  const server = await startPublicServer({
    port: 0,
    host: '127.0.0.1',
    app: createPublicApp(deps),
  });
  open.push({
    server,
    stop: async () => {
      await server.close();
      await deps.mail.stop();
    },
  });
  return server.url;
}

/** Status, body and how long the answer took. */
async function probe(url: string) {
  const started = performance.now();
  const res = await fetch(url);
  return { status: res.status, body: await res.text(), ms: performance.now() - started };
}

describe('readiness: /readyz follows the database', () => {
  it('ready, then 503 while PostgreSQL is stopped (healthz stays 200), then ready again', async () => {
    const base = await serve();
    expect(await probe(`${base}/readyz`)).toMatchObject({ status: 200, body: 'ready' });

    await pg.pause();
    const down = await probe(`${base}/readyz`);
    expect(down.status).toBe(503);
    expect(down.body).toBe('database unavailable');
    expect(down.ms).toBeLessThan(3_000);
    expect(await probe(`${base}/healthz`)).toMatchObject({ status: 200, body: 'ok' });
    expect(logs.join('')).toMatch(/"event":"not ready"/);

    await pg.resume();
    // The pool dropped its dead connections; the next check opens a fresh one.
    let up = await probe(`${base}/readyz`);
    for (let i = 0; i < 50 && up.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      up = await probe(`${base}/readyz`);
    }
    expect(up).toMatchObject({ status: 200, body: 'ready' });
  });

  it('a database that does not answer is 503 within the readiness timeout', async () => {
    const base = await serve({
      schema: () => new Promise(() => {}),
      limits: { readyTimeoutMs: 300 },
    });
    const hung = await probe(`${base}/readyz`);
    expect(hung.status).toBe(503);
    expect(hung.ms).toBeGreaterThanOrEqual(250);
    expect(hung.ms).toBeLessThan(2_000);
  });

  it('a schema this program does not know is not ready', async () => {
    const base = await serve({ schema: async () => ({ applied: 3, known: 4 }) });
    expect(await probe(`${base}/readyz`)).toMatchObject({
      status: 503,
      body: 'schema 3, this program knows 4',
    });
  });
});
