// `verdicts run [--week W]`: the weekly job once, for system cron or any scheduler. The week
// due is the ISO week (in NEWSLETTER_TIMEZONE) containing now, built with now as its cutoff.
// Exit codes (src/cli/exit-codes.ts): 0 sent, already sent, no new pairs, no subscribers, or
// another sender is on it (outcome=busy); 1 bad data or settings (nothing sent); 2 a bug;
// 3 the send is incomplete and a rerun resumes it.
import path from 'node:path';
import type { Command } from 'commander';
import { type RunReport, runWeekly, withPipeline } from '../../pipeline/index.ts';
import { clockFromEnv } from '../../schedule/index.ts';
import {
  type CliIo,
  type PathFlags,
  resolveConfig,
  withData,
  withDb,
  withIssues,
  withOutbox,
} from '../context.ts';
import { exitCodeForRun } from '../exit-codes.ts';
import { type JobOutput, jobOutput } from '../job-output.ts';
import { formatWeek, weekOption } from '../week-option.ts';

type Flags = PathFlags & { week?: string; accept?: string[] };

export function registerRun(program: Command, io: CliIo, setExit: (code: number) => void): void {
  withOutbox(withDb(withIssues(withData(program.command('run')))))
    .description(
      'the weekly job once (for cron): check the data, build and archive the week due now, send it',
    )
    .option('--week <YYYY-Www>', 'this ISO week instead of the one that contains now')
    .option(
      '--accept <finding-id...>',
      'send despite these lint findings (ids from `verdicts lint`, or a whole rule such as size)',
    )
    .action(async (flags: Flags) => {
      const config = resolveConfig(io, flags);
      const { clock, fake } = clockFromEnv(io.env);
      const out = jobOutput(io, config);
      const at = clock();
      if (fake)
        out.log.warn('clock.fake', {
          now: at.toISOString(),
          note: 'VERDICTS_FAKE_NOW is for tests only',
        });
      // weekOption: the --week given, else the week containing `at` (the schedule's due week).
      const week = weekOption(flags.week, config.NEWSLETTER_TIMEZONE, at);
      const report = await withPipeline(config, (p) =>
        runWeekly(p, {
          at,
          week,
          signal: io.signal,
          log: out.log,
          progress: out.progress(formatWeek(week)),
          say: out.say,
          accept: flags.accept ?? [],
        }),
      );
      printEnd(io, out, config.LOG_FORMAT === 'json', report);
      setExit(exitCodeForRun(report));
    });
}

/**
 * The last lines a person reads: what happened, and where the archive and .eml files are. With
 * LOG_FORMAT=json they are one JSON object, so every line of output stays machine-readable.
 */
function printEnd(io: CliIo, out: JobOutput, json: boolean, r: RunReport): void {
  const failed = r.outcome === 'error' || r.outcome === 'data-error' || r.outcome === 'refused';
  // The outbox writes one folder per batch, named after its idempotency key `<send id>:<n>`.
  const outbox =
    r.outboxDir && r.sent > 0 ? path.join(r.outboxDir, `${r.sendId ?? r.week}_*`) : null;
  if (json) {
    const fields = {
      message: r.message,
      archive: r.archiveDir,
      outbox,
      details: r.details?.join('\n'),
    };
    (failed ? out.log.error : out.log.info)('run.end', fields);
    return;
  }
  (failed ? io.stderr : io.stdout)(`${r.message}\n`);
  for (const d of r.details ?? []) io.stderr(`  ${d}\n`);
  if (r.archiveDir) io.stdout(`archive: ${r.archiveDir}\n`);
  if (outbox) io.stdout(`outbox: ${outbox} (${r.sent} .eml files)\n`);
}
