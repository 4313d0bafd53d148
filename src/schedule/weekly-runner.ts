// The runner wired to the real weekly job and store: what `verdicts schedule` starts, and what
// the scheduler tests drive with their own clock.
import type { Config } from '../config.ts';
import { formatWeek } from '../content/week.ts';
import type { Logger } from '../log.ts';
import { runWeekly } from '../pipeline/run-weekly.ts';
import type { Progress } from '../send/progress.ts';
import type { Db } from '../store/db.ts';
import { createLeases } from '../store/leases.ts';
import { createLedger } from '../store/ledger.ts';
import { dueWeek } from './catch-up.ts';
import type { Clock } from './clock.ts';
import { createRunner, type Runner } from './runner.ts';
import { createScheduleLease } from './schedule-lease.ts';
import type { CronSchedule } from './slots.ts';

export type WeeklyRunnerOptions = {
  schedule: CronSchedule;
  db: Db;
  clock: Clock;
  log: Logger;
  say: (line: string) => void;
  progress: (label: string) => Progress;
  standbyPollMs?: number;
};

export function createWeeklyRunner(config: Config, o: WeeklyRunnerOptions): Runner {
  const ledger = createLedger(o.db);
  return createRunner({
    schedule: o.schedule,
    clock: o.clock,
    log: o.log,
    lease: createScheduleLease(createLeases(o.db), config.LEASE_SECONDS * 1000),
    runSlot: (slot, signal) =>
      runWeekly(config, {
        at: slot,
        signal,
        log: o.log,
        progress: o.progress(formatWeek(dueWeek(slot, o.schedule.zone))),
        say: o.say,
      }),
    weekState: (week) => {
      const send = ledger.get(week);
      return send ? (send.status === 'sent' ? 'sent' : 'sending') : 'unsent';
    },
    graceHours: config.CATCH_UP_GRACE_HOURS,
    healthFile: config.HEALTH_FILE,
    ...(o.standbyPollMs ? { standbyPollMs: o.standbyPollMs } : {}),
  });
}
