// Fault (a) with topics (issue #26): kill -9 the sender of the sample week (2026-W49, four
// invented pairs in four categories) at random moments, resume, and let it finish. Every
// reader still gets exactly one copy, and it is the variant of their topics, rebuilt from the
// frozen rows and the archived variant bytes; paused and no-pair readers get none. Both stores.
import { describe, expect, it } from 'vitest';
import { readArchivedEmail } from '../../src/archive/index.ts';
import { variantChoice } from '../../src/content/index.ts';
import { reader } from '../send/send-fixture.ts';
import { seededRandom } from '../support/resend-stand-in/faults.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import { useChildren } from './child.ts';
import { expectExactlyOnce, requestsReached } from './expect-once.ts';
import { STORES, useStoreWorkspaces } from './stores.ts';

const start = useStandIn();
const spawnSend = useChildren();
const workspace = useStoreWorkspaces();
const READERS = 1000;
const RATE = 4;
const WEEK = '2026-W49';

const CHOICES: (string[] | null)[] = [
  null,
  ['writing-assistants'],
  ['image-generation'],
  ['speech-audio', 'developer-tools'],
  ['cooking'],
];
const topicsOf = (i: number) => CHOICES[i % CHOICES.length]!;
const pausedReader = (i: number) => i % 41 === 0;

describe.each(STORES)('fault: kill -9 and resume with variants (%s)', (kind) => {
  it('every reader gets exactly one copy of their own variant; paused and no-pair readers none', async () => {
    const { standIn } = await start({ rateLimit: RATE, rateLimitPrecision: 'ms' });
    const ws = await workspace(kind, { subscribers: READERS });
    const store = await ws.store();
    for (let i = 1; i <= READERS; i++) {
      const s = await store.subscribers.getByEmail(reader(i));
      await store.subscribers.setTopics(s!.id, topicsOf(i), new Date());
      if (pausedReader(i)) await store.subscribers.pause(s!.id, 4, new Date());
    }
    const args = ws.args();
    args[args.indexOf('--week') + 1] = WEEK;
    const env = ws.env({
      RESEND_API_KEY: KEY,
      RESEND_BASE_URL: standIn.url,
      RESEND_RATE_LIMIT: String(RATE),
    });
    const random = seededRandom(Number(process.env.FAULT_SEED ?? 26));
    for (let i = 0; i < 4; i++) {
      const run = spawnSend(args, env);
      const exited = run.done.then(() => 'exited' as const);
      if (i === 0) {
        // At start-up: while the archive and its variants are built, or at the freeze.
        await Promise.race([exited, new Promise((r) => setTimeout(r, 500 + random() * 2500))]);
      } else {
        const target = standIn.stats().requests + 1 + Math.floor(random() * 2);
        await Promise.race([exited, requestsReached(standIn, target, 60_000)]);
        await new Promise((r) => setTimeout(r, random() * (1000 / RATE)));
      }
      run.child.kill('SIGKILL');
      const res = await run.done;
      expect(res.code === 0 || res.signal === 'SIGKILL', res.stderr).toBe(true);
    }
    const final = await spawnSend(args, env).done;
    expect(final.stderr).toBe('');
    expect(final.code, final.stdout).toBe(0);

    const archived = await readArchivedEmail(ws.issuesDir, WEEK);
    const skipped: number[] = [];
    const want = new Map<string, string | null>();
    for (let i = 1; i <= READERS; i++) {
      const c = variantChoice(archived.issue, topicsOf(i));
      if (pausedReader(i) || c.kind === 'none') skipped.push(i);
      else want.set(reader(i), c.kind === 'variant' ? c.id : null);
    }
    expectExactlyOnce(standIn, READERS, { except: skipped });
    const wrong: string[] = [];
    for (const d of standIn.deliveries()) {
      const tags = (d as { tags?: { name: string; value: string }[] }).tags ?? [];
      const variant = tags.find((t) => t.name === 'variant')?.value ?? null;
      const to = ([] as string[]).concat(d.to)[0]!;
      const expected = want.get(to);
      const subject = expected
        ? archived.variants.get(expected)!.meta.subject
        : archived.meta.subject;
      if (variant !== expected || d.subject !== subject) wrong.push(`${to}: ${variant}`);
    }
    expect(wrong.slice(0, 10), `${wrong.length} readers got another variant`).toEqual([]);
    const summary = await store.ledger.summary(WEEK);
    expect(summary).toMatchObject({ sent: want.size, skipped: skipped.length });
    expect(await ws.leaseHeld()).toBe(false);
  }, 180_000);
});
