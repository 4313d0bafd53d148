// Runners for tests: a manual clock, a captured log, and the real weekly runner on a temp site
// (or the bare runner with a stub job). Every runner made here is stopped after the test.
import { readFileSync } from 'node:fs';
import { afterEach } from 'vitest';
import type { Config } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { openPipeline, type Pipeline } from '../../src/pipeline/index.ts';
import type { Health } from '../../src/schedule/health.ts';
import type { Runner } from '../../src/schedule/runner.ts';
import { type CronSchedule, parseSchedule } from '../../src/schedule/slots.ts';
import { createWeeklyRunner } from '../../src/schedule/weekly-runner.ts';

export const manualClock = (iso: string) => {
  let t = new Date(iso).getTime();
  const clock = () => new Date(t);
  clock.set = (to: string) => {
    t = new Date(to).getTime();
  };
  return clock;
};

export const captureLog = () => {
  const lines: string[] = [];
  const log = createLogger({ format: 'text', out: (l) => lines.push(l), now: () => new Date(0) });
  return { log, lines, text: () => lines.join('') };
};

export const cron = (expr: string, zone = 'UTC'): CronSchedule => {
  const s = parseSchedule(expr, zone);
  if (!s.ok) throw new Error(s.error);
  return s.value;
};

export const readHealth = (file: string): Health => JSON.parse(readFileSync(file, 'utf8'));

/** Call at the top of a describe: returns helpers whose runners and databases close after each test. */
export const useRunners = () => {
  const runners: Runner[] = [];
  const pipelines: Pipeline[] = [];
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    for (const p of pipelines.splice(0)) await p.close();
  });
  return {
    track: <R extends Runner>(r: R): R => {
      runners.push(r);
      return r;
    },
    async weekly(
      config: Config,
      opts: { schedule: CronSchedule; clock: () => Date; standbyPollMs?: number },
    ) {
      const pipeline = openPipeline(config);
      pipelines.push(pipeline);
      const out = captureLog();
      const runner = await createWeeklyRunner(pipeline, {
        ...opts,
        graceHours: config.CATCH_UP_GRACE_HOURS,
        healthFile: config.HEALTH_FILE,
        log: out.log,
        say: (line) => out.lines.push(`${line}\n`),
        progress: () => ({ start() {}, update() {}, note() {}, stop() {} }),
      });
      runners.push(runner);
      return { runner, out };
    },
  };
};
