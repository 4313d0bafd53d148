// What a draft week would carry. Weeks up to the current one plan exactly as `verdicts pairs`
// does. A later week assumes the current week's issue goes out first (the weekly job sends it
// next Monday), so next week's draft does not repeat this week's pairs.
import type { Config } from '../../config.ts';
import type { Issue } from '../../content/issue.ts';
import type { Content } from '../../content/schema.ts';
import { compareWeeks, formatWeek, type Week } from '../../content/week.ts';
import { planIssue } from '../../pipeline/plan-issue.ts';
import { voteCountsAt } from '../../store/vote-counts-at.ts';
import { isArchived } from './archived-issue.ts';

export type DraftPlanInput = {
  config: Pick<
    Config,
    'ISSUES_DIR' | 'NEWSLETTER_TIMEZONE' | 'MAX_PAIRS_PER_ISSUE' | 'DATABASE_PATH'
  >;
  content: Content;
  week: Week;
  current: Week;
};

/** `assumes` names the unsent week whose pairs this draft leaves out. */
export type DraftPlan = { issue: Issue | null; assumes: string | null };

export async function planDraft(input: DraftPlanInput): Promise<DraftPlan> {
  const { config, content } = input;
  const votes = voteCountsAt(config.DATABASE_PATH);
  const plan = (week: Week, before: Issue[] = []) =>
    planIssue({
      content,
      week,
      issuesDir: config.ISSUES_DIR,
      zone: config.NEWSLETTER_TIMEZONE,
      maxPairs: config.MAX_PAIRS_PER_ISSUE,
      before,
      votes,
    });
  const later = compareWeeks(input.week, input.current) > 0;
  const pending =
    later && !(await isArchived(config.ISSUES_DIR, formatWeek(input.current)))
      ? (await plan(input.current)).issue
      : null;
  if (!pending) return { issue: (await plan(input.week)).issue, assumes: null };
  return { issue: (await plan(input.week, [pending])).issue, assumes: pending.week };
}
