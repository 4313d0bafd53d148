// `verdicts stats [--week W] [--json]`: the operator's report of what each issue did, from the
// ledger and the events Resend sent back. Reads only: a missing database is an error, not a
// new empty one.
import type { Command } from 'commander';
import { issueStats, withPipeline } from '../../pipeline/index.ts';
import {
  formatIssueReport,
  formatReportTable,
  OPENS_CAVEAT,
  OUTBOX_NOTE,
} from '../../report/index.ts';
import { type CliIo, type PathFlags, resolveConfig, withDb, withIssues } from '../context.ts';
import { formatWeek, weekOption } from '../week-option.ts';

type Flags = PathFlags & { week?: string; json?: boolean };

export function registerStats(program: Command, io: CliIo, setExit: (code: number) => void): void {
  withDb(withIssues(program.command('stats')))
    .description(
      'what each sent issue did: delivery, bounces, opens, clicks, votes, panel vs readers',
    )
    .option('--week <YYYY-Www>', 'one issue in full (default: every sent issue, one row each)')
    .option('--json', 'print JSON instead of text')
    .action(async (flags: Flags) => {
      const config = resolveConfig(io, flags);
      const week =
        flags.week === undefined
          ? undefined
          : formatWeek(weekOption(flags.week, config.NEWSLETTER_TIMEZONE, new Date()));
      const out = await withPipeline(config, (p) => issueStats(p, week));
      if (out.kind === 'no_database' || out.kind === 'not_sent') {
        io.stderr(
          out.kind === 'no_database'
            ? `[verdicts] [store] no database at ${config.DATABASE_PATH}: nothing has been sent from here (set DATABASE_PATH or --db)\n`
            : `[verdicts] [cli] ${out.week} has not been sent: no report\n`,
        );
        setExit(1);
        return;
      }
      const notes = { opens: OPENS_CAVEAT, outbox: OUTBOX_NOTE };
      if (flags.json) {
        const body =
          out.kind === 'issue'
            ? { ...out.report, notes }
            : { issues: out.reports, panelVsReaders: out.panelVsReaders, notes };
        io.stdout(`${JSON.stringify(body, null, 2)}\n`);
        return;
      }
      io.stdout(
        out.kind === 'issue'
          ? formatIssueReport(out.report)
          : formatReportTable(out.reports, out.panelVsReaders),
      );
    });
}
