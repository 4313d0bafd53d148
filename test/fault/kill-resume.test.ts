// Fault (a): kill -9 the sender at random moments, ten times over (six on PostgreSQL), resuming
// each time; then let it finish. Every one of the 5,000 readers must have exactly one copy, on
// both stores.
import { describe, expect, it } from 'vitest';
import { WEEK } from '../send/send-fixture.ts';
import { seededRandom } from '../support/resend-stand-in/faults.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import { useChildren } from './child.ts';
import { expectExactlyOnce, requestsReached } from './expect-once.ts';
import { STORES, useStoreWorkspaces } from './stores.ts';

const start = useStandIn();
const spawnSend = useChildren();
const workspace = useStoreWorkspaces();
const READERS = 5000;
const RATE = 10;

describe.each(STORES)('fault: kill -9 and resume (%s)', (kind) => {
  it('kills at random moments (ten; six on PostgreSQL), then a clean finish: every reader exactly once', async () => {
    const { standIn } = await start({
      rateLimit: RATE,
      rateLimitPrecision: 'ms',
      recordBodies: false,
    });
    const ws = await workspace(kind, { subscribers: READERS });
    const env = ws.env({
      RESEND_API_KEY: KEY,
      RESEND_BASE_URL: standIn.url,
      RESEND_RATE_LIMIT: String(RATE),
    });
    const random = seededRandom(Number(process.env.FAULT_SEED ?? 48));
    const kills: string[] = [];
    // PostgreSQL's run takes fewer kills (CI runs the suite twice): each still lands anywhere.
    const KILLS = kind === 'postgres' ? 6 : 10;
    for (let i = 0; i < KILLS; i++) {
      const run = spawnSend(ws.args(), env);
      // Some kills land at start-up (lease, freeze), most mid-send at any point of a request.
      // A faster start-up or machine can finish the remaining batches before the chosen
      // moment; then there is nothing left to kill and the loop goes on to the final run.
      const exited = run.done.then(() => 'exited' as const);
      if (i % 4 === 0) {
        await Promise.race([exited, new Promise((r) => setTimeout(r, 300 + random() * 900))]);
      } else {
        const target = standIn.stats().requests + 1 + Math.floor(random() * 3);
        await Promise.race([exited, requestsReached(standIn, target)]);
        await new Promise((r) => setTimeout(r, random() * (1000 / RATE) * 1.5));
      }
      run.child.kill('SIGKILL');
      const res = await run.done;
      kills.push(`${res.signal ?? res.code}@${standIn.stats().requests}`);
      expect(res.code === 0 || res.signal === 'SIGKILL', res.stderr).toBe(true);
    }
    const final = await spawnSend(ws.args(), env).done;
    expect(final.stderr).toBe('');
    expect(final.code, final.stdout).toBe(0);
    expect(final.stdout).toMatch(
      new RegExp(`${WEEK}: sent ${READERS}, skipped 0, failed 0, uncertain 0`),
    );
    expectExactlyOnce(standIn, READERS);
    const summary = await ws.summary();
    expect(summary.sent).toBe(READERS);
    expect(summary.batches.submitted).toBe(READERS / 100);
    expect(await ws.leaseHeld()).toBe(false);
    // Most kills must have landed mid-send for this test to mean anything.
    expect(
      kills.filter((k) => k.startsWith('SIGKILL')).length,
      kills.join(' '),
    ).toBeGreaterThanOrEqual(KILLS - 2);
  }, 120_000);
});
