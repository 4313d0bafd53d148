// Schedule's face: the long-running runner (cron slots, catch-up, the schedule lease, the
// health file) around the weekly job.
export * from './catch-up.ts';
export * from './clock.ts';
export * from './health.ts';
export * from './runner.ts';
export * from './runner-metrics.ts';
export * from './schedule-lease.ts';
export * from './slots.ts';
export * from './weekly-runner.ts';
