// The weekly job, once: pick the week due at an instant, and send it through the ledger,
// (re)building an unfrozen week's issue with that instant as its cutoff. `verdicts run` and
// every scheduler slot call this. It never throws: every outcome is a RunReport, and it writes
// exactly one log line per run (week, pairs, recipients, sent, failed, elapsed).
import { performance } from 'node:perf_hooks';
import { readArchivedIssue, weekDir } from '../archive/index.ts';
import { dueWeek, formatWeek, type Week, weekEnd } from '../content/index.ts';
import { DATABASE_FILE_ADVICE, databaseFileProblem } from '../db-busy.ts';
import { isVerdictsError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { findingLine } from '../render/index.ts';
import type { Progress } from '../send/index.ts';
import { problemLines } from '../send/index.ts';
import { weekState } from '../store/index.ts';
import type { Pipeline } from './open-pipeline.ts';
import { emptyReport, type RunOutcome, type RunReport } from './run-report.ts';
import { type SendWeekResult, sendWeek } from './send-week.ts';

export type RunWeeklyOptions = {
  /** The run's instant (a slot, or the clock for a one-shot run): the issue's cutoff. */
  at: Date;
  /** Overrides the week due at `at`. */
  week?: Week;
  signal: AbortSignal;
  log: Logger;
  progress: Progress;
  /** Operator lines along the way (built, resuming, …). */
  say: (line: string) => void;
  /** Lint findings (ids or rules) the operator accepts for this send. */
  accept?: readonly string[];
};

export async function runWeekly(p: Pipeline, opts: RunWeeklyOptions): Promise<RunReport> {
  const started = performance.now();
  const week = opts.week ?? dueWeek(opts.at, p.settings.plan.zone);
  const id = formatWeek(week);
  // Pairs count up to the earlier of the run's instant and the week's end: a past week named
  // with --week ends at its own end, not at the time it was run.
  const cutoff = new Date(
    Math.min(opts.at.getTime(), weekEnd(week, p.settings.plan.zone).getTime()),
  );
  let report: RunReport;
  try {
    report = await runSteps(p, week, cutoff, opts);
  } catch (e) {
    // A changed archive under a started send is resumable once restored, not bad input; so is
    // a PostgreSQL server that went away midway (every change is one transaction).
    const resumable =
      isVerdictsError(e) && (e.code === 'archive_changed' || e.code === 'db_unavailable');
    const badFile = databaseFileProblem(e);
    const message = badFile
      ? `the database ${badFile}: ${DATABASE_FILE_ADVICE}`
      : (e as Error).message;
    report = emptyReport(id, resumable ? 'incomplete' : 'error', message);
    if (isVerdictsError(e)) report.details = e.details;
    // A file that is not a database is the operator's to fix (exit 1), not a bug (exit 2).
    else if (!badFile) report.bug = true;
  }
  report.elapsedMs = Math.round(performance.now() - started);
  const fields = {
    week: id,
    outcome: report.outcome,
    pairs: report.pairs,
    recipients: report.recipients,
    sent: report.sent,
    skipped: report.skipped,
    failed: report.failed,
    uncertain: report.uncertain,
    elapsed: `${(report.elapsedMs / 1000).toFixed(1)}s`,
    cutoff: cutoff.toISOString(),
  };
  if (
    report.outcome === 'error' ||
    report.outcome === 'data-error' ||
    report.outcome === 'refused' ||
    report.bug
  ) {
    opts.log.error('run', { ...fields, error: report.message });
  } else opts.log.info('run', fields);
  return report;
}

async function runSteps(
  p: Pipeline,
  w: Week,
  cutoff: Date,
  opts: RunWeeklyOptions,
): Promise<RunReport> {
  const week = formatWeek(w);
  if (weekState(await (await p.store()).ledger.get(week)) === 'sent') return finished(p, week);
  // A week that has started sending is frozen: its archive is final and the data files no
  // longer matter to it, so only an unsent week is (re)built, with the slot as its cutoff.
  const sent = await sendWeek(p, w, {
    signal: opts.signal,
    progress: opts.progress,
    say: opts.say,
    build: 'unfrozen',
    at: opts.at,
    accept: opts.accept ?? [],
    onBuilt: ({ dir, issue }) =>
      opts.say(
        `${week}: issue #${issue.number} with ${issue.pairs.length} pair(s) archived in ${dir}`,
      ),
  });
  return reportOf(p, sent, cutoff);
}

async function reportOf(p: Pipeline, sent: SendWeekResult, cutoff: Date): Promise<RunReport> {
  const { week } = sent;
  switch (sent.status) {
    case 'no-pairs':
      return emptyReport(
        week,
        'no-pairs',
        `${week}: no new pairs published before ${cutoff.toISOString()}, so no issue this week`,
      );
    case 'problems': {
      const { problem } = sent;
      const report =
        problem.stage === 'content'
          ? emptyReport(
              week,
              'data-error',
              `${week}: the data does not validate; nothing built or sent: ${problem.error.message}`,
            )
          : emptyReport(week, 'error', problem.error.message);
      report.details = problem.error.details;
      return report;
    }
    case 'busy':
      return emptyReport(week, 'busy', sent.message);
    case 'refused':
      return {
        ...emptyReport(
          week,
          'refused',
          `${week}: not sent: ${sent.open.length} lint finding(s) nobody accepted; nothing frozen or sent (accept with --accept ${sent.open.map((f) => f.id).join(' ')})`,
        ),
        pairs: sent.issue.pairs.length,
        archiveDir: sent.built?.dir ?? weekDir(p.settings.issuesDir, week),
        details: sent.open.map(findingLine),
      };
    case 'wrong-base-url':
      return {
        ...emptyReport(week, 'refused', `${week}: ${sent.mismatch.message}`),
        pairs: sent.issue.pairs.length,
        archiveDir: sent.built?.dir ?? weekDir(p.settings.issuesDir, week),
      };
    case 'already-sent':
      return finished(p, week);
    case 'no-subscribers':
      return {
        ...emptyReport(week, 'no-subscribers', `${week}: no active subscribers, nothing sent`),
        pairs: sent.issue.pairs.length,
        archiveDir: sent.built?.dir ?? weekDir(p.settings.issuesDir, week),
      };
    case 'sent':
    case 'incomplete': {
      const { summary: s, run, stopped } = sent.report;
      const outcome: RunOutcome =
        sent.status === 'sent'
          ? 'sent'
          : stopped?.reason === 'aborted'
            ? 'interrupted'
            : 'incomplete';
      return {
        week,
        sendId: sent.report.sendId,
        outcome,
        pairs: sent.issue.pairs.length,
        recipients: s.recipients,
        sent: run.sent,
        skipped: run.skipped,
        failed: s.failed,
        uncertain: s.uncertain,
        elapsedMs: 0,
        message:
          outcome === 'sent'
            ? `${week}: sent to ${s.sent} of ${s.recipients} recipients (${s.skipped} skipped${s.refused > 0 ? `, ${s.refused} refused by the provider` : ''}; ${run.sent} by this run)`
            : `${week}: send ${outcome}; ${problemLines(sent.report).join(' ')}`,
        archiveDir: sent.built?.dir ?? weekDir(p.settings.issuesDir, week),
        outboxDir: p.settings.outboxDir,
      };
    }
  }
}

/** A week the ledger says is sent: report its counts, touch nothing. */
async function finished(p: Pipeline, week: string): Promise<RunReport> {
  const { ledger } = await p.store();
  const recipients = (await ledger.summary(week)).recipients;
  const finishedAt = (await ledger.get(week))?.finishedAt;
  const issue = await readArchivedIssue(p.settings.issuesDir, week).catch(() => null);
  const message = `${week} was already sent (finished ${finishedAt}); nothing to do`;
  return {
    ...emptyReport(week, 'already-sent', message),
    pairs: issue?.pairs.length ?? 0,
    recipients,
    archiveDir: weekDir(p.settings.issuesDir, week),
  };
}
