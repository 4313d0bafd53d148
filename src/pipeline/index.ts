// The pipeline's face: the one place where content, render, archive, store and send meet.
// `openPipeline` is the composition root; the jobs (build, send, run, test copy, preview a
// week, list the weeks) take the Pipeline it opened and return every expected outcome as a
// value.
export * from './build-week.ts';
export * from './issue-stats.ts';
export * from './list-weeks.ts';
export * from './open-pipeline.ts';
export * from './plan-issue.ts';
export * from './prepare-week.ts';
export * from './preview-week.ts';
export * from './published-archive.ts';
export * from './run-report.ts';
export * from './run-weekly.ts';
export * from './send-gate.ts';
export * from './send-test.ts';
export * from './send-test-copy.ts';
export * from './send-week.ts';
export * from './settings.ts';
export * from './week-archive.ts';
