// The `stats` job: the figures from the store, each issue's archived data, and the pure
// report built from both. One issue, or every issue with a send (newest first) plus panel vs
// readers over all of them. Expected outcomes are values; a corrupt issue.json throws.
import { readArchivedIssue } from '../archive/list-issues.ts';
import type { Issue } from '../content/issue.ts';
import { buildIssueReport, type IssueReport } from '../report/issue-report.ts';
import { type PanelVsReaders, panelVsReaders } from '../report/panel-vs-readers.ts';
import type { Db } from '../store/db.ts';
import { createIssueStats } from '../store/issue-stats.ts';

export type StatsOutcome =
  | { kind: 'issue'; report: IssueReport }
  | { kind: 'not_sent'; week: string }
  | { kind: 'all'; reports: IssueReport[]; panelVsReaders: PanelVsReaders };

export type StatsInput = { db: Db; issuesDir: string; week?: string };

export async function issueStats({ db, issuesDir, week }: StatsInput): Promise<StatsOutcome> {
  const figures = createIssueStats(db).figures(week);
  if (week !== undefined) {
    if (!figures.sends.some((s) => s.week === week)) return { kind: 'not_sent', week };
    const issue = await readArchivedIssue(issuesDir, week);
    return { kind: 'issue', report: buildIssueReport(week, figures, issue) };
  }
  const weeks = figures.sends.map((s) => s.week);
  const issues = await Promise.all(weeks.map((w) => readArchivedIssue(issuesDir, w)));
  const reports = weeks.map((w, i) => buildIssueReport(w, figures, issues[i] ?? null));
  const known = issues.filter((i): i is Issue => i !== null);
  return { kind: 'all', reports, panelVsReaders: panelVsReaders(reports, known) };
}
