// The node-cron task behind the runner: SEND_SCHEDULE's slots in the newsletter's zone, one
// at a time (an overlapping slot is skipped and logged), node-cron's own messages through our
// logger, and a slot its timer woke too late for (the machine slept, the loop was blocked)
// handed back as `missed`.
import { createTask, type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.ts';
import type { CronSchedule } from './slots.ts';

export type CronHandlers = {
  /** A slot fired; `invoked` when through the task's own execute(), not its timer. */
  fire: (slot: Date, invoked: boolean) => Promise<unknown>;
  missed: (slot: Date) => void;
};

export function createCronTask(
  schedule: CronSchedule,
  log: Logger,
  on: CronHandlers,
): ScheduledTask {
  const task = createTask(
    schedule.expression,
    async (ctx) => {
      await on.fire(ctx.date, ctx.execution?.reason === 'invoked');
    },
    {
      timezone: schedule.zone,
      name: 'weekly-verdicts',
      noOverlap: true,
      logger: {
        info: (m) => log.info('node_cron', { message: m }),
        warn: (m) => log.warn('node_cron', { message: m }),
        error: (m) => log.error('node_cron', { message: String(m) }),
        debug() {},
      },
    },
  );
  task.on('execution:overlap', (ctx) =>
    log.warn('slot.skipped', {
      slot: ctx.date.toISOString(),
      reason: 'a run is still in progress',
    }),
  );
  task.on('execution:missed', (ctx) => {
    log.warn('slot.missed', { slot: ctx.date.toISOString() });
    on.missed(ctx.date);
  });
  return task;
}
