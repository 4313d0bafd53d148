// The runner wired to the real weekly job and store: what `verdicts schedule` starts, and what
// the scheduler tests drive with their own clock.
import { dueWeek, formatWeek } from '../content/index.ts';
import type { Logger } from '../log.ts';
import { type Pipeline, runWeekly } from '../pipeline/index.ts';
import type { Progress } from '../send/index.ts';
import { weekState } from '../store/index.ts';
import type { Clock } from './clock.ts';
import { createRunner, type Runner } from './runner.ts';
import { createScheduleLease } from './schedule-lease.ts';
import type { CronSchedule } from './slots.ts';

export type WeeklyRunnerOptions = {
  schedule: CronSchedule;
  clock: Clock;
  graceHours: number;
  healthFile: string;
  log: Logger;
  say: (line: string) => void;
  progress: (label: string) => Progress;
  standbyPollMs?: number;
};

export async function createWeeklyRunner(p: Pipeline, o: WeeklyRunnerOptions): Promise<Runner> {
  const { ledger, leases } = await p.store();
  return createRunner({
    schedule: o.schedule,
    clock: o.clock,
    log: o.log,
    lease: createScheduleLease(leases, p.settings.leaseMs),
    runSlot: (slot, signal) =>
      runWeekly(p, {
        at: slot,
        signal,
        log: o.log,
        progress: o.progress(formatWeek(dueWeek(slot, o.schedule.zone))),
        say: o.say,
      }),
    weekState: async (week) => weekState(await ledger.get(week)),
    graceHours: o.graceHours,
    healthFile: o.healthFile,
    // A standby looks often enough to take over within the lease's life once its holder died.
    standbyPollMs: o.standbyPollMs ?? Math.min(15_000, Math.max(1000, p.settings.leaseMs / 3)),
  });
}
