// Two `verdicts schedule` runners on two hosts (VERDICTS_HOST_ID makes this machine play both)
// sharing one PostgreSQL database: one runs the slot, the other stands by. When the active one
// is killed with -9 mid-send, the standby takes the lease over once it lapses by the database's
// clock (not at once: a pid on another host says nothing here) and finishes the send. Every
// reader gets exactly one copy.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.ts';
import { useChildren } from '../fault/child.ts';
import { runCli } from '../support/cli.ts';
import { freshPgDatabase } from '../support/postgres.ts';
import { type ResendStandIn, startResendStandIn } from '../support/resend-stand-in/server.ts';
import { KEY } from '../support/stand-in-fixture.ts';
import { makeSite } from './job-fixture.ts';

const spawn = useChildren();
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const READERS = 3000;
const LEASE_SECONDS = 3;
// Monday 2026-11-30 09:00Z is a slot of the default SEND_SCHEDULE ("0 9 * * 1"), week 2026-W49.
const JUST_AFTER_SLOT = '2026-11-30T09:00:05Z';
const WEEK = '2026-W49';

describe('two runners on two hosts, one PostgreSQL', () => {
  it('kill -9 of the active runner mid-send: the other takes over after the lease lapses and finishes, one copy each', {
    timeout: 240_000,
  }, async () => {
    const standIn: ResendStandIn = await startResendStandIn({
      apiKey: KEY,
      rateLimit: 10,
      rateLimitPrecision: 'ms',
    });
    cleanups.push(() => standIn.close());
    const db = await freshPgDatabase('hosts');
    cleanups.push(() => db.drop());
    const site = makeSite({
      DATABASE_URL: db.url,
      RESEND_API_KEY: KEY,
      RESEND_BASE_URL: standIn.url,
      RESEND_RATE_LIMIT: '10',
      LEASE_SECONDS: String(LEASE_SECONDS),
      VERDICTS_FAKE_NOW: JUST_AFTER_SLOT,
    });
    const csv = path.join(site.dir, 'readers.csv');
    const emails = Array.from({ length: READERS }, (_, i) => `reader${i + 1}@example.com`);
    writeFileSync(csv, `email\n${emails.join('\n')}\n`);
    const imported = await runCli(['subscribers', 'import', csv], { env: site.env });
    expect(imported.code, imported.stderr).toBe(0);

    const store: Store = await openStore({
      url: db.url,
      path: 'unused',
      secret: 'unused-0123456789',
    });
    cleanups.push(() => store.close());
    const holder = async () => (await store.leases.holder('schedule'))?.host;

    const a = spawn(['schedule'], { ...site.env, VERDICTS_HOST_ID: 'host-a' });
    await expect.poll(holder, { timeout: 30_000, interval: 50 }).toBe('host-a');
    const b = spawn(['schedule'], { ...site.env, VERDICTS_HOST_ID: 'host-b' });
    // A sends; kill it once a few batches are out.
    await expect
      .poll(() => standIn.stats().accepted, { timeout: 60_000, interval: 20 })
      .toBeGreaterThanOrEqual(500);
    const beforeKill = standIn.stats().accepted;
    expect(beforeKill).toBeLessThan(READERS);
    a.child.kill('SIGKILL');
    const killedAt = Date.now();
    await a.done;
    // B takes the schedule over (within the lease's life and one standby look) and resumes.
    await expect.poll(holder, { timeout: 30_000, interval: 50 }).toBe('host-b');
    const tookOverMs = Date.now() - killedAt;
    expect(tookOverMs).toBeLessThan(LEASE_SECONDS * 1000 + 10_000);
    await expect
      .poll(async () => (await store.ledger.get(WEEK))?.status, { timeout: 120_000, interval: 100 })
      .toBe('sent');
    b.child.kill('SIGTERM');
    const rb = await b.done;
    expect(rb.code).toBe(0);
    expect(rb.stdout + rb.stderr).toMatch(/lease\.taken_over/);

    const copies = standIn.countByRecipient();
    expect(copies.size).toBe(READERS);
    expect([...new Set(copies.values())]).toEqual([1]);
    expect((await store.ledger.summary(WEEK)).sent).toBe(READERS);
  });
});
