// A sender paused past its lease (SIGSTOP: a suspended VM, a long GC pause) while a second
// sender takes the week over, then woken (SIGCONT): it must notice before its next attempt,
// stop with the resumable code and a clear line, and never crash or double-send.
import { describe, expect, it } from 'vitest';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import { useChildren } from './child.ts';
import { expectExactlyOnce, requestsReached } from './expect-once.ts';
import { STORES, useStoreWorkspaces } from './stores.ts';

const start = useStandIn();
const spawnSend = useChildren();
const workspace = useStoreWorkspaces();
const READERS = 3000;
const RATE = 10;
const LEASE_SECONDS = 2;

describe.each(STORES)('fault: a sender paused past its lease (%s)', (kind) => {
  it('SIGSTOP past LEASE_SECONDS, a second sender takes over, SIGCONT: the first exits 3 naming the new holder; every reader once', async () => {
    // Every answer takes 300 ms and one request is in flight, so the SIGSTOP that follows a
    // request's arrival finds the sender waiting on HTTP: a process stopped inside a SQLite
    // write would hold the database lock, and no second sender could take over (that is
    // SQLite's rule, not the lease's; this test is about the lease).
    const { standIn } = await start({
      rateLimit: RATE,
      rateLimitPrecision: 'ms',
      recordBodies: false,
      faults: () => ({ kind: 'slow', ms: 300 }),
    });
    const ws = await workspace(kind, { subscribers: READERS });
    const env = ws.env({
      RESEND_API_KEY: KEY,
      RESEND_BASE_URL: standIn.url,
      RESEND_RATE_LIMIT: String(RATE),
      LEASE_SECONDS: String(LEASE_SECONDS),
      SEND_MAX_IN_FLIGHT: '1',
    });
    const first = spawnSend(ws.args(), env);
    try {
      await requestsReached(standIn, 3);
      // Mid-way through that request's 300 ms answer: the sender is waiting on HTTP.
      await new Promise((r) => setTimeout(r, 100));
      first.child.kill('SIGSTOP');
      // Its last renewal was at most a third of the lease before the stop: now it has expired.
      await new Promise((r) => setTimeout(r, LEASE_SECONDS * 1000 + 700));
      const before = standIn.stats().requests;
      const second = spawnSend(ws.args(), env);
      // The second sender is mid-send (it took the lease and sent some batches) when the first wakes.
      await requestsReached(standIn, before + 3, 60_000);
      first.child.kill('SIGCONT');

      const paused = await first.done;
      expect(paused.stderr).not.toMatch(/unexpected error|not sendable/);
      expect(paused.code, paused.stderr).toBe(3);
      expect(paused.stderr).toMatch(
        new RegExp(`stopped: lost the lease to \\S+:${second.pid}:[0-9a-f]{8}`),
      );
      expect(paused.stderr).toMatch(/re-run the same command to resume|a re-run resumes/);

      const taker = await second.done;
      expect(taker.stderr).toBe('');
      expect(taker.code, taker.stdout).toBe(0);
      expectExactlyOnce(standIn, READERS);
      expect((await ws.summary()).sent).toBe(READERS);
      expect(await ws.leaseHeld()).toBe(false);
    } finally {
      // A stopped child ignores everything but SIGKILL and SIGCONT: never leave one behind.
      if (first.child.exitCode === null && first.child.signalCode === null) {
        first.child.kill('SIGCONT');
      }
    }
  }, 120_000);

  it('woken after the new holder finished the whole send: the first still exits 3 (lease lost), nothing sent twice', async () => {
    const { standIn } = await start({
      rateLimit: RATE,
      rateLimitPrecision: 'ms',
      recordBodies: false,
      faults: () => ({ kind: 'slow', ms: 300 }),
    });
    const ws = await workspace(kind, { subscribers: READERS });
    const env = ws.env({
      RESEND_API_KEY: KEY,
      RESEND_BASE_URL: standIn.url,
      RESEND_RATE_LIMIT: String(RATE),
      LEASE_SECONDS: String(LEASE_SECONDS),
      SEND_MAX_IN_FLIGHT: '1',
    });
    const first = spawnSend(ws.args(), env);
    try {
      await requestsReached(standIn, 3);
      await new Promise((r) => setTimeout(r, 100));
      first.child.kill('SIGSTOP');
      await new Promise((r) => setTimeout(r, LEASE_SECONDS * 1000 + 700));
      const taker = await spawnSend(ws.args(), env).done;
      expect(taker.code, taker.stderr).toBe(0);
      // The week is finished and its lease released before the first sender wakes.
      expect(await ws.leaseHeld()).toBe(false);
      first.child.kill('SIGCONT');

      const paused = await first.done;
      expect(paused.stderr).not.toMatch(/unexpected error|not sendable/);
      expect(paused.code, paused.stdout + paused.stderr).toBe(3);
      expect(paused.stderr).toMatch(/stopped: lost the lease to nobody \(released\)/);
      expectExactlyOnce(standIn, READERS);
    } finally {
      if (first.child.exitCode === null && first.child.signalCode === null) {
        first.child.kill('SIGCONT');
      }
    }
  }, 120_000);
});
