// `verdicts schedule`: the long-running runner. Fires the weekly job on SEND_SCHEDULE in
// NEWSLETTER_TIMEZONE, catches up a slot missed while it was down (within
// CATCH_UP_GRACE_HOURS), holds the `schedule` lease so only one runner per database is active,
// and writes HEALTH_FILE after each run. SIGTERM/SIGINT: the batch in flight finishes, the
// lease is released, exit 0 (3 when that left a send incomplete: src/cli/exit-codes.ts); a
// restart resumes an interrupted send through the ledger.
import type { Command } from 'commander';
import { VerdictsError } from '../../errors.ts';
import { openPipeline } from '../../pipeline/index.ts';
import {
  clockFromEnv,
  createWeeklyRunner,
  parseSchedule,
  watchRunner,
} from '../../schedule/index.ts';
import {
  type CliIo,
  type PathFlags,
  resolveConfig,
  withData,
  withDb,
  withIssues,
  withOutbox,
} from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { jobOutput } from '../job-output.ts';
import { type MetricsFlags, startMetricsEndpoint, withMetricsPort } from '../metrics-endpoint.ts';

export function registerSchedule(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  withMetricsPort(withOutbox(withDb(withIssues(withData(program.command('schedule'))))))
    .description(
      'run the weekly job on SEND_SCHEDULE (cron, in NEWSLETTER_TIMEZONE) until SIGTERM or SIGINT',
    )
    .action(async (flags: PathFlags & MetricsFlags) => {
      const config = resolveConfig(io, flags);
      const parsed = parseSchedule(config.SEND_SCHEDULE, config.NEWSLETTER_TIMEZONE);
      if (!parsed.ok) throw new VerdictsError('schedule', 'bad_schedule', parsed.error);
      const { clock, fake } = clockFromEnv(io.env);
      const out = jobOutput(io, config);
      if (fake) {
        out.log.warn('clock.fake', {
          now: clock().toISOString(),
          note: 'VERDICTS_FAKE_NOW is for tests only',
        });
      }
      const endpoint = await startMetricsEndpoint('schedule', config, flags, out.log);
      const pipeline = openPipeline(config, {
        ...(endpoint ? { sendMetrics: endpoint.metrics.sender('issue') } : {}),
      });
      const runner = await createWeeklyRunner(pipeline, {
        ...out,
        schedule: parsed.value,
        clock,
        graceHours: config.CATCH_UP_GRACE_HOURS,
        healthFile: config.HEALTH_FILE,
      }).catch(async (e: unknown) => {
        await endpoint?.server.close();
        throw e;
      });
      if (endpoint) await watchRunner(endpoint.metrics, runner, pipeline);
      const stop = () => void runner.stop();
      io.signal.addEventListener('abort', stop, { once: true });
      try {
        if (!io.signal.aborted) await runner.start();
        await new Promise<void>((resolve) => {
          if (io.signal.aborted) resolve();
          else io.signal.addEventListener('abort', () => resolve(), { once: true });
        });
      } finally {
        io.signal.removeEventListener('abort', stop);
        await runner.stop();
        await endpoint?.server.close();
        await pipeline.close();
      }
      if (runner.stoppedMidSend) setExit(EXIT.incomplete);
    });
}
