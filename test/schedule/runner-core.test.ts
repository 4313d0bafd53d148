// The runner's own rules with a stub job: overlap, stop during a run, and node-cron's real
// timer across a daylight-saving change (vitest's fake timers, no waiting).
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyReport, type RunReport } from '../../src/pipeline/run-report.ts';
import { createRunner, type Runner } from '../../src/schedule/runner.ts';
import type { ScheduleLease } from '../../src/schedule/schedule-lease.ts';
import { tempDir } from '../support/paths.ts';
import { captureLog, cron, manualClock, readHealth, useRunners } from './runner-fixture.ts';

const runners = useRunners();

const freeLease = (): ScheduleLease & { released: number } => ({
  owner: 'test',
  released: 0,
  tryAcquire: async () => ({ ok: true }),
  keepAlive() {},
  async release() {
    this.released++;
  },
});

type Call = { slot: string; signal: AbortSignal; finish: () => void };

/** A runner whose job records its slot and waits until the test finishes it. */
function stubRunner(
  expr: string,
  zone: string,
  clock: () => Date,
  opts: {
    block?: boolean;
    /** Each run's outcome in turn (then 'sent'); the week is 'sending' after an incomplete one, 'sent' after that. */
    outcomes?: RunReport['outcome'][];
    resumeDelaysMs?: number[];
  } = {},
) {
  const outcomes = [...(opts.outcomes ?? [])];
  let weekState: 'unsent' | 'sending' | 'sent' = 'unsent';
  const calls: Call[] = [];
  const out = captureLog();
  const lease = freeLease();
  const healthFile = path.join(tempDir('verdicts-health-'), 'health.json');
  const runner: Runner = createRunner({
    schedule: cron(expr, zone),
    clock,
    log: out.log,
    lease,
    graceHours: 24,
    healthFile,
    ...(opts.resumeDelaysMs ? { resumeDelaysMs: opts.resumeDelaysMs } : {}),
    weekState: async () => weekState,
    runSlot: (slot, signal) =>
      new Promise<RunReport>((resolve) => {
        const finish = () => {
          const outcome = outcomes.shift() ?? 'sent';
          // A scripted week moves through the ledger's states; otherwise each slot is new.
          if (opts.outcomes) weekState = outcome === 'incomplete' ? 'sending' : 'sent';
          resolve({ ...emptyReport('2026-W49', outcome, outcome), sent: 1 });
        };
        calls.push({ slot: slot.toISOString(), signal, finish });
        if (!opts.block) finish();
        signal.addEventListener('abort', () =>
          resolve(emptyReport('2026-W49', 'interrupted', 'stopped at a checkpoint')),
        );
      }),
  });
  return { runner: runners.track(runner), calls, out, lease, healthFile };
}

describe('runner rules', () => {
  it('a slot firing while a run is in progress is skipped with a log line, then caught up', async () => {
    // Started before Monday's slots; last week's are too old to catch up.
    const clock = manualClock('2026-11-30T08:59:59Z');
    const { runner, calls, out } = stubRunner('0 9,10 * * 1', 'UTC', clock, { block: true });
    await runner.start();
    expect(out.text()).toContain('catch_up.skipped slot=2026-11-23T10:00:00.000Z');
    expect(calls).toHaveLength(0);

    clock.set('2026-11-30T09:00:00Z');
    const first = runner.fire(new Date('2026-11-30T09:00:00Z'));
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    clock.set('2026-11-30T10:00:00Z');
    expect(await runner.fire(new Date('2026-11-30T10:00:00Z'))).toBeNull();
    expect(out.text()).toContain(
      'warn slot.skipped slot=2026-11-30T10:00:00.000Z reason="a run is still in progress"',
    );
    expect(calls).toHaveLength(1);

    // When the long run ends, the skipped slot is still within grace: it runs then, once.
    calls[0]!.finish();
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    calls[1]!.finish();
    await first;
    expect(calls.map((c) => c.slot)).toEqual([
      '2026-11-30T09:00:00.000Z',
      '2026-11-30T10:00:00.000Z',
    ]);
    expect(out.text()).toContain('catch_up.run slot=2026-11-30T10:00:00.000Z');
  });

  it('an incomplete week is resumed on a widening delay until it is sent, then left alone', async () => {
    const clock = manualClock('2026-11-30T09:00:05Z');
    const { runner, calls, out } = stubRunner('0 9 * * 1', 'UTC', clock, {
      outcomes: ['incomplete', 'incomplete', 'incomplete'],
      resumeDelaysMs: [20, 60],
    });
    await runner.start(); // catches up 09:00: incomplete three times, then sent
    await vi.waitFor(() => expect(calls).toHaveLength(4), { timeout: 5_000, interval: 5 });
    const retries = out.lines.filter((l) => l.includes('slot.retry'));
    expect(retries).toHaveLength(3);
    // The delays in turn, the last one repeating.
    expect(retries.map((l) => /inMs=(\d+)/.exec(l)?.[1])).toEqual(['20', '60', '60']);
    expect(retries[0]).toContain('reason="the send is incomplete"');
    expect(out.text()).toContain('resuming the interrupted send of 2026-W49');
    // Sent: nothing more is tried, and the next slot is what comes next.
    await new Promise((r) => setTimeout(r, 200));
    expect(calls).toHaveLength(4);
    expect(new Set(calls.map((c) => c.slot))).toEqual(new Set(['2026-11-30T09:00:00.000Z']));
  });

  it('stop: aborts the run at its checkpoint, waits for it, releases the lease, records it', async () => {
    const clock = manualClock('2026-11-30T09:00:00Z');
    const { runner, calls, out, lease, healthFile } = stubRunner('0 9 * * 1', 'UTC', clock, {
      block: true,
    });
    const started = runner.start(); // catches up 09:00 at once, and blocks in the job
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    await runner.stop();
    await started;
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(lease.released).toBe(1);
    expect(runner.state).toBe('stopped');
    expect(readHealth(healthFile)).toMatchObject({
      state: 'stopped',
      nextRun: null,
      lastRun: { outcome: 'interrupted', slot: '2026-11-30T09:00:00.000Z' },
    });
    expect(out.text()).toContain('runner.stopped');
    expect(await runner.fire(new Date('2026-12-07T09:00:00Z'))).toBeNull();
  });
});

describe('node-cron timer across daylight saving (fake timers)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /**
   * Start a runner at `from` and move the fake clock `days` ahead an hour at a time. A run
   * finishes with real file I/O (the health file), which fake time does not wait for, so after
   * a step that started one we wait for node-cron's execution:finished before moving on.
   */
  const firesBetween = async (expr: string, from: string, days: number) => {
    vi.useFakeTimers({ now: new Date(from) });
    const { runner, calls } = stubRunner(expr, 'Europe/London', () => new Date());
    await runner.start();
    const caughtUp = calls.length;
    let running: Promise<void> | null = null;
    runner.task.on('execution:started', () => {
      running = new Promise((resolve) => runner.task.once('execution:finished', () => resolve()));
    });
    for (let hour = 0; hour < days * 24; hour++) {
      await vi.advanceTimersByTimeAsync(3_600_000);
      if (running) await running;
      running = null;
    }
    await runner.stop();
    return calls.slice(caughtUp).map((c) => c.slot);
  };

  it('0 9 * * 1 fires once, at 08:00Z, the Monday after the clocks go forward', async () => {
    expect(await firesBetween('0 9 * * 1', '2026-03-28T12:00:00Z', 3)).toEqual([
      '2026-03-30T08:00:00.000Z',
    ]);
  });

  it('and once, at 09:00Z, the Monday after they go back', async () => {
    expect(await firesBetween('0 9 * * 1', '2026-10-24T12:00:00Z', 3)).toEqual([
      '2026-10-26T09:00:00.000Z',
    ]);
  });

  it('a slot slept through (timer woke late) is handed to the catch-up rule and run once', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-30T08:00:00Z') });
    const { runner, calls, out } = stubRunner('0 9 * * 1', 'UTC', () => new Date());
    await runner.start();
    expect(calls).toHaveLength(0);
    // The machine sleeps through 09:00: the wall clock jumps, the timer fires late.
    vi.setSystemTime(new Date('2026-11-30T10:10:00Z'));
    await vi.advanceTimersByTimeAsync(3_600_000);
    await vi.waitFor(() => expect(calls).toHaveLength(1), { timeout: 10_000, interval: 5 });
    expect(calls[0]!.slot).toBe('2026-11-30T09:00:00.000Z');
    expect(out.text()).toContain('warn slot.missed slot=2026-11-30T09:00:00.000Z');
    expect(out.text()).toContain('catch_up.run slot=2026-11-30T09:00:00.000Z');
    await runner.stop();
  });

  it('a nightly 01:30 skips the night 01:30 does not exist, as the slot maths says', async () => {
    const fired = await firesBetween('30 1 * * *', '2026-03-27T12:00:00Z', 3);
    expect(fired).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
    const s = cron('30 1 * * *', 'Europe/London');
    expect(s.next(new Date('2026-03-28T01:30:00Z'))?.toISOString()).toBe(fired[1]);
  });
});
