// The weekly job as real processes (node src/cli/bin.js run|schedule) on one database, with
// the Resend stand-in counting copies. VERDICTS_FAKE_NOW (test-only) starts each scheduler just
// after a slot, so its catch-up check fires the slot at once instead of waiting for Monday.
import { afterEach, describe, expect, it } from 'vitest';
import { useChildren } from '../fault/child.ts';
import { type ResendStandIn, startResendStandIn } from '../support/resend-stand-in/server.ts';
import { KEY } from '../support/stand-in-fixture.ts';
import { addSubscribers, makeSite, weekRow } from './job-fixture.ts';
import { readHealth } from './runner-fixture.ts';

const spawn = useChildren();
const standIns: ResendStandIn[] = [];
afterEach(async () => {
  await Promise.all(standIns.splice(0).map((s) => s.close()));
});

async function setup(subscribers: number, env: Record<string, string> = {}) {
  const standIn = await startResendStandIn({ apiKey: KEY, rateLimit: false });
  standIns.push(standIn);
  const site = makeSite({
    RESEND_API_KEY: KEY,
    RESEND_BASE_URL: standIn.url,
    RESEND_RATE_LIMIT: '20',
    LEASE_SECONDS: '5',
    ...env,
  });
  const emails = addSubscribers(site.dbPath, subscribers);
  return { standIn, site, emails };
}

function expectOneCopyEach(standIn: ResendStandIn, emails: string[]) {
  const copies = standIn.countByRecipient();
  expect(copies.size).toBe(emails.length);
  expect([...new Set(copies.values())]).toEqual([1]);
  expect(new Set(copies.keys())).toEqual(new Set(emails));
}

const until = (what: () => boolean, timeout = 20_000) =>
  expect.poll(what, { timeout, interval: 20 }).toBe(true);

// Monday 2026-11-30 09:00Z is a slot of the default SEND_SCHEDULE ("0 9 * * 1"), week 2026-W49.
const JUST_AFTER_SLOT = '2026-11-30T09:00:05Z';

describe('weekly job processes', () => {
  it('two schedulers on one database, both due at once: exactly one copy per subscriber', async () => {
    const { standIn, site, emails } = await setup(250);
    const env = { ...site.env, VERDICTS_FAKE_NOW: JUST_AFTER_SLOT };
    const a = spawn(['schedule'], env);
    const b = spawn(['schedule'], env);
    await until(() => weekRow(site.dbPath, '2026-W49')?.status === 'sent');
    await until(() => readHealth(site.healthFile).lastRun?.outcome === 'sent');
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect([ra.code, rb.code]).toEqual([0, 0]);
    expectOneCopyEach(standIn, emails);
    const logs = [ra.stdout + ra.stderr, rb.stdout + rb.stderr];
    // One runner ran the slot; the other stood by (or, if it got the lease after, found it sent).
    expect(logs.filter((l) => /outcome=sent /.test(l))).toHaveLength(1);
    expect(logs.join('')).toMatch(/runner\.standby|was already sent/);
  });

  it('two `verdicts run` at once: exactly one copy per subscriber, both exit 0', async () => {
    const { standIn, site, emails } = await setup(250);
    const a = spawn(['run', '--week', '2026-W48'], site.env);
    const b = spawn(['run', '--week', '2026-W48'], site.env);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect([ra.code, rb.code], ra.stderr + rb.stderr).toEqual([0, 0]);
    expectOneCopyEach(standIn, emails);
    const outcomes = [ra.stdout + ra.stderr, rb.stdout + rb.stderr].map(
      (l) => /outcome=([a-z-]+)/.exec(l)?.[1],
    );
    expect(outcomes).toContain('sent');
    expect(weekRow(site.dbPath, '2026-W48')?.status).toBe('sent');
  });

  it('SIGTERM during a send exits 3 (incomplete), then a restart resumes it: exactly one copy each', async () => {
    // Slow on purpose: 2 requests/s, one in flight, so SIGTERM lands between batches.
    const { standIn, site, emails } = await setup(800, {
      RESEND_RATE_LIMIT: '2',
      SEND_MAX_IN_FLIGHT: '1',
    });
    const env = { ...site.env, VERDICTS_FAKE_NOW: JUST_AFTER_SLOT };
    const first = spawn(['schedule'], env);
    await until(() => standIn.deliveries().length >= 100);
    first.child.kill('SIGTERM');
    const stopped = await first.done;
    expect(stopped.code, stopped.stderr).toBe(3);
    expect(stopped.stdout).toMatch(/outcome=interrupted/);
    expect(stopped.stdout).toContain('runner.stopped');
    const partial = standIn.deliveries().length;
    expect(partial).toBeGreaterThanOrEqual(100);
    expect(partial).toBeLessThan(800);
    expect(weekRow(site.dbPath, '2026-W49')?.status).toBe('sending');

    // A restart a minute later catches up the interrupted week and finishes it.
    const restart = spawn(['schedule'], { ...env, VERDICTS_FAKE_NOW: '2026-11-30T09:01:05Z' });
    await until(() => weekRow(site.dbPath, '2026-W49')?.status === 'sent');
    await until(() => readHealth(site.healthFile).lastRun?.outcome === 'sent');
    restart.child.kill('SIGTERM');
    const done = await restart.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('resuming the interrupted send of 2026-W49');
    expectOneCopyEach(standIn, emails);
  });

  it('an invalid SEND_SCHEDULE: a clear error naming the setting at start, exit 1', async () => {
    const site = makeSite({ SEND_SCHEDULE: '0 25 * * 1' });
    const res = await spawn(['schedule'], site.env).done;
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      '[verdicts] [schedule] SEND_SCHEDULE "0 25 * * 1" is not a valid schedule',
    );
    expect(res.stderr).toContain('hour');
  });

  it('an invalid NEWSLETTER_TIMEZONE: a clear error naming the setting at start, exit 1', async () => {
    const site = makeSite({ NEWSLETTER_TIMEZONE: 'Mars/Olympus_Mons' });
    const res = await spawn(['schedule'], site.env).done;
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('NEWSLETTER_TIMEZONE');
    expect(res.stderr).toContain('IANA time zone');
  });
});
