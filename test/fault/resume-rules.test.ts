// Faults (d), (e) and a graceful stop: what a resumed run may and may not send. Runs are
// stopped deterministically with an injected quota error (the batch stays `submitting`).
import { describe, expect, it } from 'vitest';
import { createSubscribers } from '../../src/store/subscribers.ts';
import { reader, sendWorkspace, WEEK } from '../send/send-fixture.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import { useChildren } from './child.ts';
import { expectExactlyOnce, requestsReached } from './expect-once.ts';

const start = useStandIn();
const spawnSend = useChildren();
const quotaOn = (n: number) => (ctx: { requestNo: number }) =>
  ctx.requestNo === n ? ('quota' as const) : null;

async function setup(readers: number, faults: ReturnType<typeof quotaOn> | null, rate = 50) {
  const { standIn } = await start({ rateLimit: rate, rateLimitPrecision: 'ms', faults });
  const ws = await sendWorkspace({ subscribers: readers });
  const env = ws.env({
    RESEND_API_KEY: KEY,
    RESEND_BASE_URL: standIn.url,
    RESEND_RATE_LIMIT: String(rate),
    // One request at a time: which batches a stop leaves behind is then exact.
    SEND_MAX_IN_FLIGHT: '1',
  });
  return { standIn, ws, env };
}

const batchStates = (ws: Awaited<ReturnType<typeof setup>>['ws']) =>
  (
    ws.db().prepare('SELECT status FROM send_batches ORDER BY batch_no').all() as {
      status: string;
    }[]
  ).map((r) => r.status);

describe('fault: resume rules', () => {
  it('(d) an address unsubscribed, bounced or complained between runs is not sent to', async () => {
    const { standIn, ws, env } = await setup(1000, quotaOn(4));
    const first = await spawnSend(ws.args(), env).done;
    expect(first.code).toBe(3);
    expect(first.stderr).toMatch(/stopped: provider quota reached .*daily_quota_exceeded/);
    expect(first.stderr).toMatch(/re-run the same command to resume/);
    expect(batchStates(ws).slice(0, 5)).toEqual([
      'submitted',
      'submitted',
      'submitted',
      'submitting',
      'pending',
    ]);

    const subs = createSubscribers(ws.db());
    const now = new Date();
    subs.setStatus(subs.getByEmail(reader(950))!.id, 'unsubscribed', now); // batch 9: not attempted
    subs.setStatus(subs.getByEmail(reader(951))!.id, 'bounced', now);
    subs.setStatus(subs.getByEmail(reader(952))!.id, 'complained', now);
    // Batch 3 was attempted: its retry must be byte-identical, so this reader still gets it.
    subs.setStatus(subs.getByEmail(reader(350))!.id, 'unsubscribed', now);
    standIn.setFaults(null);

    const second = await spawnSend(ws.args(), env).done;
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(`${WEEK}: sent 997, skipped 3, failed 0, uncertain 0 of 1000`);
    expectExactlyOnce(standIn, 1000, { except: [950, 951, 952] });
    const skipped = ws
      .db()
      .prepare("SELECT email FROM send_recipients WHERE status = 'skipped' ORDER BY subscriber_id")
      .all();
    expect(skipped).toEqual([950, 951, 952].map((i) => ({ email: reader(i) })));
    ws.close();
  }, 60_000);

  it('(e) a submitting batch older than the window is uncertain: held back, exit 3, sent only with --resend-uncertain', async () => {
    const { standIn, ws, env } = await setup(500, quotaOn(3));
    expect((await spawnSend(ws.args(), env).done).code).toBe(3);
    expect(batchStates(ws)).toEqual(['submitted', 'submitted', 'submitting', 'pending', 'pending']);
    // The crash was 30 hours ago: past IDEMPOTENCY_WINDOW_HOURS (23).
    const longAgo = new Date(Date.now() - 30 * 3_600_000).toISOString();
    ws.db().prepare('UPDATE send_batches SET first_attempt_at = ? WHERE batch_no = 2').run(longAgo);
    standIn.setFaults(null);

    const held = await spawnSend(ws.args(), env).done;
    expect(held.code).toBe(3);
    expect(held.stderr).toMatch(/batch 2 is uncertain .*--resend-uncertain/);
    expect(held.stdout).toMatch(`${WEEK}: sent 400, skipped 0, failed 0, uncertain 100 of 500`);
    expect(batchStates(ws)).toEqual([
      'submitted',
      'submitted',
      'uncertain',
      'submitted',
      'submitted',
    ]);
    expectExactlyOnce(standIn, 500, { except: range(201, 300) });

    // Re-running without the flag still sends nothing to them.
    const again = await spawnSend(ws.args(), env).done;
    expect(again.code).toBe(3);
    expect(standIn.stats().accepted).toBe(400);

    const forced = await spawnSend(ws.args('--resend-uncertain'), env).done;
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/re-sending uncertain batch 2 as asked/);
    expect(forced.stdout).toMatch(`${WEEK}: sent 500, skipped 0, failed 0, uncertain 0 of 500`);
    expectExactlyOnce(standIn, 500);
    ws.close();
  }, 60_000);

  it('SIGTERM stops taking batches, finishes the one in flight, releases the lease, exits 3; a re-run completes', async () => {
    const { standIn, ws, env } = await setup(3000, null, 20);
    const run = spawnSend(ws.args(), env);
    await requestsReached(standIn, 5);
    run.child.kill('SIGTERM');
    const stopped = await run.done;
    expect(stopped.code).toBe(3);
    expect(stopped.stderr).toMatch(/stopped: received SIGTERM/);
    const states = batchStates(ws);
    expect(states.filter((s) => s === 'submitting')).toEqual([]);
    expect(states.filter((s) => s === 'submitted').length).toBeGreaterThanOrEqual(5);
    expect(ws.db().prepare('SELECT COUNT(*) AS n FROM leases').get()).toEqual({ n: 0 });
    const rest = await spawnSend(ws.args(), env).done;
    expect(rest.code, rest.stderr).toBe(0);
    expectExactlyOnce(standIn, 3000);
    ws.close();
  }, 60_000);
});

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('fault: lease lost mid-send', () => {
  it('a sender whose lease was taken over stops taking batches, and a re-run finishes exactly once', async () => {
    const { standIn, ws, env } = await setup(3000, null, 20);
    const run = spawnSend(ws.args(), { ...env, LEASE_SECONDS: '1' });
    await requestsReached(standIn, 3);
    // Another runner took the lease (as after an expiry): the next renewal fails.
    ws.db().prepare("UPDATE leases SET owner = 'thief:1:00000000'").run();
    const stopped = await run.done;
    expect(stopped.code).toBe(3);
    expect(stopped.stderr).toMatch(/stopped: lost the lease to thief:1:00000000; stopping/);
    expect(stopped.stderr).not.toMatch(/unexpected error/);
    expect(ws.db().prepare('SELECT owner FROM leases').all()).toEqual([
      { owner: 'thief:1:00000000' },
    ]);
    ws.db().prepare('DELETE FROM leases').run();
    const rest = await spawnSend(ws.args(), env).done;
    expect(rest.code, rest.stderr).toBe(0);
    expectExactlyOnce(standIn, 3000);
    ws.close();
  }, 60_000);
});
