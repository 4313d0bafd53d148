// SIGTERM on `serve`: the server stops accepting and lets requests in flight finish (up to its
// grace, then cuts them off), and the mail worker gives back a row it claimed but did not send:
// `queued` again and due at once, so the next start takes it without waiting for it to go stale.
import path from 'node:path';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import type { Transport, TransportFailure } from '../../src/send/transport.ts';
import { type Db, openDatabase } from '../../src/store/db.ts';
import { sqliteStore } from '../../src/store/sqlite-store.ts';
import { createMailWorker } from '../../src/web/public/mail-worker.ts';
import { type PublicServer, startPublicServer } from '../../src/web/public/server.ts';
import { tempDir } from '../support/paths.ts';

const SECRET = 'test-secret-0123456789abcdef';
const NOW = new Date('2026-11-30T09:00:00Z');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const aborted = (signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (!signal || signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });

const networkFailure: TransportFailure = {
  kind: 'retryable',
  status: null,
  name: 'aborted',
  message: 'the request was aborted',
};

/** A transport whose sendOne waits for the abort, then answers as `onAbort` says. */
function stuckTransport(
  onAbort: 'fail' | 'throw' | 'never',
): Transport & { started: Promise<void> } {
  let started: () => void;
  const startedP = new Promise<void>((r) => {
    started = r;
  });
  return {
    name: 'resend',
    started: startedP,
    sendBatch: () => Promise.reject(new Error('not used')),
    async sendOne(_email, opts) {
      started();
      if (onAbort === 'never') return new Promise(() => {});
      await aborted(opts?.signal);
      if (onAbort === 'throw') throw new Error('socket hang up');
      return { ok: false, error: networkFailure };
    },
  };
}

function queueWithOneRow(): { db: Db; store: ReturnType<typeof sqliteStore> } {
  const db = openDatabase(path.join(tempDir('verdicts-drain-'), 'v.db'));
  cleanups.push(() => {
    db.close();
  });
  const store = sqliteStore(db, SECRET);
  return { db, store };
}

async function claimedAndStopped(onAbort: 'fail' | 'throw' | 'never') {
  const { db, store } = queueWithOneRow();
  const added = await store.subscribers.add('ann@example.com', { source: 'test', now: NOW });
  if (!added.ok) throw new Error(added.error);
  await store.mailQueue.enqueue('confirm', added.value.id, 'ann@example.com', NOW);
  const transport = stuckTransport(onAbort);
  const logs: string[] = [];
  const worker = createMailWorker({
    queue: store.mailQueue,
    transport: () => transport,
    compose: async () => ({
      email: {
        from: 'news@verdicts.example',
        to: 'ann@example.com',
        subject: 'Confirm',
        html: '<p>x</p>',
        text: 'x',
        headers: {},
        tags: [],
      },
    }),
    now: () => NOW,
    logger: createLogger({ format: 'json', out: (l) => logs.push(l) }),
    pollMs: 3_600_000,
    staleMs: 5 * 60_000,
    maxAttempts: 8,
    retryBaseMs: 5_000,
    retryCapMs: 10 * 60_000,
    stopGraceMs: 200,
  });
  worker.start();
  await transport.started;
  expect((await store.mailQueue.countByStatus()).sending).toBe(1);
  const t0 = performance.now();
  await worker.stop();
  const row = db
    .prepare('SELECT status, next_attempt_at, claimed_at, error FROM mail_queue')
    .get() as { status: string; next_attempt_at: string; claimed_at: string | null; error: string };
  return { row, store, stopMs: performance.now() - t0, logs };
}

describe('SIGTERM: the mail worker gives its claim back', () => {
  for (const onAbort of ['fail', 'throw'] as const) {
    it(`a send aborted mid-flight (the transport ${onAbort}s) goes back to queued, due now`, async () => {
      const { row, store } = await claimedAndStopped(onAbort);
      expect(row).toMatchObject({ status: 'queued', claimed_at: null });
      expect(row.next_attempt_at).toBe(NOW.toISOString());
      expect(row.error).toMatch(/\(stopped\)$/);
      // The next start (here: a claim at the same instant, long before it would be stale) takes it.
      const again = await store.mailQueue.claim(NOW, new Date(0));
      expect(again?.kind).toBe('confirm');
    });
  }

  it('a transport that ignores the abort: the row is given back after the grace', async () => {
    const { row, stopMs, logs } = await claimedAndStopped('never');
    expect(row).toMatchObject({ status: 'queued', claimed_at: null });
    expect(row.next_attempt_at).toBe(NOW.toISOString());
    expect(stopMs).toBeLessThan(2_000);
    expect(logs.join('')).toContain('mail queue stopped mid-send');
  });
});

describe('SIGTERM: the server drains', () => {
  async function slowServer(graceMs: number) {
    const app = new Hono();
    const started: (() => void)[] = [];
    app.get('/slow/:ms', async (c) => {
      for (const s of started.splice(0)) s();
      await new Promise((r) => setTimeout(r, Number(c.req.param('ms'))));
      return c.text('done');
    });
    const server: PublicServer = await startPublicServer({
      port: 0,
      host: '127.0.0.1',
      app,
      graceMs,
    });
    let closed = false;
    cleanups.push(async () => {
      if (!closed) await server.close();
    });
    const inFlight = () => new Promise<void>((r) => started.push(r));
    return {
      server,
      inFlight,
      close: async () => {
        closed = true;
        await server.close();
      },
    };
  }

  it('a request in flight finishes; new connections are refused', async () => {
    const { server, inFlight, close } = await slowServer(5_000);
    const running = inFlight();
    const answer = fetch(`${server.url}/slow/400`);
    await running;
    const closing = close();
    const res = await answer;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('done');
    await closing;
    await expect(fetch(`${server.url}/slow/0`)).rejects.toThrow();
  });

  it('a request that outlives the grace is cut off, and close() returns', async () => {
    const { server, inFlight, close } = await slowServer(200);
    const running = inFlight();
    const answer = fetch(`${server.url}/slow/10000`).then(
      () => 'answered',
      () => 'cut off',
    );
    await running;
    const t0 = performance.now();
    await close();
    expect(performance.now() - t0).toBeLessThan(3_000);
    expect(await answer).toBe('cut off');
  });
});
