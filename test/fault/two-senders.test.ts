// Fault (c): two senders started at the same instant. One takes the week's lease and sends;
// the other exits 4 ("busy": retry later) naming the holder. Every reader exactly once.
import { describe, expect, it } from 'vitest';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import { useChildren } from './child.ts';
import { expectExactlyOnce } from './expect-once.ts';
import { STORES, useStoreWorkspaces } from './stores.ts';

const start = useStandIn();
const spawnSend = useChildren();
const workspace = useStoreWorkspaces();
const READERS = 3000;

describe.each(STORES)('fault: two senders at once (%s)', (kind) => {
  it('one sends, the other exits 4 (busy) saying who holds the lease', async () => {
    const { standIn } = await start({
      rateLimit: 20,
      rateLimitPrecision: 'ms',
      recordBodies: false,
    });
    const ws = await workspace(kind, { subscribers: READERS });
    const env = ws.env({
      RESEND_API_KEY: KEY,
      RESEND_BASE_URL: standIn.url,
      RESEND_RATE_LIMIT: '20',
    });
    const a = spawnSend(ws.args(), env);
    const b = spawnSend(ws.args(), env);
    const results = await Promise.all([a.done, b.done]);
    const winner = results.find((r) => r.code === 0);
    const loser = results.find((r) => r.code !== 0);
    expect(winner, results.map((r) => r.stderr).join('\n')).toBeDefined();
    expect(loser?.code).toBe(4);
    expect(loser?.stderr).toMatch(
      new RegExp(
        `2026-W48 is already being sent by \\S+:${winner!.pid}:[0-9a-f]{8} \\(pid ${winner!.pid} on `,
      ),
    );
    expect(loser?.stdout).toBe('');
    expectExactlyOnce(standIn, READERS);
    expect((await ws.summary()).sent).toBe(READERS);
    expect(await ws.leaseHeld()).toBe(false);
  }, 60_000);
});
