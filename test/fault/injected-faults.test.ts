// Fault (b): 20% of requests get an injected fault of every kind the stand-in knows (5xx,
// hang, drop, slow, lost response, quota, validation). The sender is re-run until it reports
// the issue sent; every reader must still have exactly one copy.
import { describe, expect, it } from 'vitest';
import { WEEK } from '../send/send-fixture.ts';
import { FAULT_KINDS, type FaultFn, toFaultFn } from '../support/resend-stand-in/faults.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import { useChildren } from './child.ts';
import { expectExactlyOnce } from './expect-once.ts';
import { STORES, useStoreWorkspaces } from './stores.ts';

const start = useStandIn();
const spawnSend = useChildren();
const workspace = useStoreWorkspaces();
const READERS = 5000;

// Each kind once among the first requests (so every kind is surely exercised), then 20% at random.
const random = toFaultFn({ rate: 0.2, kinds: FAULT_KINDS, seed: 7, slowMs: 300 });
const everyKindThenRandom: FaultFn = (ctx) => {
  const k = FAULT_KINDS[(ctx.requestNo - 3) / 3];
  if (ctx.requestNo % 3 === 0 && k) return k === 'slow' ? { kind: k, ms: 300 } : k;
  return random(ctx);
};

describe.each(STORES)('fault: injected provider faults (%s)', (kind) => {
  it('20% faults of every kind, resumed until done: every reader exactly once', async () => {
    const { standIn } = await start({
      rateLimit: 50,
      rateLimitPrecision: 'ms',
      recordBodies: false,
      faults: everyKindThenRandom,
    });
    const ws = await workspace(kind, { subscribers: READERS });
    const env = ws.env({
      RESEND_API_KEY: KEY,
      RESEND_BASE_URL: standIn.url,
      RESEND_RATE_LIMIT: '50',
      // Shorter than a `slow` fault: its retry meets the key still in use (409 concurrent).
      SEND_REQUEST_TIMEOUT_SECONDS: '0.25',
    });
    const runs: string[] = [];
    let last = { code: -1 as number | null, stdout: '', stderr: '' };
    for (let i = 0; i < 40 && last.code !== 0; i++) {
      last = await spawnSend(ws.args(), env).done;
      runs.push(`${last.code}: ${last.stderr.split('\n')[0]}`);
      // Every stop names its reason; an unexpected error (exit 2) is a bug, never a fault.
      // 3 is "incomplete, resumable" in the exit-code table.
      expect(last.code === 0 || last.code === 3, last.stderr).toBe(true);
      if (last.code === 3) expect(last.stderr).toMatch(/quota|FAILED|stopped/);
    }
    expect(last.code, runs.join('\n')).toBe(0);
    expect(last.stdout).toMatch(
      new RegExp(`${WEEK}: sent ${READERS}, skipped 0, failed 0, uncertain 0`),
    );
    expectExactlyOnce(standIn, READERS);
    const seen = new Set(standIn.requests.map((r) => r.fault).filter(Boolean));
    expect([...seen].sort()).toEqual([...FAULT_KINDS].sort());
    // A resumed run retries a refused batch: the ledger keeps no failed batch behind.
    const { batches } = await ws.summary();
    expect(batches).toEqual({
      pending: 0,
      submitting: 0,
      submitted: READERS / 100,
      failed: 0,
      uncertain: 0,
    });
  }, 300_000);
});
