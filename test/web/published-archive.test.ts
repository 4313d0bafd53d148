// A public server on another host has no issues/ folder: it serves every sent week from the
// archive the sender published into the store, byte for byte what the runner archived, and a
// week sent while it runs appears without a restart. On both stores.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { createTransport } from '../../src/send/create-transport.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { createPublicApp } from '../../src/web/public/app.ts';
import { publicDeps } from '../../src/web/public/deps.ts';
import { type PublicServer, startPublicServer } from '../../src/web/public/server.ts';
import { BASE_URL, sendWorkspace, WEEK } from '../send/send-fixture.ts';
import { runCli } from '../support/cli.ts';
import { tempDir } from '../support/paths.ts';
import { freshPgDatabase } from '../support/postgres.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serverWithoutArchive(store: Store, secret: string): Promise<PublicServer> {
  // Its own empty issues/ folder: nothing of the runner's disk.
  const config = loadConfig({
    TOKEN_SECRET: secret,
    ISSUES_DIR: path.join(tempDir('verdicts-no-issues-'), 'issues'),
    OUTBOX_DIR: path.join(tempDir('verdicts-outbox-'), 'outbox'),
    PUBLIC_BASE_URL: BASE_URL,
  });
  const deps = publicDeps(
    config,
    store,
    createTransport(config),
    createLogger({ format: 'json', out: () => {} }),
  );
  const server = await startPublicServer({
    port: 0,
    host: '127.0.0.1',
    app: createPublicApp(deps),
  });
  cleanups.push(async () => {
    await server.close();
    await deps.mail.stop();
  });
  return server;
}

describe.each(['sqlite', 'postgres'] as const)('the published archive (%s)', (kind) => {
  it('a server with no issues/ serves the sent week as archived, and it appears without a restart', async () => {
    const ws = await sendWorkspace({ subscribers: 3 });
    cleanups.push(async () => ws.close());
    const env = ws.env();
    let target: { url?: string; path: string };
    if (kind === 'postgres') {
      const db = await freshPgDatabase('published');
      cleanups.push(() => db.drop());
      target = { url: db.url, path: 'unused' };
      const setup = await openStore({ ...target, secret: env.TOKEN_SECRET! });
      for (let i = 1; i <= 3; i++) {
        await setup.subscribers.add(`reader${i}@example.com`, {
          source: 'test',
          status: 'active',
          now: new Date('2026-11-01T00:00:00Z'),
        });
      }
      await setup.close();
      env.DATABASE_URL = db.url;
    } else {
      target = { path: ws.dbPath };
    }
    const store = await openStore({ ...target, secret: env.TOKEN_SECRET! });
    cleanups.push(() => store.close());
    const server = await serverWithoutArchive(store, env.TOKEN_SECRET!);
    const page = () => fetch(`${server.url}/issues/${WEEK}/`);

    // Not sent yet: nothing to serve, and the miss is not remembered.
    expect((await page()).status).toBe(404);

    const sent = await runCli(ws.args(), { env });
    expect(sent.code, sent.stderr).toBe(0);

    const res = await page();
    expect(res.status).toBe(200);
    const archived = readFileSync(path.join(ws.issuesDir, WEEK, 'index.html'), 'utf8');
    expect(await res.text()).toBe(archived);
    const home = await (await fetch(`${server.url}/`)).text();
    expect(home).toContain(`/issues/${WEEK}/`);
    const feed = await (await fetch(`${server.url}/feed.xml`)).text();
    expect(feed).toContain(`/issues/${WEEK}/`);
    // Every file of the archive is in the store, byte for byte.
    const files = await store.archive.files(WEEK);
    expect(files.map((f) => f.name).sort()).toEqual(
      [
        'content-hash.txt',
        'email.html',
        'email.txt',
        'index.html',
        'issue.json',
        'meta.json',
      ].sort(),
    );
    for (const f of files) {
      expect(f.body.equals(readFileSync(path.join(ws.issuesDir, WEEK, f.name)))).toBe(true);
    }
  });
});
