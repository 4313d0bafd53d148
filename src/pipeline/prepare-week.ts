// Load, plan and render one week in memory, writing nothing: the one path by which the build,
// the sender (through the build), `verdicts lint` and the preview's drafts get an email. Every
// expected failure is a value: the data does not validate, the archive cannot be read, the
// templates do not render.
import { archiveExists } from '../archive/index.ts';
import {
  type ContentFailure,
  compareWeeks,
  formatWeek,
  Issue,
  type LoadedContent,
  type Problem,
  readContent,
  type Week,
} from '../content/index.ts';
import { isVerdictsError, type VerdictsError } from '../errors.ts';
import { type RenderedIssue, renderIssue, type Templates } from '../render/index.ts';
import type { Result } from '../result.ts';
import type { Pipeline } from './open-pipeline.ts';
import { planIssue } from './plan-issue.ts';

export type ContentLoad = Result<LoadedContent, ContentFailure>;

/** Where preparing a week stopped: the stage names what the editor has to fix. */
export type PrepareProblem =
  | { stage: 'content'; error: VerdictsError<'content'>; problems: readonly Problem[] }
  | { stage: 'archive' | 'render'; error: VerdictsError };

export type PreparedWeek =
  | { status: 'no-pairs'; week: string; warnings: readonly Problem[]; assumes: string | null }
  | {
      status: 'ready';
      week: string;
      issue: Issue;
      issueJson: string;
      rendered: RenderedIssue;
      warnings: readonly Problem[];
      /** A later draft leaves out the pairs of this unsent week (see `current`). */
      assumes: string | null;
    }
  | { status: 'problems'; week: string; problem: PrepareProblem };

export type PrepareOptions = {
  /** The cutoff: pairs published after it are not out yet (default: no cutoff). */
  at?: Date;
  templates?: Templates | (() => Promise<Templates>);
  /** Content already loaded for this change (the preview shares one load across weeks). */
  content?: () => Promise<ContentLoad>;
  /**
   * The week that contains now. A later week assumes this one's issue goes out first (the
   * weekly job sends it next), so next week's draft does not repeat this week's pairs.
   */
  current?: Week;
};

export type PlannedWeek =
  | {
      status: 'planned';
      week: string;
      issue: Issue | null;
      warnings: readonly Problem[];
      assumes: string | null;
    }
  | { status: 'problems'; week: string; problem: PrepareProblem };

/** The plan stage alone (the preview's week list): which pairs, which number, no render. */
export async function planWeek(
  p: Pipeline,
  week: Week,
  opts: Omit<PrepareOptions, 'templates'> = {},
): Promise<PlannedWeek> {
  const id = formatWeek(week);
  const loaded = await (
    opts.content ??
    (() => readContent(p.settings.dataDir, { maxBytes: p.settings.dataFileMaxBytes }))
  )();
  if (!loaded.ok) return { status: 'problems', week: id, problem: contentProblem(loaded.error) };
  const { content, warnings } = loaded.value;
  try {
    const votes = await p.votes();
    const plan = (w: Week, before: Issue[] = []) =>
      planIssue({
        content,
        week: w,
        issuesDir: p.settings.issuesDir,
        ...p.settings.plan,
        ...(opts.at ? { asOf: opts.at } : {}),
        votes,
        before,
      });
    const pending =
      opts.current &&
      compareWeeks(week, opts.current) > 0 &&
      !(await archiveExists(p.settings.issuesDir, formatWeek(opts.current)))
        ? (await plan(opts.current)).issue
        : null;
    const { issue } = await plan(week, pending ? [pending] : []);
    return { status: 'planned', week: id, issue, warnings, assumes: pending?.week ?? null };
  } catch (e) {
    return { status: 'problems', week: id, problem: { stage: 'archive', error: expected(e) } };
  }
}

export async function prepareWeek(
  p: Pipeline,
  week: Week,
  opts: PrepareOptions = {},
): Promise<PreparedWeek> {
  const planned = await planWeek(p, week, opts);
  if (planned.status === 'problems') return planned;
  const { week: id, issue, warnings, assumes } = planned;
  if (!issue) return { status: 'no-pairs', week: id, warnings, assumes };
  // Render from the issue exactly as issue.json will hold it, so the sender, which reads the
  // archive, derives the same placeholders.
  const issueJson = `${JSON.stringify(issue, null, 2)}\n`;
  const archived = Issue.parse(JSON.parse(issueJson));
  try {
    const templates =
      typeof opts.templates === 'function' ? await opts.templates() : opts.templates;
    const rendered = await renderIssue(archived, {
      ...p.settings.render,
      ...(templates ? { templates } : {}),
    });
    return { status: 'ready', week: id, issue: archived, issueJson, rendered, warnings, assumes };
  } catch (e) {
    return { status: 'problems', week: id, problem: { stage: 'render', error: expected(e) } };
  }
}

const contentProblem = (f: ContentFailure): PrepareProblem => ({ stage: 'content', ...f });

// A VerdictsError is bad input (a template, an archived file) and comes back as a value;
// anything else thrown below is a bug and stays thrown.
function expected(e: unknown): VerdictsError {
  if (isVerdictsError(e)) return e;
  throw e;
}
