// The runner's shapes: what it is given and what it offers (runner.ts makes one).
import type { ScheduledTask } from 'node-cron';
import type { Logger } from '../log.ts';
import type { RunReport } from '../pipeline/index.ts';
import type { WeekState } from '../store/index.ts';
import type { Clock } from './clock.ts';
import type { Health, LastRun } from './health.ts';
import type { ScheduleLease } from './schedule-lease.ts';
import type { CronSchedule } from './slots.ts';

export type Trigger = LastRun['trigger'];

export type RunnerDeps = {
  schedule: CronSchedule;
  clock: Clock;
  log: Logger;
  lease: ScheduleLease;
  /** The weekly job for the week due at `slot`, with `slot` as its cutoff. Must not throw. */
  runSlot: (slot: Date, signal: AbortSignal) => Promise<RunReport>;
  weekState: (week: string) => Promise<WeekState>;
  graceHours: number;
  healthFile: string;
  /** How often a standby runner tries to take the lease over (default 15 s). */
  standbyPollMs?: number;
  /** Waits before resuming an incomplete week, in turn; the last repeats (RESUME_DELAYS_MS). */
  resumeDelaysMs?: readonly number[];
};

export type Runner = {
  /** Take the lease (or stand by); when active, start the timer and run the catch-up check. */
  start(): Promise<void>;
  /** Run the slot at `slot` now, as the timer would (tests, catch-up). */
  fire(slot: Date, trigger?: Trigger): Promise<RunReport | null>;
  /** Fire through node-cron's own `execute()`: the slot is the clock's current second. */
  trigger(): Promise<void>;
  /** Stop taking work, abort the run in flight at its next checkpoint, release the lease. */
  stop(): Promise<void>;
  /** After stop(): the run it aborted, if any, was left incomplete (a restart resumes it). */
  readonly stoppedMidSend: boolean;
  readonly state: Health['state'];
  readonly task: ScheduledTask;
};
