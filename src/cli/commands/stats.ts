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
import type { TopicChoices, VariantCount } from '../../store/index.ts';
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
            ? { ...out.report, variants: out.variants, topics: out.topics, notes }
            : {
                issues: out.reports,
                panelVsReaders: out.panelVsReaders,
                topics: out.topics,
                notes,
              };
        io.stdout(`${JSON.stringify(body, null, 2)}\n`);
        return;
      }
      io.stdout(
        out.kind === 'issue'
          ? formatIssueReport(out.report)
          : formatReportTable(out.reports, out.panelVsReaders),
      );
      if (out.kind === 'issue') io.stdout(formatVariants(out.variants));
      io.stdout(formatTopicChoices(out.topics));
    });
}

/**
 * Recipients per variant of the week and the readers skipped, and why; nothing when everyone
 * got the full issue (a week before topics, or a list that chose none).
 */
export function formatVariants(variants: readonly VariantCount[]): string {
  if (variants.every((v) => v.variant === null && v.skipReason === null)) return '';
  const lines = variants.map((v) => {
    const what =
      v.skipReason === 'paused'
        ? 'skipped, paused'
        : v.skipReason === 'no_topics'
          ? 'skipped, no pair for their topics'
          : v.variant === null
            ? 'full issue'
            : `variant ${v.variant}`;
    return `  ${what}: ${v.recipients}`;
  });
  return `\nRecipients by variant\n${lines.join('\n')}\n`;
}

/** The active list's topic choices; nothing while every reader takes everything. */
export function formatTopicChoices(t: TopicChoices): string {
  const chose = t.active - t.everything;
  if (chose === 0 && t.paused === 0) return '';
  const topics = Object.entries(t.byTopic)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([topic, n]) => `  ${topic}: ${n}`);
  return `\nTopic choices (${t.active} active readers)\n  everything: ${t.everything}\n${topics.join('\n')}${topics.length > 0 ? '\n' : ''}  paused: ${t.paused}\n`;
}
