// One week as the preview shows it: the archived bytes when the week is archived, otherwise a
// draft rendered in memory; then personalised for a preview reader, exactly as the sender
// personalises. Every failure ends up in `problems`; nothing here throws. Lint findings come
// separately (lint-week.ts) so the email itself is never held up by the lint.
import type { Config } from '../../config.ts';
import type { Issue } from '../../content/issue.ts';
import type { Week } from '../../content/week.ts';
import { formatWeek } from '../../content/week.ts';
import { byteLength } from '../../render/compile-mjml.ts';
import { compilePersonaliser, type Recipient } from '../../render/personalise.ts';
import type { RenderedIssue } from '../../render/render-issue.ts';
import { isArchived, readArchived } from './archived-issue.ts';
import type { ContentResult } from './draft-content.ts';
import { renderDraft } from './draft-issue.ts';
import { fromContentProblem, fromError, relativise, type ShownProblem } from './shown-problem.ts';

/** Who the preview pretends to be: never a real subscriber (id 0 exists in no table). */
export const PREVIEW_RECIPIENT: Recipient = {
  subscriberId: 0,
  email: 'preview@example.com',
  name: 'Preview Reader',
};

export type WeekPreview = {
  week: string;
  kind: 'archived' | 'draft';
  issue: Issue | null;
  /** As rendered or archived: recipient fields still placeholders. */
  rendered: RenderedIssue | null;
  /** What the preview reader would receive. */
  shown: { html: string; text: string } | null;
  htmlBytes: number | null;
  warnings: ShownProblem[];
  problems: ShownProblem[];
  /** Why there is no email to show, when there is none and nothing went wrong. */
  empty: string | null;
  /** A later draft leaves out the pairs of this unsent week (see planDraft). */
  assumes: string | null;
};

export type WeekPreviewInput = {
  config: Config;
  templatesDir: string;
  cwd: string;
  week: Week;
  current: Week;
  /** The data folder, loaded once per change and shared by every week (drafts only). */
  content: () => Promise<ContentResult>;
};

export async function previewWeek(input: WeekPreviewInput): Promise<WeekPreview> {
  const preview = await previewWeekRaw(input);
  const rel = (p: ShownProblem) => relativise(p, input.cwd);
  return { ...preview, problems: preview.problems.map(rel), warnings: preview.warnings.map(rel) };
}

async function previewWeekRaw(input: WeekPreviewInput): Promise<WeekPreview> {
  const { config } = input;
  const week = formatWeek(input.week);
  const archived = await isArchived(config.ISSUES_DIR, week);
  const base: WeekPreview = {
    week,
    kind: archived ? 'archived' : 'draft',
    issue: null,
    rendered: null,
    shown: null,
    htmlBytes: null,
    warnings: [],
    problems: [],
    empty: null,
    assumes: null,
  };
  let issue: Issue;
  let rendered: RenderedIssue;
  if (archived) {
    const read = await readArchived(config.ISSUES_DIR, week);
    if (!read.ok) return { ...base, problems: read.error };
    ({ issue, rendered } = read.value);
  } else {
    const content = await input.content();
    if (!content.ok) return { ...base, problems: content.error };
    const warnings = content.value.warnings.map((p) =>
      fromContentProblem(p, config.DATA_DIR, input.cwd),
    );
    const draft = await renderDraft({ ...input, content: content.value });
    if (!draft.ok) return { ...base, warnings, problems: draft.error };
    if (!draft.value) return { ...base, warnings, empty: `${week} has no new pairs, so no issue.` };
    ({ issue, rendered } = draft.value);
    base.assumes = draft.value.assumes;
    base.warnings = warnings;
  }
  try {
    const links = { baseUrl: config.PUBLIC_BASE_URL, secret: config.TOKEN_SECRET };
    const msg = compilePersonaliser(rendered, issue)(PREVIEW_RECIPIENT, links);
    return {
      ...base,
      issue,
      rendered,
      shown: { html: msg.html, text: msg.text },
      htmlBytes: byteLength(msg.html),
    };
  } catch (e) {
    return { ...base, issue, rendered, problems: fromError(e, 'render') };
  }
}
