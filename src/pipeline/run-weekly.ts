// The weekly job, once: pick the week due at an instant, check the data, build and archive the
// issue with that instant as its cutoff, then send it through the ledger. `verdicts run` and
// every scheduler slot call this. It never throws: every outcome is a RunReport, and it writes
// exactly one log line per run (week, pairs, recipients, sent, failed, elapsed).
import { performance } from 'node:perf_hooks';
import { weekDir } from '../archive/layout.ts';
import { readArchivedIssue } from '../archive/list-issues.ts';
import type { Config } from '../config.ts';
import { formatWeek, type Week } from '../content/week.ts';
import { isVerdictsError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { dueWeek, type WeekState } from '../schedule/catch-up.ts';
import type { Progress } from '../send/progress.ts';
import { problemLines } from '../send/summary.ts';
import { openDatabase } from '../store/db.ts';
import { createLedger, freezeCheck } from '../store/ledger.ts';
import { buildWeek } from './build-week.ts';
import { emptyReport, type RunOutcome, type RunReport } from './run-report.ts';
import { sendWeek } from './send-week.ts';

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
};

/** The week's state in the send ledger (one short read; the database is not kept open). */
export function readWeekState(databasePath: string, week: string): WeekState {
  const db = openDatabase(databasePath);
  try {
    const send = createLedger(db).get(week);
    return send ? (send.status === 'sent' ? 'sent' : 'sending') : 'unsent';
  } finally {
    db.close();
  }
}

export async function runWeekly(config: Config, opts: RunWeeklyOptions): Promise<RunReport> {
  const started = performance.now();
  const week = formatWeek(opts.week ?? dueWeek(opts.at, config.NEWSLETTER_TIMEZONE));
  let report: RunReport;
  try {
    report = await runSteps(config, week, opts);
  } catch (e) {
    report = emptyReport(week, 'error', (e as Error).message);
    if (isVerdictsError(e)) report.details = e.details;
  }
  report.elapsedMs = Math.round(performance.now() - started);
  const fields = {
    week,
    outcome: report.outcome,
    pairs: report.pairs,
    recipients: report.recipients,
    sent: report.sent,
    skipped: report.skipped,
    failed: report.failed,
    uncertain: report.uncertain,
    elapsed: `${(report.elapsedMs / 1000).toFixed(1)}s`,
    cutoff: opts.at.toISOString(),
  };
  if (report.outcome === 'error' || report.outcome === 'data-error') {
    opts.log.error('run', { ...fields, error: report.message });
  } else opts.log.info('run', fields);
  return report;
}

async function runSteps(config: Config, week: string, opts: RunWeeklyOptions): Promise<RunReport> {
  const state = readWeekState(config.DATABASE_PATH, week);
  if (state === 'sent') return finished(config, week);

  let pairs: number;
  let archiveDir: string | null = null;
  if (state === 'unsent') {
    // A week that has started sending is frozen: its archive is final and the data files no
    // longer matter to it, so only an unsent week is (re)built, with the slot as its cutoff.
    const built = await build(config, week, opts.at);
    if (built.kind === 'report') return built.report;
    pairs = built.pairs;
    archiveDir = built.dir;
    opts.say(`${week}: issue #${built.number} with ${pairs} pair(s) archived in ${built.dir}`);
  } else {
    pairs = (await readArchivedIssue(config.ISSUES_DIR, week))?.pairs.length ?? 0;
  }

  let sent: Awaited<ReturnType<typeof sendWeek>>;
  try {
    sent = await sendWeek(config, week, {
      signal: opts.signal,
      progress: opts.progress,
      log: opts.say,
    });
  } catch (e) {
    if (isVerdictsError(e) && e.code === 'lease_held') {
      return {
        ...emptyReport(week, 'busy', e.message.replace(/^\[verdicts\] \[send\] /, '')),
        pairs,
      };
    }
    throw e;
  }
  const base = {
    pairs,
    archiveDir: archiveDir ?? archiveOf(config, week),
    outboxDir: outboxOf(config),
  };
  switch (sent.status) {
    case 'no-issue':
      return emptyReport(week, 'no-pairs', `${week}: no new pairs, so no issue this week`);
    case 'nothing-to-send':
      return {
        ...emptyReport(week, 'no-subscribers', `${week}: no active subscribers, nothing sent`),
        ...base,
        outboxDir: null,
      };
    case 'already-sent':
      return finished(config, week);
    default: {
      const { summary: s, run, stopped } = sent.report;
      const outcome: RunOutcome =
        sent.status === 'sent'
          ? 'sent'
          : stopped?.reason === 'aborted'
            ? 'interrupted'
            : 'incomplete';
      return {
        ...base,
        week,
        outcome,
        recipients: s.recipients,
        sent: run.sent,
        skipped: run.skipped,
        failed: s.failed,
        uncertain: s.uncertain,
        elapsedMs: 0,
        message:
          outcome === 'sent'
            ? `${week}: sent to ${s.sent} of ${s.recipients} recipients (${s.skipped} skipped; ${run.sent} by this run)`
            : `${week}: send ${outcome}; ${problemLines(sent.report).join(' ')}`,
      };
    }
  }
}

type Built =
  | { kind: 'built'; pairs: number; number: number; dir: string }
  | { kind: 'report'; report: RunReport };

async function build(config: Config, week: string, at: Date): Promise<Built> {
  const db = openDatabase(config.DATABASE_PATH);
  try {
    const built = await buildWeek(config, week, {
      isFrozen: freezeCheck(createLedger(db)),
      now: at,
    });
    if (built.status === 'no-pairs' || !built.issue || !built.dir) {
      const message = `${week}: no new pairs published before ${at.toISOString()}, so no issue this week`;
      return { kind: 'report', report: emptyReport(week, 'no-pairs', message) };
    }
    return {
      kind: 'built',
      pairs: built.issue.pairs.length,
      number: built.issue.number,
      dir: built.dir,
    };
  } catch (e) {
    if (!isVerdictsError(e)) throw e;
    // Another runner froze the week between our ledger read and the archive write: resume it.
    if (e.code === 'week_frozen') {
      const issue = await readArchivedIssue(config.ISSUES_DIR, week);
      return {
        kind: 'built',
        pairs: issue?.pairs.length ?? 0,
        number: issue?.number ?? 0,
        dir: archiveOf(config, week),
      };
    }
    if (e.stage !== 'content') throw e;
    const report = emptyReport(
      week,
      'data-error',
      `${week}: the data does not validate; nothing built or sent: ${e.message}`,
    );
    report.details = e.details;
    return { kind: 'report', report };
  }
}

/** A week the ledger says is sent: report its counts, touch nothing. */
async function finished(config: Config, week: string): Promise<RunReport> {
  const db = openDatabase(config.DATABASE_PATH);
  let recipients: number;
  let finishedAt: string | null | undefined;
  try {
    const ledger = createLedger(db);
    recipients = ledger.summary(week).recipients;
    finishedAt = ledger.get(week)?.finishedAt;
  } finally {
    db.close();
  }
  const issue = await readArchivedIssue(config.ISSUES_DIR, week).catch(() => null);
  const message = `${week} was already sent (finished ${finishedAt}); nothing to do`;
  return {
    ...emptyReport(week, 'already-sent', message),
    pairs: issue?.pairs.length ?? 0,
    recipients,
    archiveDir: archiveOf(config, week),
  };
}

const archiveOf = (config: Config, week: string) => weekDir(config.ISSUES_DIR, week);
const outboxOf = (config: Config) => (config.RESEND_API_KEY ? null : config.OUTBOX_DIR);
