// The pacer on a manual clock: what it learns from the provider's rate-limit headers and what
// it does with them. Wall-clock throughput is a bench row (test/bench/pacing.bench.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPacer, PACE_MARGIN_MS } from '../../src/send/pace.ts';

/** Fake timers and Date: a take() resolves exactly when its slot comes, however loaded the machine. */
function fakeTime() {
  vi.useFakeTimers({ now: 0 });
  /** Advance the fake clock until `p` settles. */
  const settle = async <T>(p: Promise<T>): Promise<T> => {
    let done = false;
    void p.then(
      () => (done = true),
      () => (done = true),
    );
    await vi.advanceTimersByTimeAsync(0);
    while (!done) await vi.advanceTimersByTimeAsync(1);
    return p;
  };
  /** The time a ticket comes (and is written at, with no lead). */
  const takeAt = async (pacer: ReturnType<typeof createPacer>) => (await settle(pacer.take())).at;
  return { clock: { now: () => Date.now() }, takeAt, settle };
}
afterEach(() => {
  vi.useRealTimers();
});

describe('pacer', () => {
  it('starts from the setting: limit and a one-second window, spacing (window + margin) / limit', () => {
    const pacer = createPacer({ perSecond: 5 });
    expect(pacer.limit).toBe(5);
    expect(pacer.windowMs).toBe(1000);
    expect(pacer.intervalMs).toBeCloseTo((1000 + PACE_MARGIN_MS) / 5);
  });

  it('learns the limit and the window from the headers of an answer', () => {
    const pacer = createPacer({ perSecond: 2 });
    // The team's limit was raised to 10; the only request in its window reports the whole window.
    pacer.observe({ at: 0 }, { limit: 10, remaining: 9, resetMs: 1000 });
    expect(pacer.limit).toBe(10);
    expect(pacer.windowMs).toBe(1000);
    expect(pacer.intervalMs).toBeCloseTo((1000 + PACE_MARGIN_MS) / 10);
    pacer.observe({ at: 0 }, { limit: 10, remaining: 9, resetMs: 2000 });
    expect(pacer.windowMs).toBe(2000);
  });

  it('a full window reported finely holds the next start until the oldest request leaves it', async () => {
    const m = fakeTime();
    const pacer = createPacer({ perSecond: 10, marginMs: 10, leadMs: 0 }, m.clock);
    const first = await m.takeAt(pacer);
    // Arrivals bunched up: the provider says its oldest counted request leaves in 180 ms,
    // later than the 101 ms the spacing alone would wait.
    pacer.observe({ at: first }, { limit: 10, remaining: 0, resetMs: 180 });
    const second = await m.takeAt(pacer);
    expect(second - first).toBeGreaterThanOrEqual(180 + 5);
    // Whole seconds say nothing finer than the spacing: no hold. And the hold delayed that one
    // start, not the schedule: the next is back on it (first + two intervals).
    pacer.observe({ at: second }, { limit: 10, remaining: 0, resetMs: 1000 });
    const third = await m.takeAt(pacer);
    expect(third).toBe(first + 2 * pacer.intervalMs);
  });

  it('a late start keeps the schedule: the next catch up, but never faster than the window allows', async () => {
    const m = fakeTime();
    const pacer = createPacer({ perSecond: 2, marginMs: 10, leadMs: 0 }, m.clock);
    expect(await m.takeAt(pacer)).toBe(0);
    // The sender was busy: its second start comes at 700 instead of 505.
    await vi.advanceTimersByTimeAsync(700);
    expect(await m.takeAt(pacer)).toBe(700);
    // Back on the schedule (1010), not 700 + 505.
    expect(await m.takeAt(pacer)).toBe(1010);
    // But no two starts closer than window + margin: 700 + 1010, not the scheduled 1515.
    expect(await m.takeAt(pacer)).toBe(1710);
  });

  it('a ticket comes leadMs before its slot, and until() resolves at the slot', async () => {
    const m = fakeTime();
    const pacer = createPacer({ perSecond: 2, marginMs: 10, leadMs: 40 }, m.clock);
    await m.takeAt(pacer);
    const second = await m.settle(pacer.take());
    expect(second.at).toBe(505);
    expect(Date.now()).toBe(465);
    await m.settle(pacer.until(second));
    expect(Date.now()).toBe(505);
  });

  it('spaces later starts from when the bytes went out, not from the slot', async () => {
    const m = fakeTime();
    const pacer = createPacer({ perSecond: 2, marginMs: 10, leadMs: 0 }, m.clock);
    const first = await m.settle(pacer.take());
    // The first request waited 30 ms for its connection: it arrived then.
    pacer.wrote(first, 30);
    expect(await m.takeAt(pacer)).toBe(505);
    // Two starts per window + margin: 30 + 1010, not the scheduled 1010.
    expect(await m.takeAt(pacer)).toBe(1040);
  });

  it('a 429 did not count: its retry takes the freed moment ahead of the queue, and the margin widens', async () => {
    const m = fakeTime();
    const pacer = createPacer({ perSecond: 2, marginMs: 10, leadMs: 0 }, m.clock);
    const before = pacer.marginMs;
    await m.takeAt(pacer); // 0
    await m.takeAt(pacer); // 505
    const third = await m.settle(pacer.take()); // 1010
    expect(third.at).toBe(1010);
    // Refused: it arrived 3 ms before the first left the window.
    pacer.limited(third, 3, { limit: 2, remaining: 0, resetMs: 3 });
    expect(pacer.marginMs).toBeGreaterThan(before);
    const queued = pacer.take(); // the next batch, on the schedule at 1515
    const retry = await m.settle(pacer.retake());
    // The refused request did not count: the retry goes as soon as the first has left (0 +
    // window + margin), long before the queued slot.
    expect(retry.at).toBeGreaterThanOrEqual(1013);
    expect(retry.at).toBeLessThan(1100);
    const next = await m.settle(queued);
    // And the queued one keeps two-per-window from the retry's predecessor (505 + 1000 + margin).
    expect(next.at).toBeGreaterThanOrEqual(505 + 1000 + pacer.marginMs);
    await m.settle(pacer.until(next));
    expect(Date.now()).toBeGreaterThanOrEqual(505 + 1000 + pacer.marginMs);
  });

  it('widens the margin when an answer says the provider saw two requests closer than they were sent', async () => {
    const m = fakeTime();
    const pacer = createPacer({ perSecond: 2, marginMs: 10, leadMs: 0 }, m.clock);
    const first = await m.settle(pacer.take()); // 0
    const second = await m.settle(pacer.take()); // 505
    pacer.wrote(first, 0);
    // Before its bytes went out, an answer's arithmetic is not about this request.
    pacer.observe(second, { limit: 2, remaining: 0, resetMs: 520 });
    expect(pacer.marginMs).toBe(10);
    pacer.wrote(second, 505);
    // Sent 505 ms apart, seen 480 apart (reset 520 of a 1000 ms window): a 25 ms squeeze.
    pacer.observe(second, { limit: 2, remaining: 0, resetMs: 520 });
    expect(pacer.marginMs).toBeGreaterThanOrEqual(25);
    // Far beyond any margin: a miscount, not jitter; nothing learned.
    const third = await m.settle(pacer.take());
    pacer.wrote(third, third.at);
    pacer.observe(third, { limit: 2, remaining: 0, resetMs: 999 }); // "seen 1 ms apart"
    expect(pacer.marginMs).toBeLessThan(40);
    // Seen as far apart as sent: nothing to learn, the margin stays.
    const before = pacer.marginMs;
    pacer.observe(first, { limit: 2, remaining: 1, resetMs: 1000 });
    expect(pacer.marginMs).toBe(before);
  });

  it('an unused ticket counts for nothing', async () => {
    const m = fakeTime();
    const pacer = createPacer({ perSecond: 1, marginMs: 10, leadMs: 0 }, m.clock);
    const first = await m.settle(pacer.take());
    pacer.unused(first);
    // The schedule moves on (1010), but the window holds nobody: a retake may go at once.
    expect((await m.settle(pacer.retake())).at).toBe(0);
  });

  it('a wait is cut short by its abort signal', async () => {
    const pacer = createPacer({ perSecond: 0.1 });
    await pacer.take();
    const stop = new AbortController();
    const waiting = pacer.take(stop.signal);
    stop.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });

  it('with a shared budget, a write woken well past its slot takes a fresh one, spaced from the last anyone took', async () => {
    const m = fakeTime();
    const taken: number[] = [];
    let next = 0;
    const shared = {
      // A budget row: the next slot at or after `earliest`, moving on by the interval.
      reserve: async (earliest: number, intervalMs: number) => {
        const at = Math.max(next, earliest);
        next = at + intervalMs;
        taken.push(at);
        return at;
      },
      hold: () => undefined,
      learned: () => undefined,
    };
    const pacer = createPacer({ perSecond: 5, leadMs: 0, shared }, m.clock);
    const ticket = await m.settle(pacer.take());
    expect(ticket.at).toBe(0);
    // Another process took the next slot meanwhile; this one stalled 300 ms before writing.
    await shared.reserve(0, pacer.intervalMs);
    await vi.advanceTimersByTimeAsync(300);
    await m.settle(pacer.until(ticket));
    // Not written at 300, on top of the other's slot: at a fresh slot after it.
    expect(ticket.at).toBe(taken.at(-1));
    expect(ticket.at).toBeGreaterThanOrEqual(2 * pacer.intervalMs);
    expect(Date.now()).toBeGreaterThanOrEqual(ticket.at);
    // On time: written at its slot, nothing taken again.
    const count = taken.length;
    const onTime = await m.settle(pacer.take());
    await m.settle(pacer.until(onTime));
    expect(taken.length).toBe(count + 1);
  });
});
