// The pacer on a manual clock: what it learns from the provider's rate-limit headers and what
// it does with them. Wall-clock throughput is a bench row (test/bench/pacing.bench.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPacer, PACE_MARGIN_MS } from '../../src/send/pace.ts';

/** Fake timers and Date: a take() resolves exactly when its slot comes, however loaded the machine. */
function fakeTime() {
  vi.useFakeTimers({ now: 0 });
  const takeAt = async (pacer: ReturnType<typeof createPacer>) => {
    const p = pacer.take();
    let done = false;
    void p.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    while (!done) await vi.advanceTimersByTimeAsync(1);
    return p;
  };
  return { clock: { now: () => Date.now() }, takeAt };
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
    pacer.observe(0, { limit: 10, remaining: 9, resetMs: 1000 });
    expect(pacer.limit).toBe(10);
    expect(pacer.windowMs).toBe(1000);
    expect(pacer.intervalMs).toBeCloseTo((1000 + PACE_MARGIN_MS) / 10);
    pacer.observe(0, { limit: 10, remaining: 9, resetMs: 2000 });
    expect(pacer.windowMs).toBe(2000);
  });

  it('a full window reported finely holds the next start until the oldest request leaves it', async () => {
    const m = fakeTime();
    const pacer = createPacer({ perSecond: 10, marginMs: 10 }, m.clock);
    const first = await m.takeAt(pacer);
    // Arrivals bunched up: the provider says its oldest counted request leaves in 180 ms,
    // later than the 101 ms the spacing alone would wait.
    pacer.observe(first, { limit: 10, remaining: 0, resetMs: 180 });
    const second = await m.takeAt(pacer);
    expect(second - first).toBeGreaterThanOrEqual(180 + 5);
    // Whole seconds say nothing finer than the spacing: no hold. And the hold delayed that one
    // start, not the schedule: the next is back on it (first + two intervals).
    pacer.observe(second, { limit: 10, remaining: 0, resetMs: 1000 });
    const third = await m.takeAt(pacer);
    expect(third).toBe(first + 2 * pacer.intervalMs);
  });

  it('a late start keeps the schedule: the next catch up, but never faster than the window allows', async () => {
    const m = fakeTime();
    const pacer = createPacer({ perSecond: 2, marginMs: 10 }, m.clock);
    expect(await m.takeAt(pacer)).toBe(0);
    // The sender was busy: its second start comes at 700 instead of 505.
    await vi.advanceTimersByTimeAsync(700);
    expect(await m.takeAt(pacer)).toBe(700);
    // Back on the schedule (1010), not 700 + 505.
    expect(await m.takeAt(pacer)).toBe(1010);
    // But no two starts closer than window + margin: 700 + 1010, not the scheduled 1515.
    expect(await m.takeAt(pacer)).toBe(1710);
  });

  it('a 429 waits retry-after and widens the margin', async () => {
    const m = fakeTime();
    const pacer = createPacer({ perSecond: 10 }, m.clock);
    const before = pacer.marginMs;
    const first = await m.takeAt(pacer);
    pacer.limited(300, { limit: 10, remaining: 0, resetMs: 300 });
    expect(pacer.marginMs).toBeGreaterThan(before);
    const retry = await m.takeAt(pacer);
    expect(retry - first).toBeGreaterThanOrEqual(300);
  });

  it('a wait is cut short by its abort signal', async () => {
    const pacer = createPacer({ perSecond: 0.1 });
    await pacer.take();
    const stop = new AbortController();
    const waiting = pacer.take(stop.signal);
    stop.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });
});
