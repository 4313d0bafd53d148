// The scheduler in-process: real SQLite, the real weekly job, the Resend stand-in for delivery
// counts, and an injected clock. Slots are fired through node-cron's execute() or by the
// catch-up check at start, never by waiting for the wall clock.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import { addSubscribers, makeSite, weekRow } from './job-fixture.ts';
import { cron, manualClock, readHealth, useRunners } from './runner-fixture.ts';

const start = useStandIn();
const runners = useRunners();

async function siteWithStandIn(subscribers: number) {
  const { standIn } = await start();
  const site = makeSite({
    RESEND_API_KEY: KEY,
    RESEND_BASE_URL: standIn.url,
    RESEND_RATE_LIMIT: '20',
  });
  const emails = addSubscribers(site.dbPath, subscribers);
  return { standIn, site, emails, config: site.config() };
}

const copies = (standIn: { countByRecipient(): Map<string, number> }) => [
  ...new Set(standIn.countByRecipient().values()),
];

describe('schedule runner', () => {
  it('a slot fires (node-cron execute) and sends; a second slot the same week sends nothing', async () => {
    const { standIn, site, emails, config } = await siteWithStandIn(150);
    const clock = manualClock('2026-11-30T08:59:30Z');
    const { runner, out } = await runners.weekly(config, { schedule: cron('0 9 * * 1,3'), clock });
    await runner.start();
    expect(runner.state).toBe('active');
    expect(out.text()).toContain(
      'next=2026-11-30T09:00:00.000Z nextLocal="Mon 2026-11-30 09:00 UTC"',
    );

    clock.set('2026-11-30T09:00:00Z');
    await runner.trigger();
    expect(standIn.countByRecipient().size).toBe(150);
    expect(copies(standIn)).toEqual([1]);
    expect(new Set(standIn.countByRecipient().keys())).toEqual(new Set(emails));
    expect(out.text()).toMatch(
      /info run week=2026-W49 outcome=sent pairs=1 recipients=150 sent=150/,
    );
    expect(out.text()).toContain('runner.next next=2026-12-02T09:00:00.000Z');

    const health = readHealth(site.healthFile);
    expect(health).toMatchObject({
      state: 'active',
      schedule: '0 9 * * 1,3',
      nextRun: '2026-12-02T09:00:00.000Z',
      lastRun: {
        slot: '2026-11-30T09:00:00.000Z',
        trigger: 'manual',
        week: '2026-W49',
        outcome: 'sent',
        sent: 150,
        recipients: 150,
      },
    });

    clock.set('2026-12-02T09:00:00Z');
    await runner.trigger();
    expect(standIn.deliveries()).toHaveLength(150);
    expect(out.text()).toMatch(/info run week=2026-W49 outcome=already-sent .*sent=0/);
    expect(readHealth(site.healthFile).lastRun?.outcome).toBe('already-sent');
  });

  it('started after a missed slot, within grace: catches it up', async () => {
    const { standIn, site, config } = await siteWithStandIn(20);
    // 23 h after Monday 09:00: the machine was down for the slot.
    const clock = manualClock('2026-12-01T08:00:00Z');
    const { runner, out } = await runners.weekly(config, { schedule: cron('0 9 * * 1'), clock });
    await runner.start();
    expect(out.text()).toContain('catch_up.run slot=2026-11-30T09:00:00.000Z week=2026-W49');
    expect(standIn.countByRecipient().size).toBe(20);
    expect(copies(standIn)).toEqual([1]);
    expect(readHealth(site.healthFile)).toMatchObject({
      nextRun: '2026-12-07T09:00:00.000Z',
      lastRun: {
        trigger: 'catch-up',
        week: '2026-W49',
        outcome: 'sent',
        slot: '2026-11-30T09:00:00.000Z',
      },
    });
  });

  it('started after a missed slot, outside grace: skips it and says so', async () => {
    const { standIn, site, config } = await siteWithStandIn(20);
    const clock = manualClock('2026-12-01T09:00:01Z');
    const { runner, out } = await runners.weekly(config, { schedule: cron('0 9 * * 1'), clock });
    await runner.start();
    expect(out.text()).toMatch(
      /warn catch_up\.skipped slot=2026-11-30T09:00:00\.000Z week=2026-W49 reason="missed slot for 2026-W49 is 1 day 1 second old, beyond CATCH_UP_GRACE_HOURS=24/,
    );
    expect(standIn.deliveries()).toHaveLength(0);
    expect(weekRow(site.dbPath, '2026-W49')).toBeUndefined();
    expect(readHealth(site.healthFile).lastRun).toBeNull();
  });

  it('a week with no pairs before the slot sends nothing', async () => {
    const { standIn, config } = await siteWithStandIn(20);
    // Monday 2026-11-23 09:00 opens W48; the only pair is published on the 24th.
    const clock = manualClock('2026-11-23T09:00:00Z');
    const { runner, out } = await runners.weekly(config, { schedule: cron('0 9 * * 1'), clock });
    await runner.start();
    expect(out.text()).toMatch(
      /info run week=2026-W48 outcome=no-pairs pairs=0 recipients=0 sent=0/,
    );
    expect(standIn.deliveries()).toHaveLength(0);
  });

  it('two runners on one database, both due at once: one active, one copy per subscriber', async () => {
    const { standIn, config } = await siteWithStandIn(120);
    const clock = manualClock('2026-11-30T09:00:05Z');
    const a = await runners.weekly(config, {
      schedule: cron('0 9 * * 1'),
      clock,
      standbyPollMs: 25,
    });
    const b = await runners.weekly(config, {
      schedule: cron('0 9 * * 1'),
      clock,
      standbyPollMs: 25,
    });
    await Promise.all([a.runner.start(), b.runner.start()]);
    expect([a.runner.state, b.runner.state].sort()).toEqual(['active', 'standby']);
    const [active, standby] = a.runner.state === 'active' ? [a, b] : [b, a];
    expect(standby.out.text()).toContain('warn runner.standby heldBy=');
    // A slot reaching the standby runner is not run there.
    expect(await standby.runner.fire(new Date('2026-11-30T09:00:00Z'))).toBeNull();
    expect(standIn.countByRecipient().size).toBe(120);
    expect(copies(standIn)).toEqual([1]);

    // The active runner stops: the standby takes over, sees the week sent, sends nothing.
    await active.runner.stop();
    await expect.poll(() => standby.runner.state, { timeout: 10_000, interval: 10 }).toBe('active');
    await expect.poll(() => standby.out.text(), { timeout: 10_000 }).toContain('lease.taken_over');
    expect(standIn.deliveries()).toHaveLength(120);
  });

  it('a runner whose schedule lease is taken stops firing, stands by, and takes over later', async () => {
    const site = makeSite({ LEASE_SECONDS: '1' });
    const clock = manualClock('2026-11-30T08:00:00Z');
    const { runner, out } = await runners.weekly(site.config(), {
      schedule: cron('0 9 * * 1'),
      clock,
      standbyPollMs: 25,
    });
    await runner.start();
    expect(runner.state).toBe('active');
    const db = openDatabase(site.dbPath);
    try {
      // Another runner (alive, on this host) holds the lease now: renewal fails within ~1 s.
      db.prepare(
        `UPDATE leases SET owner = 'thief', pid = ?, expires_at = ? WHERE name = 'schedule'`,
      ).run(process.pid, Date.now() + 60_000);
      await expect.poll(() => runner.state, { timeout: 10_000, interval: 20 }).toBe('standby');
      expect(out.text()).toContain('error lease.lost');
      expect(runner.task.getStatus()).toBe('stopped');
      expect(await runner.fire(new Date('2026-11-30T09:00:00Z'))).toBeNull();

      db.prepare(`DELETE FROM leases WHERE name = 'schedule'`).run();
      await expect.poll(() => runner.state, { timeout: 10_000, interval: 20 }).toBe('active');
      expect(runner.task.getStatus()).toBe('idle');
    } finally {
      db.close();
    }
  });
});
