// What a draft week would carry. Weeks up to the current one plan exactly as `verdicts pairs`
// does. A later week assumes the current week's issue goes out first (the weekly job sends it
// next Monday), so next week's draft does not repeat this week's pairs.
import { readAllArchivedIssues } from '../../archive/list-issues.ts';
import type { Config } from '../../config.ts';
import { buildIssue } from '../../content/build-issue.ts';
import type { Issue } from '../../content/issue.ts';
import type { Content } from '../../content/schema.ts';
import { compareWeeks, formatWeek, parseWeek, type Week } from '../../content/week.ts';
import { planIssue } from '../../pipeline/plan-issue.ts';
import { isArchived } from './archived-issue.ts';

export type DraftPlanInput = {
  config: Pick<Config, 'ISSUES_DIR' | 'NEWSLETTER_TIMEZONE' | 'MAX_PAIRS_PER_ISSUE'>;
  content: Content;
  week: Week;
  current: Week;
};

/** `assumes` names the unsent week whose pairs this draft leaves out. */
export type DraftPlan = { issue: Issue | null; assumes: string | null };

export async function planDraft(input: DraftPlanInput): Promise<DraftPlan> {
  const { config, content } = input;
  const plan = (week: Week) =>
    planIssue({
      content,
      week,
      issuesDir: config.ISSUES_DIR,
      zone: config.NEWSLETTER_TIMEZONE,
      maxPairs: config.MAX_PAIRS_PER_ISSUE,
    });
  const later = compareWeeks(input.week, input.current) > 0;
  const pending =
    later && !(await isArchived(config.ISSUES_DIR, formatWeek(input.current)))
      ? (await plan(input.current)).issue
      : null;
  if (!pending) return { issue: (await plan(input.week)).issue, assumes: null };
  // planIssue's rule (carried = every other archived issue's pairs; number follows earlier
  // issues) with the pending week counted as archived.
  const id = formatWeek(input.week);
  const others = (await readAllArchivedIssues(config.ISSUES_DIR)).filter((i) => i.week !== id);
  const earlier = others.filter((i) => {
    const w = parseWeek(i.week);
    return w.ok && compareWeeks(w.value, input.week) < 0;
  });
  const carried = new Set([...others, pending].flatMap((i) => i.pairs.map((p) => p.id)));
  const { issue } = buildIssue({
    content,
    week: input.week,
    zone: config.NEWSLETTER_TIMEZONE,
    carried,
    maxPairs: config.MAX_PAIRS_PER_ISSUE,
    number: earlier.length + 2,
  });
  return { issue, assumes: pending.week };
}
