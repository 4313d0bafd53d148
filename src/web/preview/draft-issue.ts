// A week that is not archived yet, rendered in memory exactly as `verdicts build` would render
// it (same plan, same issue.json round trip, same renderIssue and options), but never written.
import type { Config } from '../../config.ts';
import { Issue } from '../../content/issue.ts';
import type { LoadedContent } from '../../content/parse-content.ts';
import type { Week } from '../../content/week.ts';
import { renderOptions } from '../../pipeline/build-week.ts';
import { type RenderedIssue, renderIssue } from '../../render/render-issue.ts';
import { loadTemplates } from '../../render/templates.ts';
import { err, ok, type Result } from '../../result.ts';
import { planDraft } from './plan-draft.ts';
import { fromError, type ShownProblem } from './shown-problem.ts';

export type DraftInput = {
  config: Config;
  templatesDir: string;
  content: LoadedContent;
  week: Week;
  /** The week that contains now (see planDraft). */
  current: Week;
};

export type Draft = { issue: Issue; rendered: RenderedIssue; assumes: string | null } | null;

/** The draft's issue and rendering; null when the week has no new pairs. */
export async function renderDraft(input: DraftInput): Promise<Result<Draft, ShownProblem[]>> {
  const { config } = input;
  let issue: Issue | null;
  let assumes: string | null;
  try {
    const planned = await planDraft({ ...input, content: input.content.content });
    // The sender renders from issue.json as archived: do the same so placeholders agree.
    issue = planned.issue ? Issue.parse(JSON.parse(JSON.stringify(planned.issue))) : null;
    assumes = planned.assumes;
  } catch (e) {
    return err(fromError(e, 'archive'));
  }
  if (!issue) return ok(null);
  try {
    const templates = await loadTemplates(input.templatesDir);
    const rendered = await renderIssue(issue, { ...renderOptions(config), templates });
    return ok({ issue, rendered, assumes });
  } catch (e) {
    return err(fromError(e, 'template'));
  }
}
