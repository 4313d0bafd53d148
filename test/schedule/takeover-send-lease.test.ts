// A runner that takes the schedule over from a runner on another host that died finds that
// host's lease on the week's send still running: the two leases are renewed on their own
// timers, so the send lease can lapse up to a renewal interval after the schedule lease. The
// send answers "busy" then. The runner must try the week again once that lease lapses, not
// count the slot as done: a half-sent week would otherwise wait for the next week's slot, and
// catch-up looks only at the last slot, so its other readers would never get it.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sendLeaseName } from '../../src/pipeline/send-week.ts';
import { openStore } from '../../src/store/index.ts';
import { expectExactlyOnce } from '../fault/expect-once.ts';
import { runCli } from '../support/cli.ts';
import { freshPgDatabase } from '../support/postgres.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import { makeSite } from './job-fixture.ts';
import { cron, manualClock, useRunners } from './runner-fixture.ts';

const startStandIn = useStandIn();
const runners = useRunners();
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const READERS = 150;
const WEEK = '2026-W49';

describe('a runner taking over while the dead runner’s send lease still runs', () => {
  it('answers busy first, then sends the week once that lease lapses, one copy each', async () => {
    const { standIn } = await startStandIn();
    const db = await freshPgDatabase('takeover');
    cleanups.push(() => db.drop());
    const site = makeSite({
      DATABASE_URL: db.url,
      RESEND_API_KEY: KEY,
      RESEND_BASE_URL: standIn.url,
      RESEND_RATE_LIMIT: '50',
      LEASE_SECONDS: '3',
    });
    const csv = path.join(site.dir, 'readers.csv');
    const emails = Array.from({ length: READERS }, (_, i) => `reader${i + 1}@example.com`);
    writeFileSync(csv, `email\n${emails.join('\n')}\n`);
    expect((await runCli(['subscribers', 'import', csv], { env: site.env })).code).toBe(0);

    const store = await openStore({ url: db.url, path: 'unused', secret: 'unused-0123456789' });
    cleanups.push(() => store.close());
    // Host A's sender, killed: its send lease has a little over a second left.
    const held = await store.leases.acquire(sendLeaseName(WEEK), {
      owner: 'killed-sender',
      host: 'host-a',
      pid: 2 ** 22 + 1,
      ttlMs: 1500,
      now: new Date(),
    });
    expect(held.ok).toBe(true);

    const { runner, out } = await runners.weekly(site.config(), {
      schedule: cron('0 9 * * 1'),
      clock: manualClock('2026-11-30T09:00:05Z'),
      standbyPollMs: 250,
    });
    await runner.start();
    expect(out.text()).toMatch(/outcome=busy/);
    await expect
      .poll(async () => (await store.ledger.get(WEEK))?.status, { timeout: 20_000, interval: 100 })
      .toBe('sent');
    expectExactlyOnce(standIn, READERS);
    expect(out.text()).toMatch(/outcome=sent/);
  });
});
