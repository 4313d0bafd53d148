// One week as an editor previews it: the archived bytes (read once, hash-checked, never
// re-rendered) when the week is archived, else a draft from prepareWeek, the path the build
// takes; then personalised for a reader exactly as the sender personalises. Every expected
// failure is a value in `problem`.
import { type ArchivedEmail, archiveExists, readArchivedEmail } from '../archive/index.ts';
import { formatWeek, type Issue, type Problem, type Week } from '../content/index.ts';
import { isVerdictsError, type VerdictsError } from '../errors.ts';
import {
  compilePersonaliser,
  type Recipient,
  type RenderedIssue,
  wireBytes,
} from '../render/index.ts';
import type { Pipeline } from './open-pipeline.ts';
import { type PrepareOptions, type PrepareProblem, prepareWeek } from './prepare-week.ts';

export type PreviewProblem =
  | PrepareProblem
  /** An archived week that cannot be read (changed, unreadable): shown, never re-rendered. */
  | { stage: 'archived'; error: Error }
  | { stage: 'personalise'; error: VerdictsError };

export type PreviewedWeek = {
  week: string;
  kind: 'archived' | 'draft';
  issue: Issue | null;
  /** As rendered or archived: recipient fields still placeholders. */
  rendered: RenderedIssue | null;
  /** What the reader would receive. */
  shown: { html: string; text: string } | null;
  htmlBytes: number | null;
  warnings: readonly Problem[];
  problem: PreviewProblem | null;
  /** Why there is no email to show, when there is none and nothing went wrong. */
  empty: string | null;
  /** A later draft leaves out the pairs of this unsent week. */
  assumes: string | null;
};

export async function previewWeek(
  p: Pipeline,
  week: Week,
  opts: PrepareOptions & { reader: Recipient },
): Promise<PreviewedWeek> {
  const id = formatWeek(week);
  const archived = await archiveExists(p.settings.issuesDir, id);
  const base: PreviewedWeek = {
    week: id,
    kind: archived ? 'archived' : 'draft',
    issue: null,
    rendered: null,
    shown: null,
    htmlBytes: null,
    warnings: [],
    problem: null,
    empty: null,
    assumes: null,
  };
  let issue: Issue;
  let rendered: RenderedIssue;
  if (archived) {
    let read: ArchivedEmail;
    try {
      read = await readArchivedEmail(p.settings.issuesDir, id);
    } catch (e) {
      // Whatever stops the read (a changed file, permissions) is the editor's to fix.
      return { ...base, problem: { stage: 'archived', error: e as Error } };
    }
    const { subject, preheader } = read.meta;
    issue = read.issue;
    rendered = { subject, preheader, html: read.html, text: read.text, webHtml: read.webHtml };
  } else {
    const draft = await prepareWeek(p, week, opts);
    if (draft.status === 'problems') return { ...base, problem: draft.problem };
    base.warnings = draft.warnings;
    if (draft.status === 'no-pairs')
      return { ...base, empty: `${id} has no new pairs, so no issue.` };
    ({ issue, rendered } = draft);
    base.assumes = draft.assumes;
  }
  try {
    const msg = compilePersonaliser(rendered, issue)(opts.reader, p.settings.email.links);
    return {
      ...base,
      issue,
      rendered,
      shown: { html: msg.html, text: msg.text },
      // On the wire (quoted-printable): what Gmail's clip and our budget count.
      htmlBytes: wireBytes(msg.html),
    };
  } catch (e) {
    return { ...base, issue, rendered, problem: { stage: 'personalise', error: expected(e) } };
  }
}

function expected(e: unknown): VerdictsError {
  if (isVerdictsError(e)) return e;
  throw e;
}
