// The long-running scheduler: node-cron fires SEND_SCHEDULE's slots in the newsletter's zone;
// each slot runs the weekly job for the week that contains it, with the slot as the cutoff.
// One run at a time (a slot that fires during a run is skipped, and picked up by the catch-up
// check after the run if it is still within grace); one active runner per database (the
// `schedule` lease; others stand by). Business time comes from an injected clock, so tests
// fire slots by calling `fire`/`trigger` instead of waiting. A week left incomplete (the
// provider down past the sender's retries, a batch failed) is tried again later, on a widening
// delay, until it is sent: the ledger resumes it without sending anyone a second copy.
import { formatWeek } from '../content/index.ts';
import { emptyReport, type RunReport } from '../pipeline/index.ts';
import { hostLabel, type LeaseHolder } from '../store/index.ts';
import { decideCatchUp, dueWeek } from './catch-up.ts';
import { createCronTask } from './cron-task.ts';
import { type Health, type LastRun, readLastRun, reportFields, writeHealth } from './health.ts';
import type { Runner, RunnerDeps, Trigger } from './runner-types.ts';
import { describeNext } from './slots.ts';

export type { Runner, RunnerDeps, Trigger } from './runner-types.ts';

/** Waits before resuming an incomplete week, one after another; the last one repeats. */
export const RESUME_DELAYS_MS: readonly number[] = [60_000, 300_000, 900_000, 3_600_000];

export function createRunner(deps: RunnerDeps): Runner {
  const { schedule, clock, log, lease } = deps;
  let state: Health['state'] = 'starting';
  let inFlight: Promise<RunReport | null> | null = null;
  let lastSlotRun = Number.NEGATIVE_INFINITY;
  let lastRun: LastRun | null = null;
  let standbyTimer: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  /** Incomplete runs of the slot last run, in a row: which resume delay comes next. */
  let incompleteRuns = 0;
  let stopping: Promise<void> | null = null;
  let stoppedMidSend = false;
  const abort = new AbortController();
  /** Work started from timers and events (takeover, missed slot): stop() waits for it. */
  const pending = new Set<Promise<unknown>>();
  const background = (work: Promise<unknown>) => {
    const p = work
      .catch((e: Error) => log.error('runner.error', { error: e.message }))
      .finally(() => pending.delete(p));
    pending.add(p);
  };

  const task = createCronTask(schedule, log, {
    fire: (slot, invoked) =>
      fire(invoked ? wholeSecond(clock()) : slot, invoked ? 'manual' : 'schedule'),
    // node-cron drops a slot its timer woke too late for: the catch-up rule decides instead.
    missed: () => {
      if (!inFlight && !stopping) background(catchUp());
    },
  });

  const nextRun = () => schedule.next(clock())?.toISOString() ?? null;
  const next = () => describeNext(schedule, clock());
  const health = () =>
    writeHealth(deps.healthFile, {
      pid: process.pid,
      state,
      schedule: schedule.expression,
      timezone: schedule.zone,
      nextRun: state === 'stopped' ? null : nextRun(),
      lastRun,
      updatedAt: clock().toISOString(),
    }).catch((e: Error) =>
      log.error('health.write_failed', { file: deps.healthFile, error: e.message }),
    );

  async function fire(slot: Date, trigger: Trigger = 'schedule'): Promise<RunReport | null> {
    const at = slot.toISOString();
    if (stopping) return null;
    if (state !== 'active') {
      log.info('slot.standby', { slot: at, reason: 'another runner holds the schedule lease' });
      return null;
    }
    if (inFlight) {
      log.warn('slot.skipped', { slot: at, reason: 'a run is still in progress' });
      return null;
    }
    const before = lastSlotRun;
    lastSlotRun = Math.max(lastSlotRun, slot.getTime());
    const run = runOne(slot, trigger);
    inFlight = run;
    let outcome: RunReport['outcome'] | undefined;
    try {
      const report = await run;
      outcome = report.outcome;
      return report;
    } finally {
      inFlight = null;
      incompleteRuns = outcome === 'incomplete' ? incompleteRuns + 1 : 0;
      if (outcome === 'busy') {
        retryLater(slot, before, deps.standbyPollMs ?? 15_000, 'the send is busy');
      } else if (outcome === 'incomplete') {
        const delays = deps.resumeDelaysMs ?? RESUME_DELAYS_MS;
        const inMs = delays[Math.min(incompleteRuns, delays.length) - 1]!;
        retryLater(slot, before, inMs, 'the send is incomplete');
      } else if (!stopping && state === 'active') {
        log.info('runner.next', next());
        await catchUp();
      }
    }
  }

  /**
   * The slot is not done: another sender holds the week's send lease (a runner on another host
   * killed mid-send holds it until it lapses, which may be after its schedule lease did), or
   * the run left the week incomplete. The catch-up check tries again `inMs` later: it resumes
   * the week (the catch-up rule resumes a started week whatever its age), or finds it sent.
   */
  function retryLater(slot: Date, before: number, inMs: number, reason: string): void {
    lastSlotRun = before;
    if (stopping || state !== 'active') return;
    log.info('slot.retry', { slot: slot.toISOString(), inMs, reason });
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      if (!stopping && state === 'active' && !inFlight) background(catchUp());
    }, inMs);
  }

  async function runOne(slot: Date, trigger: Trigger): Promise<RunReport> {
    const startedAt = clock();
    let report: RunReport;
    try {
      report = await deps.runSlot(slot, abort.signal);
    } catch (e) {
      const week = formatWeek(dueWeek(slot, schedule.zone));
      report = emptyReport(week, 'error', (e as Error).message);
      log.error('run.crashed', { week, error: (e as Error).message });
    }
    lastRun = {
      slot: slot.toISOString(),
      trigger,
      startedAt: startedAt.toISOString(),
      finishedAt: clock().toISOString(),
      ...reportFields(report),
    };
    await health();
    return report;
  }

  /** The last slot at or before now, if this runner has not run it: run, resume or skip it. */
  async function catchUp(): Promise<void> {
    if (stopping) return;
    const now = clock();
    const slot = schedule.previous(now);
    if (!slot || slot.getTime() <= lastSlotRun) return;
    const week = formatWeek(dueWeek(slot, schedule.zone));
    const decision = decideCatchUp({
      slot,
      now,
      zone: schedule.zone,
      graceHours: deps.graceHours,
      state: await deps.weekState(week),
    });
    const fields = { slot: slot.toISOString(), week, reason: decision.reason };
    if (decision.action === 'run') {
      log.info('catch_up.run', fields);
      await fire(slot, 'catch-up');
    } else if (decision.action === 'skip') {
      lastSlotRun = Math.max(lastSlotRun, slot.getTime());
      log.warn('catch_up.skipped', fields);
    }
  }

  async function activate(): Promise<void> {
    state = 'active';
    lease.keepAlive(() => {
      log.error('lease.lost', { reason: 'another runner took the schedule lease; standing by' });
      task.stop();
      standBy();
    });
    task.start();
    log.info('runner.active', {
      schedule: schedule.expression,
      timezone: schedule.zone,
      ...next(),
    });
    await health();
    await catchUp();
  }

  /** `null`: the database stayed locked, so who holds the schedule could not be read. */
  function standBy(heldBy?: LeaseHolder | null): void {
    state = 'standby';
    log.warn('runner.standby', {
      heldBy:
        heldBy === null
          ? 'unknown (the database stayed locked)'
          : heldBy && `${hostLabel(heldBy.host)}:${heldBy.pid}`,
      until: heldBy?.expiresAt.toISOString(),
    });
    background(health());
    let trying = false;
    standbyTimer = setInterval(() => {
      if (stopping || trying) return;
      trying = true;
      background(
        lease
          .tryAcquire()
          .then((got) => {
            if (!got.ok || stopping || standbyTimer === undefined) return;
            clearInterval(standbyTimer);
            standbyTimer = undefined;
            log.info('lease.taken_over', {});
            return activate();
          })
          .finally(() => {
            trying = false;
          }),
      );
    }, deps.standbyPollMs ?? 15_000);
  }

  return {
    async start() {
      lastRun = await readLastRun(deps.healthFile);
      if (stopping) return;
      const got = await lease.tryAcquire();
      if (got.ok) await activate();
      else standBy(got.heldBy);
    },
    fire,
    async trigger() {
      await task.execute();
    },
    stop() {
      stopping ??= (async () => {
        clearInterval(standbyTimer);
        clearTimeout(retryTimer);
        task.destroy();
        abort.abort(new Error('runner stopping'));
        const last = await inFlight;
        stoppedMidSend = last?.outcome === 'interrupted';
        await Promise.all(pending);
        await lease.release().catch((e: Error) => log.error('lease.release', { error: e.message }));
        state = 'stopped';
        await health();
        log.info('runner.stopped', {});
      })();
      return stopping;
    },
    get state() {
      return state;
    },
    get stoppedMidSend() {
      return stoppedMidSend;
    },
    task,
  };
}

const wholeSecond = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);
