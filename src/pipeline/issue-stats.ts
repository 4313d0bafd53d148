// The `stats` job: the figures from the store, each issue's archived data, and the pure
// report built from both. One issue, or every issue with a send (newest first) plus panel vs
// readers over all of them. Expected outcomes are values; a corrupt issue.json throws. Only
// reads: without a database it says so rather than create one.
import { readArchivedIssue } from '../archive/index.ts';
import type { Issue } from '../content/index.ts';
import {
  buildIssueReport,
  type IssueReport,
  type PanelVsReaders,
  panelVsReaders,
} from '../report/index.ts';
import type { TopicChoices, VariantCount } from '../store/index.ts';
import type { Pipeline } from './open-pipeline.ts';

export type StatsOutcome =
  | { kind: 'issue'; report: IssueReport; variants: VariantCount[]; topics: TopicChoices }
  | { kind: 'not_sent'; week: string }
  | { kind: 'no_database' }
  | {
      kind: 'all';
      reports: IssueReport[];
      panelVsReaders: PanelVsReaders;
      topics: TopicChoices;
    };

export async function issueStats(p: Pipeline, week?: string): Promise<StatsOutcome> {
  const store = await p.existingStore();
  if (!store) return { kind: 'no_database' };
  const issuesDir = p.settings.issuesDir;
  const figures = await store.stats.figures(week);
  if (week !== undefined) {
    if (!figures.sends.some((s) => s.week === week)) return { kind: 'not_sent', week };
    const issue = await readArchivedIssue(issuesDir, week);
    return {
      kind: 'issue',
      report: buildIssueReport(week, figures, issue),
      variants: await store.ledger.variants(week),
      topics: await store.subscribers.topicChoices(),
    };
  }
  const weeks = figures.sends.map((s) => s.week);
  const issues = await Promise.all(weeks.map((w) => readArchivedIssue(issuesDir, w)));
  const reports = weeks.map((w, i) => buildIssueReport(w, figures, issues[i] ?? null));
  const known = issues.filter((i): i is Issue => i !== null);
  return {
    kind: 'all',
    reports,
    panelVsReaders: panelVsReaders(reports, known),
    topics: await store.subscribers.topicChoices(),
  };
}
